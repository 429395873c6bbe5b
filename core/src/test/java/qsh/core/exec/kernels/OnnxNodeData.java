package qsh.core.exec.kernels;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import qsh.core.tensor.Tensor;

/**
 * Test-only minimal protobuf wire reader for the ONNX backend node test data (one-node model.onnx and
 * TensorProto .pb files). Only what the kernel tests need; the real ONNX reader lives on the onnx branch.
 */
final class OnnxNodeData {
    /** One node: op type, attributes (Long, Float, String, long[] or float[]), opset of the default domain. */
    record Node(String opType, Map<String, Object> attrs, long opset, List<String> inputs) {
    }

    private final ByteBuffer buf;

    private OnnxNodeData(byte[] bytes, int from, int to) {
        buf = ByteBuffer.wrap(bytes, from, to - from).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private long varint() {
        long r = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = buf.get();
            r |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return r;
            }
        }
    }

    /** Visits fields: calls f(fieldNumber, wireType, valueOrLength, startOfBytes). */
    private interface Field {
        void on(int field, int wire, long value, int start);
    }

    private void each(Field f) {
        while (buf.hasRemaining()) {
            long key = varint();
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            switch (wire) {
                case 0 -> f.on(field, wire, varint(), -1);
                case 1 -> f.on(field, wire, buf.getLong(), -1);
                case 5 -> f.on(field, wire, buf.getInt() & 0xffffffffL, -1);
                case 2 -> {
                    int len = (int) varint();
                    int start = buf.position();
                    f.on(field, wire, len, start);
                    buf.position(start + len);
                }
                default -> throw new IllegalStateException("wire type " + wire);
            }
        }
    }

    private OnnxNodeData sub(int start, long len) {
        byte[] a = buf.array();
        int off = buf.arrayOffset();
        return new OnnxNodeData(a, off + start, off + start + (int) len);
    }

    private String str(int start, long len) {
        return new String(buf.array(), buf.arrayOffset() + start, (int) len, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Reads a float TensorProto (dims=1, data_type=2, float_data=4, raw_data=9). */
    static Tensor tensor(Path p) throws IOException {
        byte[] bytes = Files.readAllBytes(p);
        OnnxNodeData r = new OnnxNodeData(bytes, 0, bytes.length);
        List<Integer> dims = new ArrayList<>();
        List<Float> floats = new ArrayList<>();
        float[][] raw = {null};
        long[] type = {1};
        List<Long> ints = new ArrayList<>();
        r.each((f, w, v, s) -> {
            if (f == 1) {
                if (w == 2) {
                    OnnxNodeData q = r.sub(s, v);
                    while (q.buf.hasRemaining()) {
                        dims.add((int) q.varint());
                    }
                } else {
                    dims.add((int) v);
                }
            } else if (f == 2) {
                type[0] = v;
            } else if (f == 4 && w == 2) {
                ByteBuffer b = r.sub(s, v).buf;
                while (b.hasRemaining()) {
                    floats.add(b.getFloat());
                }
            } else if (f == 7 && w == 2) { // int64_data, packed
                OnnxNodeData q = r.sub(s, v);
                while (q.buf.hasRemaining()) {
                    ints.add(q.varint());
                }
            } else if (f == 9) {
                ByteBuffer b = r.sub(s, v).buf;
                if (type[0] == 7) {
                    while (b.hasRemaining()) {
                        ints.add(b.getLong());
                    }
                } else if (type[0] == 1) {
                    float[] d = new float[(int) v / 4];
                    for (int i = 0; i < d.length; i++) {
                        d[i] = b.getFloat();
                    }
                    raw[0] = d;
                }
            }
        });
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        float[] data;
        if (type[0] == 7) {
            data = new float[ints.size()];
            for (int i = 0; i < data.length; i++) {
                data[i] = ints.get(i);
            }
        } else if (type[0] != 1) {
            throw new UnsupportedOperationException("tensor type " + type[0] + " in " + p);
        } else if (raw[0] != null) {
            data = raw[0];
        } else {
            data = new float[floats.size()];
            for (int i = 0; i < data.length; i++) {
                data[i] = floats.get(i);
            }
        }
        return Tensor.of(shape, data);
    }

    /** Reads the single node of a backend-test model.onnx (ModelProto.graph=7, opset_import=8). */
    static Node node(Path model) throws IOException {
        byte[] bytes = Files.readAllBytes(model);
        OnnxNodeData r = new OnnxNodeData(bytes, 0, bytes.length);
        String[] op = {null};
        Map<String, Object> attrs = new HashMap<>();
        List<String> inputs = new ArrayList<>();
        long[] opset = {0};
        r.each((f, w, v, s) -> {
            if (f == 8 && w == 2) { // OperatorSetIdProto: domain=1, version=2
                OnnxNodeData q = r.sub(s, v);
                String[] dom = {""};
                long[] ver = {0};
                q.each((f2, w2, v2, s2) -> {
                    if (f2 == 1) {
                        dom[0] = q.str(s2, v2);
                    } else if (f2 == 2) {
                        ver[0] = v2;
                    }
                });
                if (dom[0].isEmpty() || dom[0].equals("ai.onnx")) {
                    opset[0] = ver[0];
                }
            } else if (f == 7 && w == 2) {
                OnnxNodeData g = r.sub(s, v);
                g.each((f2, w2, v2, s2) -> {
                    if (f2 == 1 && op[0] == null) {
                        OnnxNodeData n = g.sub(s2, v2);
                        n.each((f3, w3, v3, s3) -> {
                            if (f3 == 1) {
                                inputs.add(n.str(s3, v3));
                            } else if (f3 == 4) {
                                op[0] = n.str(s3, v3);
                            } else if (f3 == 5) {
                                n.sub(s3, v3).attribute(attrs);
                            }
                        });
                    }
                });
            }
        });
        return new Node(op[0], attrs, opset[0], inputs);
    }

    /** AttributeProto: name=1, f=2, i=3, s=4, floats=7, ints=8. */
    private void attribute(Map<String, Object> into) {
        String[] name = {null};
        Object[] value = {null};
        List<Long> ints = new ArrayList<>();
        List<Float> floats = new ArrayList<>();
        each((f, w, v, s) -> {
            switch (f) {
                case 1 -> name[0] = str(s, v);
                case 2 -> value[0] = Float.intBitsToFloat((int) v);
                case 3 -> value[0] = v;
                case 4 -> value[0] = str(s, v);
                case 7 -> {
                    if (w == 2) {
                        ByteBuffer b = sub(s, v).buf;
                        while (b.hasRemaining()) {
                            floats.add(b.getFloat());
                        }
                    } else {
                        floats.add(Float.intBitsToFloat((int) v));
                    }
                }
                case 8 -> {
                    if (w == 2) {
                        OnnxNodeData q = sub(s, v);
                        while (q.buf.hasRemaining()) {
                            ints.add(q.varint());
                        }
                    } else {
                        ints.add(v);
                    }
                }
                default -> {
                }
            }
        });
        if (!ints.isEmpty()) {
            value[0] = ints.stream().mapToLong(Long::longValue).toArray();
        } else if (!floats.isEmpty()) {
            float[] fl = new float[floats.size()];
            for (int i = 0; i < fl.length; i++) {
                fl[i] = floats.get(i);
            }
            value[0] = fl;
        }
        into.put(name[0], value[0]);
    }
}
