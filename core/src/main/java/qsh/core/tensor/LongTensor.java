package qsh.core.tensor;

import java.util.Arrays;

/**
 * A dense int64 tensor (row-major): the shapes, indices and axes that exported models compute with
 * Shape/Gather/Concat, and integer initializers. Float math never runs on it.
 */
public final class LongTensor {
    /** ONNX element type INT64, the type of every LongTensor not decoded from a narrower initializer. */
    public static final int INT64 = 7;

    private final int[] shape;
    private final long[] data;
    private final int dataType;

    private LongTensor(int[] shape, long[] data, int dataType) {
        this.shape = shape;
        this.data = data;
        this.dataType = dataType;
    }

    /** Wraps {@code data} (not copied); the element count must match {@code shape}. */
    public static LongTensor of(int[] shape, long[] data) {
        long n = Tensor.checkedSize(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " elements but the data has " + data.length);
        }
        return new LongTensor(shape.clone(), data, INT64);
    }

    /**
     * Wraps {@code data} as values of ONNX element type {@code dataType} (e.g. 2 = UINT8, 3 = INT8, 21 = UINT4):
     * the values are still held as longs, the type says what they stand for (QuantizeLinear's output type is
     * its zero point's type).
     */
    public static LongTensor of(int[] shape, long[] data, int dataType) {
        LongTensor t = of(shape, data);
        return dataType == INT64 ? t : new LongTensor(t.shape, data, dataType);
    }

    /** The ONNX element type these values stand for (INT64 unless decoded from or made as another type). */
    public int dataType() {
        return dataType;
    }

    /** A 1-D tensor of {@code values}. */
    public static LongTensor vector(long... values) {
        return new LongTensor(new int[] {values.length}, values, INT64);
    }

    /** A 0-D (scalar) tensor. */
    public static LongTensor scalar(long v) {
        return new LongTensor(new int[0], new long[] {v}, INT64);
    }

    /** The shape (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** The flat data (shared). */
    public long[] data() {
        return data;
    }

    /** The element count. */
    public int size() {
        return data.length;
    }

    /** The values as floats (Cast to float). */
    public Tensor toFloat() {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = data[i];
        }
        return Tensor.of(shape, f);
    }

    /** Float values truncated toward zero (Cast from float to an integer type). */
    public static LongTensor fromFloat(Tensor t) {
        long[] d = new long[t.size()];
        float[] f = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (long) f[i];
        }
        return of(t.shape(), d);
    }

    /** The same data with another shape. */
    public LongTensor reshape(int... newShape) {
        return of(newShape, data, dataType);
    }

    @Override
    public String toString() {
        return "LongTensor" + Arrays.toString(shape);
    }
}
