package qsh.core.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.onnx.Float16;
import qsh.core.opset.OpsetUpgrader;
import qsh.core.onnx.proto.OnnxProto.AttributeProto;
import qsh.core.onnx.proto.OnnxProto.ModelProto;
import qsh.core.onnx.proto.OnnxProto.NodeProto;
import qsh.core.quant.Encoding;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;

/**
 * Turns a {@link QuantizationPlan} into a QDQ graph, ONNX Runtime's format for quantized models: every integer
 * activation becomes QuantizeLinear → DequantizeLinear right after its producer (the producer's output is renamed
 * {@code NAME_float}, the DequantizeLinear output keeps {@code NAME}, so consumers, graph outputs and value infos
 * are unchanged; a quantized graph input feeds its consumers through {@code NAME_dq}); every integer weight or bias
 * becomes an integer initializer read by DequantizeLinear; FP16 tensors round-trip through Cast(FLOAT16) →
 * Cast(FLOAT); convert ops re-quantize (or cast) the value one consumer reads. Opset 13 suffices for 8-bit
 * (and int32 biases); 4- and 16-bit need opset 21 (algorithms.md). A model below that opset is upgraded by
 * {@link OpsetUpgrader}, so every node is in the raised opset's form.
 *
 * <p>Integer storage: an encoding whose zero point is 2^(bw-1) (symmetric) is stored signed (int4/int8/int16/int32)
 * with zero point 0; others unsigned (uint4/uint8/uint16). A 32-bit tensor must be symmetric (DequantizeLinear of
 * int32 takes zero point 0).
 *
 * <p>With {@code foldWeights} the weight and bias DequantizeLinear nodes are evaluated now and their float results
 * stored as the initializers: the graph computes exactly the same values (same float32 formula as the op) and is
 * what qsh's simulation runs.
 */
public final class QdqGraphBuilder {
    private final Graph g;
    private final QuantizationPlan plan;
    private final boolean fold;
    private final boolean pack4;
    private final List<NodeProto> nodes = new ArrayList<>();
    private final Map<String, Object> weights;
    private final Map<String, Integer> types;
    private final Set<String> becameNodeOutputs = new HashSet<>();
    private final Map<String, String> inputRefs = new HashMap<>();
    private boolean needs21;

    private QdqGraphBuilder(Graph g, QuantizationPlan plan, boolean fold, boolean pack4) {
        this.g = g;
        this.plan = plan;
        this.fold = fold;
        this.pack4 = pack4;
        this.weights = new LinkedHashMap<>(g.weights());
        this.weights.putAll(plan.weightValues()); // AdaRound weights, bias-corrected biases / batch-norm means
        this.types = new HashMap<>(g.weightTypes());
    }

    /** The QDQ form of {@code g} under {@code plan}; {@code foldWeights} stores dequantized weights as floats. */
    public static Graph build(Graph g, QuantizationPlan plan, boolean foldWeights) {
        return new QdqGraphBuilder(g, plan, foldWeights, false).build();
    }

    /**
     * The QDQ model to export: integer weights read by DequantizeLinear. 4-bit weights are stored packed as
     * int4/uint4 (opset 21) with {@code pack4Bit} (spec, "Packed 4-bit Quantization"), else one per int8/uint8 byte.
     */
    public static Graph export(Graph g, QuantizationPlan plan, boolean pack4Bit) {
        return new QdqGraphBuilder(g, plan, false, pack4Bit).build();
    }

    private Graph build() {
        for (var v : g.inputs()) {
            TensorPrecision p = plan.activations().get(v.name());
            if (p != null && stored(p)) {
                String ref = v.name() + "_dq";
                emitPrecision(v.name(), v.name(), p, ref);
                inputRefs.put(v.name(), ref);
            }
        }
        Map<String, Map<Integer, QuantizationPlan.ConvertOp>> converts = new HashMap<>();
        for (QuantizationPlan.ConvertOp c : plan.converts()) {
            converts.computeIfAbsent(c.consumer(), k -> new HashMap<>()).put(c.index(), c);
        }
        for (Node n : g.nodes()) {
            NodeProto.Builder b = n.proto().toBuilder();
            Map<Integer, QuantizationPlan.ConvertOp> mine = converts.getOrDefault(n.name(), Map.of());
            for (int i = 0; i < b.getInputCount(); i++) {
                String in = b.getInput(i);
                QuantizationPlan.ConvertOp c = mine.get(i);
                if (c != null) {
                    b.setInput(i, emitConvert(c));
                } else if (inputRefs.containsKey(in)) {
                    b.setInput(i, inputRefs.get(in));
                }
            }
            boolean int32 = plan.int32Ops().contains(n.name());
            if (int32) { // spec, INT32 overrides: Dequantize → Cast(INT32) before the op
                for (int i = 0; i < b.getInputCount(); i++) {
                    String in = b.getInput(i);
                    if (!in.isEmpty() && !g.weights().containsKey(in)) {
                        String cast = n.input(i) + "_int32_for_" + n.name();
                        nodes.add(cast(cast + "_cast", in, cast, 6));
                        b.setInput(i, cast);
                    }
                }
            }
            List<Runnable> after = new ArrayList<>();
            for (int i = 0; i < b.getOutputCount(); i++) {
                String o = b.getOutput(i);
                TensorPrecision p = plan.activations().get(o);
                boolean stored = p != null && stored(p);
                String produced = stored ? o + "_float" : o;
                if (int32 && !o.isEmpty()) { // … and Cast(FP32) → Quantize after it
                    b.setOutput(i, o + "_int32");
                    after.add(() -> nodes.add(cast(o + "_to_fp32", o + "_int32", produced, 1)));
                } else if (stored) {
                    b.setOutput(i, produced);
                }
                if (stored) {
                    after.add(() -> emitPrecision(produced, o, p, o));
                }
            }
            nodes.add(b.build());
            after.forEach(Runnable::run);
        }
        for (Map.Entry<String, TensorPrecision> e : plan.params().entrySet()) {
            emitParam(e.getKey(), e.getValue());
        }
        // QuantizeLinear/DequantizeLinear need opset 13 (21 for 4/16-bit): the whole graph is rewritten to that
        // opset's operator forms, so the simulation (fold) and the export run the same nodes ONNX Runtime accepts
        Graph qdq = g.derived(meta(), wrap(nodes), weights, types, "QDQ model");
        return OpsetUpgrader.upgrade(qdq, needs21 ? 21 : 13);
    }

    private static List<Node> wrap(List<NodeProto> protos) {
        List<Node> out = new ArrayList<>();
        for (NodeProto p : protos) {
            out.add(new Node(p, p.getOpType() + "_" + out.size()));
        }
        return out;
    }

    /** True when a value at precision {@code p} needs nodes to hold it (integers, FP16); FP32 is the graph's own. */
    private static boolean stored(TensorPrecision p) {
        return p.isInt() || p.bitwidth() == 16;
    }

    /** Emits what stores {@code src} at precision {@code p} and yields the float value {@code dst}. */
    private void emitPrecision(String src, String base, TensorPrecision p, String dst) {
        if (p.isInt()) {
            emitQdq(src, base, p, dst);
        } else if (p.bitwidth() == 16) {
            nodes.add(cast(base + "_to_fp16", src, base + "_fp16", 10));
            nodes.add(cast(base + "_to_fp32", base + "_fp16", dst, 1));
        }
    }

    private String emitConvert(QuantizationPlan.ConvertOp c) {
        String src = inputRefs.getOrDefault(c.tensor(), c.tensor());
        if (!c.to().isInt() && c.to().bitwidth() == 32) {
            return src; // int → fp32 or fp16 → fp32: the DequantizeLinear / Cast already yields this float value
        }
        emitPrecision(src, c.outputName(), c.to(), c.outputName());
        return c.outputName();
    }

    private void emitQdq(String src, String base, TensorPrecision p, String dst) {
        Storage s = Storage.of(p, base, true);
        needs21 |= s.needsOpset21();
        addScaleAndZeroPoint(base, p, s);
        nodes.add(qdqNode("QuantizeLinear", base + "_quantize", src, base, base + "_quantized", p));
        nodes.add(qdqNode("DequantizeLinear", base + "_dequantize", base + "_quantized", base, dst, p));
    }

    private void addScaleAndZeroPoint(String base, TensorPrecision p, Storage s) {
        int n = p.encodings().size();
        float[] scales = new float[n];
        long[] zps = new long[n];
        for (int c = 0; c < n; c++) {
            scales[c] = (float) p.encodings().get(c).scale();
            zps[c] = p.encodings().get(c).zeroPoint() - s.shift();
        }
        int[] shape = p.perChannel() ? new int[] {n} : new int[0];
        weights.put(base + "_scale", Tensor.of(shape, scales));
        types.put(base + "_scale", 1);
        weights.put(base + "_zero_point", LongTensor.of(shape, zps, s.type()));
        types.put(base + "_zero_point", s.type());
    }

    private static NodeProto qdqNode(String op, String name, String in, String base, String out, TensorPrecision p) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(name)
                .addInput(in).addInput(base + "_scale").addInput(base + "_zero_point").addOutput(out);
        if (p.perChannel()) {
            b.addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                    .setI(p.axis()));
        }
        return b.build();
    }

    private static NodeProto cast(String name, String in, String out, int to) {
        return NodeProto.newBuilder().setOpType("Cast").setName(name).addInput(in).addOutput(out)
                .addAttribute(AttributeProto.newBuilder().setName("to").setType(AttributeProto.AttributeType.INT).setI(to))
                .build();
    }

    private void emitParam(String name, TensorPrecision p) {
        Tensor w = (Tensor) weights.get(name);
        if (!p.isInt()) {
            if (p.bitwidth() == 16) {
                if (fold) {
                    weights.put(name, roundToHalf(w));
                } else { // stored as FLOAT16, cast back to float for the float op that reads it
                    weights.remove(name);
                    weights.put(name + "_fp16", w);
                    types.put(name + "_fp16", 10);
                    nodes.add(cast(name + "_to_fp32", name + "_fp16", name, 1));
                    becameNodeOutputs.add(name);
                }
            }
            return;
        }
        Storage s = Storage.of(p, name, pack4);
        needs21 |= s.needsOpset21();
        long[] q = quantize(w, p);
        if (fold) {
            weights.put(name, dequantize(q, w.shape(), p));
            return;
        }
        for (int i = 0; i < q.length; i++) {
            q[i] -= s.shift();
        }
        weights.remove(name);
        types.remove(name);
        weights.put(name + "_quantized", LongTensor.of(w.shape(), q, s.type()));
        types.put(name + "_quantized", s.type());
        addScaleAndZeroPoint(name, p, s);
        nodes.add(qdqNode("DequantizeLinear", name + "_dequantize", name + "_quantized", name, name, p));
        becameNodeOutputs.add(name);
    }

    /** The weight the quantized model computes with: DequantizeLinear(QuantizeLinear(w)) under {@code p}. */
    public static Tensor simulatedWeight(Tensor w, TensorPrecision p) {
        return dequantize(quantize(w, p), w.shape(), p);
    }

    /** q = clamp(rint(x / scale) + zp) with the float32 division of QuantizeLinear (double for 32-bit). */
    private static long[] quantize(Tensor w, TensorPrecision p) {
        float[] x = w.data();
        long[] q = new long[x.length];
        Channels ch = Channels.of(w.shape(), p);
        for (int i = 0; i < x.length; i++) {
            Encoding e = p.encodings().get(ch.of(i));
            float s = (float) e.scale();
            double v = e.bitwidth() > 16 ? Math.rint((double) x[i] / s) : Math.rint(x[i] / s);
            q[i] = (long) Math.max(0, Math.min(e.qmax(), v + e.zeroPoint()));
        }
        return q;
    }

    /** x̂ = (q - zp)·scale in float32, exactly what DequantizeLinear computes. */
    private static Tensor dequantize(long[] q, int[] shape, TensorPrecision p) {
        float[] out = new float[q.length];
        Channels ch = Channels.of(shape, p);
        for (int i = 0; i < q.length; i++) {
            Encoding e = p.encodings().get(ch.of(i));
            out[i] = (float) (q[i] - e.zeroPoint()) * (float) e.scale();
        }
        return Tensor.of(shape, out);
    }

    private static Tensor roundToHalf(Tensor w) {
        float[] d = w.data();
        float[] r = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            r[i] = Float16.round(d[i]);
        }
        return Tensor.of(w.shape(), r);
    }

    private ModelProto meta() {
        ModelProto m = g.meta();
        var gb = m.getGraph().toBuilder();
        gb.clearInput();
        for (var vi : m.getGraph().getInputList()) {
            if (!becameNodeOutputs.contains(vi.getName())) {
                gb.addInput(vi);
            }
        }
        ModelProto.Builder mb = m.toBuilder().setGraph(gb);
        if (m.getIrVersion() < 7) {
            mb.setIrVersion(7);
        }
        if (needs21 && m.getIrVersion() < 10) {
            mb.setIrVersion(10); // int4/uint4 and opset 21 need IR version 10
        }
        return mb.build();
    }

    /** How an integer precision is stored: element type and the shift from qsh's unsigned grid. */
    private record Storage(int type, long shift, boolean needsOpset21) {
        static Storage of(TensorPrecision p, String tensor, boolean pack4) {
            int bw = p.bitwidth();
            long half = 1L << (bw - 1);
            boolean signed = p.encodings().stream().allMatch(e -> e.zeroPoint() == half);
            if (bw == 32 && !signed) {
                throw new IllegalArgumentException("'" + tensor + "' is a 32-bit tensor with a non-zero offset, which"
                        + " ONNX DequantizeLinear (int32, zero point 0) cannot express");
            }
            int type;
            switch (bw) {
                case 4: type = pack4 ? (signed ? 22 : 21) : (signed ? 3 : 2); break; // unpacked: one value per byte
                case 8: type = signed ? 3 : 2; break;
                case 16: type = signed ? 5 : 4; break;
                case 32: type = 6; break;
                default: throw new IllegalArgumentException("'" + tensor + "': " + bw + "-bit integers have no ONNX type");
            }
            return new Storage(type, signed ? half : 0, type == 21 || type == 22 || bw == 16);
        }
    }

    /** Flat index → channel of a per-channel precision (0 for per-tensor). */
    private record Channels(int inner, int count) {
        static Channels of(int[] shape, TensorPrecision p) {
            if (!p.perChannel()) {
                return new Channels(1, 1);
            }
            int inner = 1;
            for (int i = p.axis() + 1; i < shape.length; i++) {
                inner *= shape[i];
            }
            return new Channels(inner, p.encodings().size());
        }

        int of(int flat) {
            return count == 1 ? 0 : (flat / inner) % count;
        }
    }
}
