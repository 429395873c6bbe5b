package qsh.core.onnx;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import qsh.core.io.FileAccessPolicy;
import qsh.core.onnx.proto.OnnxProto.TensorProto;
import qsh.core.onnx.proto.OnnxProto.TensorProto.DataType;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;

/**
 * Converts ONNX TensorProtos to qsh tensors and back. Float types (FLOAT, DOUBLE, FLOAT16) become a float32
 * {@link Tensor}; integer and bool types become a {@link LongTensor}. raw_data is little-endian (ONNX IR).
 */
public final class TensorProtos {
    private TensorProtos() {}

    /** Reads one serialized TensorProto file (the ONNX backend tests' input_N.pb / output_N.pb). */
    public static TensorProto readFile(Path p) throws IOException {
        FileAccessPolicy.requireRead(p);
        try (InputStream in = Files.newInputStream(p)) {
            return TensorProto.parseFrom(in);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new OnnxFormatException(p + ": not a valid TensorProto file (" + e.getMessage() + ")");
        }
    }

    /** The shape of {@code t}, refusing negative or absurd dimensions before anything is allocated. */
    public static int[] shape(TensorProto t) {
        int[] s = new int[t.getDimsCount()];
        for (int i = 0; i < s.length; i++) {
            long d = t.getDims(i);
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new OnnxFormatException("tensor '" + t.getName() + "' has dimension " + d + " in shape " + t.getDimsList());
            }
            s[i] = (int) d;
        }
        Tensor.checkedSize(s);
        return s;
    }

    /** True for the element types qsh turns into float tensors. */
    public static boolean isFloat(int dataType) {
        return dataType == DataType.FLOAT_VALUE || dataType == DataType.DOUBLE_VALUE || dataType == DataType.FLOAT16_VALUE;
    }

    /** True for the element types qsh turns into int64 tensors. */
    public static boolean isInteger(int dataType) {
        switch (dataType) {
            case DataType.INT64_VALUE: case DataType.INT32_VALUE: case DataType.INT16_VALUE: case DataType.INT8_VALUE:
            case DataType.UINT8_VALUE: case DataType.UINT16_VALUE: case DataType.UINT32_VALUE: case DataType.UINT64_VALUE:
            case DataType.BOOL_VALUE: case DataType.INT4_VALUE: case DataType.UINT4_VALUE:
                return true;
            default:
                return false;
        }
    }

    /**
     * Decodes {@code t} to a {@link Tensor} or {@link LongTensor}; other element types are refused by name. The data the
     * proto actually holds (raw_data bytes, or the count of its repeated values) is checked against the shape before
     * anything is allocated: a few bytes claiming a gigabyte tensor are refused, not allocated.
     */
    public static Object decode(TensorProto t) {
        int[] shape = shape(t);
        int n = (int) Tensor.checkedSize(shape);
        int dt = t.getDataType();
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            throw new OnnxFormatException("tensor '" + t.getName() + "' keeps its data in an external file, which qsh does not read yet");
        }
        ByteBuffer raw = t.hasRawData() ? t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN) : null;
        if (isFloat(dt)) {
            int width = dt == DataType.FLOAT_VALUE ? 4 : dt == DataType.DOUBLE_VALUE ? 8 : 2;
            if (raw != null) {
                checkRaw(t, raw, n, width);
            } else {
                checkCount(t, dt == DataType.FLOAT_VALUE ? t.getFloatDataCount() : dt == DataType.DOUBLE_VALUE
                        ? t.getDoubleDataCount() : t.getInt32DataCount(), n);
            }
            float[] f = new float[n];
            if (raw != null) {
                for (int i = 0; i < n; i++) {
                    f[i] = dt == DataType.FLOAT_VALUE ? raw.getFloat() : dt == DataType.DOUBLE_VALUE ? (float) raw.getDouble()
                            : Float16.toFloat(raw.getShort());
                }
            } else if (dt == DataType.FLOAT_VALUE) {
                for (int i = 0; i < n; i++) {
                    f[i] = t.getFloatData(i);
                }
            } else if (dt == DataType.DOUBLE_VALUE) {
                for (int i = 0; i < n; i++) {
                    f[i] = (float) t.getDoubleData(i);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    f[i] = Float16.toFloat((short) t.getInt32Data(i));
                }
            }
            return Tensor.of(shape, f);
        }
        if (isInteger(dt)) {
            boolean packed4 = dt == DataType.INT4_VALUE || dt == DataType.UINT4_VALUE;
            // ONNX int4/uint4: two per byte, first value in the low nibble; int32_data then holds one packed byte each
            int stored = packed4 ? (int) ((n + 1L) / 2) : n;
            if (raw != null) {
                checkRaw(t, raw, stored, packed4 ? 1 : width(dt));
            } else {
                checkCount(t, dt == DataType.INT64_VALUE ? t.getInt64DataCount()
                        : dt == DataType.UINT32_VALUE || dt == DataType.UINT64_VALUE ? t.getUint64DataCount()
                        : t.getInt32DataCount(), stored);
            }
            long[] v = new long[n];
            if (packed4) {
                decode4(t, raw, v);
            } else if (raw != null) {
                for (int i = 0; i < n; i++) {
                    v[i] = readInt(raw, dt);
                }
            } else if (dt == DataType.INT64_VALUE) {
                for (int i = 0; i < n; i++) {
                    v[i] = t.getInt64Data(i);
                }
            } else if (dt == DataType.UINT32_VALUE || dt == DataType.UINT64_VALUE) {
                for (int i = 0; i < n; i++) {
                    v[i] = t.getUint64Data(i);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    v[i] = t.getInt32Data(i);
                }
            }
            return LongTensor.of(shape, v, dt);
        }
        throw new OnnxFormatException("tensor '" + t.getName() + "' has element type " + typeName(dt) + ", which qsh cannot compute with");
    }

    /** A FLOAT TensorProto named {@code name} holding {@code t} as raw little-endian data. */
    public static TensorProto encode(String name, Tensor t) {
        ByteBuffer b = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(t.data());
        TensorProto.Builder tb = TensorProto.newBuilder().setName(name).setDataType(DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (int d : t.shape()) {
            tb.addDims(d);
        }
        return tb.build();
    }

    /** A FLOAT16 TensorProto holding {@code t} rounded to half precision (round to nearest even). */
    public static TensorProto encodeFloat16(String name, Tensor t) {
        ByteBuffer b = ByteBuffer.allocate(2 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : t.data()) {
            b.putShort(Float16.fromFloat(f));
        }
        TensorProto.Builder tb = TensorProto.newBuilder().setName(name).setDataType(DataType.FLOAT16_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (int d : t.shape()) {
            tb.addDims(d);
        }
        return tb.build();
    }

    /** An integer TensorProto of element type {@code dataType} holding {@code t} as raw data. */
    public static TensorProto encode(String name, LongTensor t, int dataType) {
        if (dataType == DataType.INT4_VALUE || dataType == DataType.UINT4_VALUE) {
            return encode4(name, t, dataType);
        }
        int width = width(dataType);
        ByteBuffer b = ByteBuffer.allocate(width * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : t.data()) {
            switch (width) {
                case 1: b.put((byte) v); break;
                case 2: b.putShort((short) v); break;
                case 4: b.putInt((int) v); break;
                default: b.putLong(v);
            }
        }
        TensorProto.Builder tb = TensorProto.newBuilder().setName(name).setDataType(dataType)
                .setRawData(ByteString.copyFrom(b.array()));
        for (int d : t.shape()) {
            tb.addDims(d);
        }
        return tb.build();
    }

    /** The spec name of an element type, e.g. FLOAT or INT64. */
    public static String typeName(int dt) {
        DataType d = DataType.forNumber(dt);
        return d == null ? "type " + dt : d.name();
    }

    private static TensorProto encode4(String name, LongTensor t, int dataType) {
        boolean signed = dataType == DataType.INT4_VALUE;
        long[] v = t.data();
        int[] q = new int[v.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = Math.toIntExact(v[i]);
        }
        TensorProto.Builder tb = TensorProto.newBuilder().setName(name).setDataType(dataType)
                .setRawData(ByteString.copyFrom(qsh.core.quant.Packing.pack4(q, 0, q.length, signed)));
        for (int d : t.shape()) {
            tb.addDims(d);
        }
        return tb.build();
    }

    private static void decode4(TensorProto t, ByteBuffer raw, long[] out) {
        boolean signed = t.getDataType() == DataType.INT4_VALUE;
        byte[] packed;
        if (raw != null) { // sizes were checked by decode
            packed = new byte[raw.remaining()];
            raw.get(packed);
        } else { // int32_data holds one packed byte per entry
            packed = new byte[t.getInt32DataCount()];
            for (int i = 0; i < packed.length; i++) {
                packed[i] = (byte) t.getInt32Data(i);
            }
        }
        int[] q = qsh.core.quant.Packing.unpack4(packed, out.length, signed);
        for (int i = 0; i < out.length; i++) {
            out[i] = q[i];
        }
    }

    private static int width(int dt) {
        switch (dt) {
            case DataType.INT8_VALUE: case DataType.UINT8_VALUE: case DataType.BOOL_VALUE: return 1;
            case DataType.INT16_VALUE: case DataType.UINT16_VALUE: return 2;
            case DataType.INT32_VALUE: case DataType.UINT32_VALUE: return 4;
            default: return 8;
        }
    }

    private static long readInt(ByteBuffer raw, int dt) {
        switch (dt) {
            case DataType.INT8_VALUE: return raw.get();
            case DataType.UINT8_VALUE: case DataType.BOOL_VALUE: return raw.get() & 0xff;
            case DataType.INT16_VALUE: return raw.getShort();
            case DataType.UINT16_VALUE: return raw.getShort() & 0xffff;
            case DataType.INT32_VALUE: return raw.getInt();
            case DataType.UINT32_VALUE: return raw.getInt() & 0xffffffffL;
            default: return raw.getLong();
        }
    }

    private static void checkRaw(TensorProto t, ByteBuffer raw, int n, int width) {
        if (raw.remaining() != (long) n * width) {
            throw new OnnxFormatException("tensor '" + t.getName() + "': raw data has " + raw.remaining() + " bytes but shape "
                    + t.getDimsList() + " of " + typeName(t.getDataType()) + " needs " + (long) n * width);
        }
    }

    private static void checkCount(TensorProto t, int have, int n) {
        if (have != n) {
            throw new OnnxFormatException("tensor '" + t.getName() + "' has " + have + " values but shape " + t.getDimsList()
                    + " needs " + n + " (missing or truncated data)");
        }
    }
}
