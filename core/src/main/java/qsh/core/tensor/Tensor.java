package qsh.core.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor: a shape and a flat row-major {@code float[]} (last axis fastest).
 *
 * <p>The data array is shared, not copied, by {@link #of(int[], float[])} and {@link #reshape(int...)},
 * so kernels can work in place without allocating; use {@link #copy()} for an independent tensor.
 */
public final class Tensor {
    /** The largest element count qsh will allocate for one tensor (refuse absurd shapes before allocating). */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8L;

    private final int[] shape;
    private final float[] data;

    private Tensor(int[] shape, float[] data) {
        this.shape = shape;
        this.data = data;
    }

    /** Wraps {@code data} (not copied) with {@code shape}; the element counts must agree. */
    public static Tensor of(int[] shape, float[] data) {
        int[] s = shape.clone();
        long n = checkedSize(s);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(s) + " holds " + n
                    + " elements but the data has " + data.length);
        }
        return new Tensor(s, data);
    }

    /** A 1-D tensor over {@code values} (not copied). */
    public static Tensor vector(float... values) {
        return new Tensor(new int[] {values.length}, values);
    }

    /** A zero-filled tensor of {@code shape}. */
    public static Tensor zeros(int... shape) {
        return new Tensor(shape.clone(), new float[(int) checkedSize(shape)]);
    }

    /** The element count of {@code shape}; refuses negative dimensions and counts past {@link #MAX_ELEMENTS}. */
    public static long checkedSize(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > MAX_ELEMENTS) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large ("
                        + "more than " + MAX_ELEMENTS + " elements)");
            }
        }
        return n;
    }

    /** The shape (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** The number of axes. */
    public int rank() {
        return shape.length;
    }

    /** The length of {@code axis}; negative axes count from the end. */
    public int dim(int axis) {
        return shape[normalizeAxis(axis)];
    }

    /** The total element count. */
    public int size() {
        return data.length;
    }

    /** The flat row-major data, shared with this tensor (writes are visible). */
    public float[] data() {
        return data;
    }

    /** The element at flat index {@code i}. */
    public float get(int i) {
        return data[i];
    }

    /** The row-major strides of the shape, in elements. */
    public int[] strides() {
        int[] st = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= shape[i];
        }
        return st;
    }

    /** The same data viewed with another shape of equal element count. */
    public Tensor reshape(int... newShape) {
        return of(newShape, data);
    }

    /** An independent copy. */
    public Tensor copy() {
        return new Tensor(shape.clone(), data.clone());
    }

    /** {@code axis} made non-negative, checked against the rank. */
    public int normalizeAxis(int axis) {
        int a = axis < 0 ? axis + shape.length : axis;
        if (a < 0 || a >= shape.length) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for a tensor of rank " + shape.length);
        }
        return a;
    }

    /** The shape written as {@code [2, 3, 4]}. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString();
    }
}
