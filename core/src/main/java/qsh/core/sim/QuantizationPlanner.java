package qsh.core.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import qsh.core.calib.CalibrationStatistics;
import qsh.core.equalize.BiasMap;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.graph.ValueInfo;
import qsh.core.quant.Encoding;

/**
 * Decides every tensor's precision the way the spec's quantizer does ("Mixed Precision and FP16 Support",
 * "Quantization Overrides", "Per-channel Quantization Overrides"):
 * <ul>
 *   <li>Quantized mode (calibration statistics given): tensors without an override are integers at act_bw /
 *       weight_bw / bias_bw; an override's full encoding is used as is, a bitwidth-only override
 *       ({@code {"bitwidth": 16, "dtype": "int"}}) is calibrated at that bitwidth, a {@code dtype: float} entry
 *       keeps the tensor float.</li>
 *   <li>Float fallback (no statistics, {@code --enable_float_fallback}): only tensors with an encoding are
 *       integers; every other activation stays float at float_bw. An op whose output is an integer gets its
 *       weights encoded from the weight values (they need no calibration data).</li>
 *   <li>Conv (1-D, 2-D and 3-D), ConvTranspose (incl. depthwise), Gemm and MatMul with a weight: if any of output,
 *       weight or bias is float, all three are, at the overriding tensor's float bitwidth (the bias at
 *       float_bias_bw when it has no encoding of its own). The same holds for the other ops with static
 *       parameters: PRelu's slope and InstanceNormalization's scale (weights, per-tensor: the spec's per-channel
 *       list is the Conv-based ops) and InstanceNormalization's B (a bias).</li>
 *   <li>Biases at bias_bw 32: scale = input scale × weight scale (per channel), offset 0; at 8: their own
 *       encoding by param_quantizer.</li>
 *   <li>Convert ops wherever a tensor's precision differs from the precision its consumer runs in
 *       (int ↔ float, or integer bitwidths that differ, or FP16 ↔ FP32).</li>
 *   <li>Data-invariant ops ({@link DataInvariantOps}: MaxPool, Reshape, Flatten, Transpose, Squeeze/Unsqueeze, Slice,
 *       Gather, Split, Identity, DepthToSpace/SpaceToDepth, nearest Resize, …; not Concat) pass their data input's
 *       precision on: their output has exactly the input's final encoding (after fusion), in chains too
 *       (MaxPool → Flatten → Reshape share one), graph outputs included. QNN's quantizer does this because such
 *       ops only move values, so the input's grid is the output's and no requantization happens between. An
 *       override on the output wins (then the usual convert rules apply). Under float fallback this is how the
 *       encodings overrides give flow forward through them.</li>
 *   <li>Under float fallback nothing can be calibrated, so an integer op never reads a float tensor through a
 *       convert op whose encoding is made up. A convert gets its encoding from the data-invariant op it feeds (the
 *       op's own), from the tensor's integer encoding at another bitwidth (same range), or from the encoding an
 *       override gave a tensor whose producer had to run in float. An op whose float input has none of these runs
 *       in float (weights too), with a warning; its output's override then reaches its integer consumers through
 *       visible convert ops (fp32 → int8 under that encoding).</li>
 * </ul>
 * A Conv/ConvTranspose/Gemm/MatMul output that feeds only a Relu/Clip (and a BatchNormalization or Add output
 * that feeds only a Relu/Clip) is fused into it, as QNN's converter fuses activations into the op before them: it
 * gets no encoding of its own; so does a Conv output that feeds only its {@link BiasMap} (the map is part of the
 * conv's bias, stored like the bias). Batch norms are folded into their layer before planning ({@link ModelQuantizer});
 * one that is still here (--disable_batchnorm_folding, or not foldable) is its own op, with its input quantized. Errors (bad per-channel count, unsupported bitwidth)
 * are one-line {@link IllegalArgumentException}s naming the tensor.
 * <p>This class assembles the plan: activation order, fusion, data-invariant sharing, float fallback and convert ops.
 * One activation's precision by its overrides and the INT32 ops are {@link ActivationPrecisions}'; weights, biases,
 * bias maps and static inputs are {@link ParamPlanner}'s.
 */
public final class QuantizationPlanner {
    private static final Set<String> ACTIVATIONS = Set.of("Relu", "Clip");
    private static final Map<String, Set<String>> FUSES_INTO = Map.of(
            "Conv", ACTIVATIONS,
            "ConvTranspose", ACTIVATIONS,
            "Gemm", ACTIVATIONS,
            "MatMul", Set.of("Relu", "Clip"),
            "BatchNormalization", ACTIVATIONS,
            "Add", ACTIVATIONS);

    private final Graph g;
    private final Set<String> floatValues;
    private final QuantConfig cfg;
    private final QuantOverrides ov;
    private final CalibrationStatistics stats;
    private final Map<String, TensorPrecision> activations = new LinkedHashMap<>();
    private final Map<String, String> fused = new LinkedHashMap<>();
    private final Map<String, TensorPrecision> ops = new LinkedHashMap<>();
    private final List<QuantizationPlan.ConvertOp> converts = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final Set<String> int32Ops = new LinkedHashSet<>();
    /** The activation rules, one tensor at a time (overrides, bitwidths, INT32 ops). */
    private final ActivationPrecisions precisions;
    /** Weights, biases, bias maps and static inputs, planned after the activations. */
    private final ParamPlanner paramPlanner;
    /** Float fallback: tensors whose producer had to run in float → the integer precision an override gave them. */
    private final Map<String, TensorPrecision> carried = new LinkedHashMap<>();

    private QuantizationPlanner(Graph g, Set<String> floatValues, QuantConfig cfg, QuantOverrides ov,
                                CalibrationStatistics stats) {
        this.g = g;
        this.floatValues = floatValues;
        this.cfg = cfg;
        this.ov = ov == null ? QuantOverrides.EMPTY : ov;
        this.stats = stats;
        this.precisions = new ActivationPrecisions(g, floatValues, cfg, this.ov, stats, warnings);
        this.paramPlanner = new ParamPlanner(g, cfg, this.ov, activations, ops, converts, int32Ops, warnings, this::anchor);
    }

    /**
     * Plans {@code g}. {@code floatValues} names the float activations (graph inputs and node outputs holding
     * float data, e.g. what calibration observed); {@code stats} is null in float-fallback mode.
     */
    public static QuantizationPlan plan(Graph g, Set<String> floatValues, QuantConfig cfg, QuantOverrides overrides,
                                        CalibrationStatistics stats) {
        QuantizationPlanner p = new QuantizationPlanner(g, floatValues, cfg, overrides, stats);
        p.run();
        return new QuantizationPlan(stats != null, cfg, p.activations, p.paramPlanner.params(), p.fused, p.ops, p.converts, p.warnings,
                p.int32Ops);
    }

    private void run() {
        Set<String> known = new LinkedHashSet<>(floatValues);
        known.addAll(g.weights().keySet());
        for (Node n : g.nodes()) { // the encodings of convert ops, as QuantizationPlan.encodings() saves them
            for (String t : n.inputs()) {
                if (floatValues.contains(t)) {
                    known.add(QuantizationPlan.ConvertOp.outputName(t, n.name()));
                }
            }
        }
        for (String name : ov.unknownTensors(known)) {
            warnings.add("override for '" + name + "' names no tensor of the model: ignored");
        }
        for (String t : activationOrder()) {
            String into = fusedInto(t);
            if (into != null) {
                fused.put(t, into);
            } else if (sharesInputEncoding(t)) {
                activations.put(t, TensorPrecision.FP32); // keeps graph order; settled from its input below
            } else {
                activations.put(t, precisions.of(t));
            }
        }
        int32Ops.addAll(precisions.int32Ops());
        List<WeightedOp> weighted = new ArrayList<>();
        for (Node n : g.nodes()) {
            WeightedOp w = WeightedOp.of(g, n);
            if (w != null && floatValues.contains(n.output(0))) {
                weighted.add(w);
            }
        }
        for (Node n : g.nodes()) { // graph order: an op's inputs are settled before it
            settle(n);
        }
        for (WeightedOp w : weighted) {
            paramPlanner.planWeights(w);
        }
        for (Node n : g.nodes()) {
            TensorPrecision p = opPrecision(n);
            if (p != null) {
                ops.put(n.name(), p);
            }
        }
        for (Node n : g.nodes()) {
            planConverts(n);
        }
        paramPlanner.noteSharedWeights(weighted);
        for (WeightedOp w : weighted) {
            paramPlanner.planBias(w);
            paramPlanner.planBiasMap(w);
        }
        paramPlanner.warnOfWidenedWeights();
        for (Node n : g.nodes()) {
            paramPlanner.planStaticInputs(n);
        }
    }

    /** Graph inputs then node outputs, in graph order, that hold float data. */
    private List<String> activationOrder() {
        List<String> order = new ArrayList<>();
        for (ValueInfo v : g.inputs()) {
            if (floatValues.contains(v.name())) {
                order.add(v.name());
            }
        }
        for (Node n : g.nodes()) {
            for (String o : n.outputs()) {
                if (!o.isEmpty() && floatValues.contains(o)) {
                    order.add(o);
                }
            }
        }
        return order;
    }

    /** True when {@code t} is a data-invariant op's output without an override of its own: it takes its input's. */
    private boolean sharesInputEncoding(String t) {
        Node p = g.producer(t);
        if (p == null || ov.contains(t)) {
            return false;
        }
        String in = DataInvariantOps.dataInput(p);
        return in != null && floatValues.contains(in) && !g.weights().containsKey(in);
    }

    /**
     * Settles the precision of {@code n}'s outputs once its inputs are settled: a float weight or bias override
     * makes a weighted op's output float; a data-invariant op's output takes its input's final precision; under
     * float fallback an integer op with a float input no convert can encode runs in float (see the class).
     */
    private void settle(Node n) {
        WeightedOp w = WeightedOp.of(g, n);
        if (w != null && floatValues.contains(n.output(0))) {
            String out = anchor(n.output(0));
            Integer floatBw = paramPlanner.floatBw(w);
            if (floatBw != null) { // spec: any of output/weights/bias float makes all three float
                if (activations.get(out) != null && activations.get(out).isInt()) {
                    warnings.add("'" + out + "' made float: " + n.name() + " has a float weight or bias override");
                }
                activations.put(out, TensorPrecision.floating(floatBw));
            }
        }
        for (String o : n.outputs()) {
            if (!o.isEmpty() && activations.containsKey(o) && sharesInputEncoding(o)) {
                String in = anchor(n.input(0));
                TensorPrecision p = activations.get(in);
                activations.put(o, p.isInt() || !carried.containsKey(in) ? p : carried.get(in));
            }
        }
        TensorPrecision op = opPrecision(n);
        if (stats != null || op == null || !op.isInt() || int32Ops.contains(n.name())) {
            return;
        }
        for (int i = 0; i < n.inputs().size(); i++) {
            String t = n.input(i);
            TensorPrecision from = t.isEmpty() || fused.containsKey(t) ? null : activations.get(t);
            if (from != null && !from.isInt() && fallbackConvert(n, i, from, op) == null) {
                demote(n, t);
                return;
            }
        }
    }

    /** Float fallback: {@code n} cannot read {@code input} as integers, so it runs in float (see the class). */
    private void demote(Node n, String input) {
        List<String> outs = new ArrayList<>();
        for (String o : n.outputs()) {
            String a = o.isEmpty() ? null : anchor(o);
            TensorPrecision p = a == null ? null : activations.get(a);
            if (p != null && p.isInt()) {
                carried.put(a, p);
                activations.put(a, TensorPrecision.floating(cfg.floatBw()));
                outs.add(a);
            }
        }
        warnings.add(n.name() + " (" + n.opType() + ") runs in fp" + cfg.floatBw() + ": its input '" + input
                + "' has no encoding and there is no calibration data to make one; " + String.join(", ", outs)
                + " keep" + (outs.size() == 1 ? "s" : "") + " " + (outs.size() == 1 ? "its" : "their")
                + " encoding through convert ops at integer consumers");
    }

    /**
     * Float fallback: what a convert into integer op {@code n} (input {@code i}, a tensor at {@code from}) encodes
     * to without calibration data, or null when nothing gives an encoding (see the class).
     */
    private TensorPrecision fallbackConvert(Node n, int i, TensorPrecision from, TensorPrecision op) {
        String t = n.input(i);
        TensorPrecision saved = savedConvert(n, t, op); // saved encodings of a mixed-precision plan come first
        if (saved != null) {
            return saved;
        }
        if (i == 0 && DataInvariantOps.is(n)) {
            return op; // the op passes its encoding on, so it reads its input on the same grid
        }
        TensorPrecision given = from.isInt() ? from : carried.get(t);
        return given == null ? null : TensorPrecision.integer(atBitwidth(given.encoding(), op.bitwidth()));
    }

    /** A convert's encoding given by the overrides (saved encodings of a mixed-precision plan), or null. */
    private TensorPrecision savedConvert(Node n, String t, TensorPrecision op) {
        List<Encoding> e = ov.activations().get(QuantizationPlan.ConvertOp.outputName(t, n.name()));
        if (e == null || e.isEmpty() || e.get(0).dtype() != Encoding.DType.INT || e.get(0).bitwidth() != op.bitwidth()) {
            return null;
        }
        return TensorPrecision.integer(e.get(0));
    }

    /** {@code e}'s range on a grid of {@code bw} bits (the same grid when the bitwidth is already {@code bw}). */
    private static Encoding atBitwidth(Encoding e, int bw) {
        if (e.bitwidth() == bw) {
            return e;
        }
        return e.symmetric() ? Encoding.symmetricFromAbsMax(bw, e.max()) : Encoding.fromRange(bw, e.min(), e.max());
    }

    /** The consumer's output {@code t} is fused into, or null when {@code t} is its own quantization point. */
    private String fusedInto(String t) {
        Node p = g.producer(t);
        if (p == null || ov.contains(t) || g.outputs().stream().anyMatch(o -> o.name().equals(t))) {
            return null;
        }
        List<Node> cs = g.consumers(t);
        if (cs.size() != 1 || !p.output(0).equals(t)) {
            return null;
        }
        Node c = cs.get(0);
        if (BiasMap.ofAdd(g, c) != null && c.input(0).equals(t)) {
            return c.output(0); // a conv's bias map is its epilogue: no encoding between them
        }
        Set<String> into = FUSES_INTO.get(p.opType());
        return into != null && into.contains(c.opType()) && c.input(0).equals(t) ? c.output(0) : null;
    }

    /** The quantization point a value ends in (itself unless fused). */
    private String anchor(String t) {
        String a = t;
        while (fused.containsKey(a)) {
            a = fused.get(a);
        }
        return a;
    }

    /** An op runs in the precision of its first float output's quantization point. */
    private TensorPrecision opPrecision(Node n) {
        for (String o : n.outputs()) {
            if (!o.isEmpty() && floatValues.contains(o)) {
                return activations.get(anchor(o));
            }
        }
        return null;
    }

    private void planConverts(Node n) {
        TensorPrecision op = ops.get(n.name());
        if (op == null || int32Ops.contains(n.name())) {
            return; // INT32 ops read every input through Cast(INT32), whatever its precision
        }
        for (int i = 0; i < n.inputs().size(); i++) {
            String t = n.input(i);
            if (t.isEmpty() || fused.containsKey(t) || !activations.containsKey(t)) {
                continue; // absent, fused into this op, a weight, or not a float activation
            }
            TensorPrecision from = activations.get(t);
            if (from.isInt() && op.isInt() ? from.bitwidth() == op.bitwidth() : from.sameType(op)) {
                continue;
            }
            TensorPrecision to;
            if (op.isInt()) {
                if (stats == null) {
                    to = fallbackConvert(n, i, from, op); // a saved convert encoding first, see there
                } else {
                    TensorPrecision saved = savedConvert(n, t, op);
                    to = saved != null ? saved : TensorPrecision.integer(precisions.calibrated(t, op.bitwidth()));
                }
                if (to == null) { // settle made every such op float; kept so a gap would show, not pass silently
                    throw new IllegalStateException(n.name() + " runs in " + op.describe() + " but its input '" + t
                            + "' has no encoding");
                }
            } else {
                to = TensorPrecision.floating(op.bitwidth());
            }
            converts.add(new QuantizationPlan.ConvertOp(t, n.name(), i, from, to));
        }
    }


}
