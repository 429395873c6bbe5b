package qsh.core.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import qsh.core.calib.ActivationEncodings;
import qsh.core.calib.CalibrationStatistics;
import qsh.core.equalize.BiasMap;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.graph.ValueInfo;
import qsh.core.quant.Encoders;
import qsh.core.quant.Encoding;
import qsh.core.quant.Explanation;
import qsh.core.quant.PerChannel;
import qsh.core.tensor.Tensor;

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
 */
public final class QuantizationPlanner {
    private static final Set<String> ACTIVATIONS = Set.of("Relu", "Clip");
    /** Ops whose initializer inputs at these positions are data (empty: every input), see planStaticInputs. */
    private static final Map<String, int[]> STATIC_DATA_INPUTS = Map.ofEntries(
            Map.entry("Add", new int[0]), Map.entry("Sub", new int[0]), Map.entry("Mul", new int[0]),
            Map.entry("Div", new int[0]), Map.entry("Max", new int[0]), Map.entry("Min", new int[0]),
            Map.entry("Sum", new int[0]), Map.entry("Mean", new int[0]), Map.entry("Concat", new int[0]),
            Map.entry("Gather", new int[] {0}), Map.entry("Where", new int[] {1, 2}));
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
    private final Map<String, TensorPrecision> params = new LinkedHashMap<>();
    private final Map<String, String> fused = new LinkedHashMap<>();
    private final Map<String, TensorPrecision> ops = new LinkedHashMap<>();
    private final List<QuantizationPlan.ConvertOp> converts = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final Set<String> int32Ops = new LinkedHashSet<>();
    /** Weights read by more than one layer: widening them for one bias would break the other's bias scale. */
    private final Set<String> sharedWeights = new LinkedHashSet<>();
    /** Weight tensor → the largest factor its scale was widened by so a 32-bit bias fits (BiasRange). */
    private final Map<String, Double> biasWidened = new LinkedHashMap<>();
    /** Float fallback: tensors whose producer had to run in float → the integer precision an override gave them. */
    private final Map<String, TensorPrecision> carried = new LinkedHashMap<>();

    private QuantizationPlanner(Graph g, Set<String> floatValues, QuantConfig cfg, QuantOverrides ov,
                                CalibrationStatistics stats) {
        this.g = g;
        this.floatValues = floatValues;
        this.cfg = cfg;
        this.ov = ov == null ? QuantOverrides.EMPTY : ov;
        this.stats = stats;
    }

    /**
     * Plans {@code g}. {@code floatValues} names the float activations (graph inputs and node outputs holding
     * float data, e.g. what calibration observed); {@code stats} is null in float-fallback mode.
     */
    public static QuantizationPlan plan(Graph g, Set<String> floatValues, QuantConfig cfg, QuantOverrides overrides,
                                        CalibrationStatistics stats) {
        QuantizationPlanner p = new QuantizationPlanner(g, floatValues, cfg, overrides, stats);
        p.run();
        return new QuantizationPlan(stats != null, cfg, p.activations, p.params, p.fused, p.ops, p.converts, p.warnings,
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
                activations.put(t, activationPrecision(t));
            }
        }
        planInt32Ops();
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
            planWeights(w);
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
        Set<String> seen = new LinkedHashSet<>();
        for (WeightedOp w : weighted) {
            if (!seen.add(w.weight())) {
                sharedWeights.add(w.weight());
            }
        }
        for (WeightedOp w : weighted) {
            planBias(w);
            planBiasMap(w);
        }
        BiasRange.describe(biasWidened).ifPresent(warnings::add);
        for (Node n : g.nodes()) {
            planStaticInputs(n);
        }
    }

    /**
     * The static (initializer) data inputs of ops without weights, e.g. Add(x, constant) or Concat with a
     * constant: an integer op reads them as parameters, at weight_bw by param_quantizer, per tensor, as QNN's
     * quantizer treats every static tensor an op reads (a float op reads them at its float bitwidth). Inputs that
     * are not data (Resize's scales, Clip's bounds, Pow's exponent, shapes and indices) are not listed.
     */
    private void planStaticInputs(Node n) {
        int[] data = STATIC_DATA_INPUTS.get(n.opType());
        TensorPrecision op = ops.get(n.name());
        if (data == null || op == null || int32Ops.contains(n.name()) || BiasMap.ofAdd(g, n) != null) {
            return;
        }
        for (int i : data.length == 0 ? allInputs(n) : data) {
            String t = n.input(i);
            if (t.isEmpty() || params.containsKey(t) || !(g.weights().get(t) instanceof Tensor wt)) {
                continue;
            }
            if (!op.isInt()) {
                params.put(t, floatOf(params(t), op.bitwidth()));
                continue;
            }
            List<Encoding> given = ov.params().get(t);
            if (given != null && !given.get(0).isInt()) {
                warnings.add("'" + t + "' has a float override but " + n.name() + " runs in " + op.describe()
                        + ": it is quantized at weight_bw");
                given = null;
            }
            if (given != null && given.size() > 1) {
                warnings.add("'" + t + "' has " + given.size() + " per-channel encodings but " + n.name() + " ("
                        + n.opType() + ") reads it per tensor: its first encoding is used");
            }
            if (given != null) {
                checkWeightBitwidth(t, given.get(0).bitwidth());
                params.put(t, TensorPrecision.integer(given.subList(0, 1), 0));
                continue;
            }
            Integer bw = ov.paramBitwidths().get(t);
            int weightBw = bw != null ? bw : cfg.weightBw();
            checkWeightBitwidth(t, weightBw);
            params.put(t, TensorPrecision.integer(Encoders.encode(cfg.paramQuantizer(), wt.data(), weightBw,
                    cfg.options(), Explanation.NONE)));
        }
    }

    private static int[] allInputs(Node n) {
        int[] all = new int[n.inputs().size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return all;
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
            Integer floatBw = paramsFloatBw(w);
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

    /** True when {@code t} has an INT32 activation override (full or bitwidth-only, dtype int, 32 bits). */
    private boolean int32Override(String t) {
        List<Encoding> given = ov.activations().get(t);
        if (given != null) {
            return given.get(0).isInt() && given.get(0).bitwidth() == 32;
        }
        Integer bw = ov.activationBitwidths().get(t);
        return bw != null && bw == 32;
    }

    /**
     * Spec, "INT32 Overrides": an op whose every (float) input and output has an INT32 override runs in INT32 —
     * Dequantize → Cast(INT32) before it, Cast(FP32) → Quantize after it; only ops without weights and bias.
     */
    private void planInt32Ops() {
        Set<String> covered = new LinkedHashSet<>();
        for (Node n : g.nodes()) {
            List<String> io = new ArrayList<>();
            for (String i : n.inputs()) {
                if (!i.isEmpty() && floatValues.contains(i) && !g.weights().containsKey(i)) {
                    io.add(i);
                }
            }
            for (String o : n.outputs()) {
                if (!o.isEmpty() && floatValues.contains(o)) {
                    io.add(o);
                }
            }
            if (io.isEmpty() || !io.stream().allMatch(this::int32Override)) {
                continue;
            }
            for (String i : n.inputs()) {
                if (g.weights().get(i) instanceof qsh.core.tensor.Tensor) {
                    throw new IllegalArgumentException("INT32 overrides cover every input and output of " + n.name() + " ("
                            + n.opType() + "), but it has weights/bias '" + i + "': the spec supports INT32 overrides only"
                            + " for ops without weights and bias");
                }
            }
            int32Ops.add(n.name());
            covered.addAll(io);
        }
        for (String t : floatValues) {
            if (int32Override(t) && !covered.contains(t)) {
                warnings.add("'" + t + "' has an INT32 override but no op has all its inputs and outputs overridden to"
                        + " INT32: it is quantized as usual");
            }
        }
    }

    private TensorPrecision activationPrecision(String t) {
        if (int32Override(t)) { // the tensor itself is quantized as usual; the op between converts runs in INT32
            return stats == null ? TensorPrecision.floating(cfg.floatBw()) : TensorPrecision.integer(calibrated(t, cfg.actBw()));
        }
        List<Encoding> given = ov.activations().get(t);
        if (given != null) {
            Encoding e = given.get(0);
            if (!e.isInt()) {
                return TensorPrecision.floating(e.bitwidth());
            }
            checkActivationBitwidth(t, e.bitwidth());
            return TensorPrecision.integer(given, 0);
        }
        Integer bw = ov.activationBitwidths().get(t);
        if (bw != null) {
            checkActivationBitwidth(t, bw);
            if (stats == null) {
                warnings.add("'" + t + "' has an integer override without min/max and there is no calibration data:"
                        + " it stays float");
                return TensorPrecision.floating(cfg.floatBw());
            }
            return TensorPrecision.integer(calibrated(t, bw));
        }
        return stats == null ? TensorPrecision.floating(cfg.floatBw()) : TensorPrecision.integer(calibrated(t, cfg.actBw()));
    }

    private static void checkActivationBitwidth(String t, int bw) {
        if (bw != 8 && bw != 16 && bw != 4) {
            throw new IllegalArgumentException("activation override for '" + t + "' has bitwidth " + bw
                    + ": use 8 or 16 (or dtype float; 32 for an INT32 override)");
        }
    }

    private Encoding calibrated(String t, int bw) {
        return ActivationEncodings.encode(stats, t, cfg.actQuantizer(), bw, cfg.options());
    }

    /** The float bitwidth a float override of {@code w}'s output, weight or bias gives it, or null. */
    private Integer paramsFloatBw(WeightedOp w) {
        return firstFloat(params(w.weight()), ov.activations().get(anchor(w.node().output(0))), params(w.bias()));
    }

    private void planWeights(WeightedOp w) {
        String out = anchor(w.node().output(0));
        Integer floatBw = paramsFloatBw(w);
        if (floatBw != null) { // spec: all three float (the output was made float by settle)
            params.put(w.weight(), floatOf(params(w.weight()), floatBw));
            if (w.bias() != null) {
                int biasBw = cfg.floatBiasBw() == 0 ? floatBw : cfg.floatBiasBw();
                params.put(w.bias(), floatOf(params(w.bias()), biasBw));
            }
            return;
        }
        TensorPrecision o = activations.get(out);
        if (o == null || !o.isInt()) {
            int bw = o == null ? cfg.floatBw() : o.bitwidth();
            params.put(w.weight(), TensorPrecision.floating(bw));
            if (w.bias() != null) {
                params.put(w.bias(), TensorPrecision.floating(bw));
            }
            return;
        }
        Tensor wt = (Tensor) g.weights().get(w.weight());
        List<Encoding> given = ov.params().get(w.weight());
        if (given != null) {
            checkWeightBitwidth(w.weight(), given.get(0).bitwidth());
            if (given.size() > 1) {
                ov.checkChannels(w.weight(), wt.rank() == 0 ? 1 : wt.shape()[w.axis()]);
            }
            params.put(w.weight(), TensorPrecision.integer(given, w.axis()));
            return;
        }
        Integer bw = ov.paramBitwidths().get(w.weight());
        int weightBw = bw != null ? bw : cfg.weightBw();
        checkWeightBitwidth(w.weight(), weightBw);
        if (cfg.perChannel() && w.perChannelCapable() || cfg.perRow() && w.perRowCapable()) {
            params.put(w.weight(), TensorPrecision.integer(PerChannel.encode(wt, w.axis(),
                    Encoders.forMode(cfg.paramQuantizer()), weightBw, cfg.options(), Explanation.NONE), w.axis()));
        } else {
            params.put(w.weight(), TensorPrecision.integer(Encoders.encode(cfg.paramQuantizer(), wt.data(), weightBw,
                    cfg.options(), Explanation.NONE)));
        }
    }

    private List<Encoding> params(String name) {
        return name == null ? null : ov.params().get(name);
    }

    private static Integer firstFloat(List<Encoding>... lists) {
        for (List<Encoding> l : lists) {
            if (l != null && !l.get(0).isInt()) {
                return l.get(0).bitwidth();
            }
        }
        return null;
    }

    private static TensorPrecision floatOf(List<Encoding> given, int dflt) {
        return TensorPrecision.floating(given != null && !given.get(0).isInt() ? given.get(0).bitwidth() : dflt);
    }

    private static void checkWeightBitwidth(String t, int bw) {
        if (bw != 4 && bw != 8 && bw != 16) {
            throw new IllegalArgumentException("weight '" + t + "' has bitwidth " + bw + ", which is not supported: use 4, 8"
                    + " or 16 (or dtype float)");
        }
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
                    to = saved != null ? saved : TensorPrecision.integer(calibrated(t, op.bitwidth()));
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

    private void planBias(WeightedOp w) {
        if (w.bias() == null || params.containsKey(w.bias())) {
            return;
        }
        TensorPrecision wp = params.get(w.weight());
        List<Encoding> given = ov.params().get(w.bias());
        if (given != null) {
            params.put(w.bias(), TensorPrecision.integer(given, 0));
            return;
        }
        Integer obw = ov.paramBitwidths().get(w.bias());
        int bw = obw != null ? obw : cfg.biasBw();
        Tensor bt = (Tensor) g.weights().get(w.bias());
        if (bw == 32) { // spec: bias scale = input scale × weight scale, offset 0
            Encoding in = inputEncoding(w.node());
            if (ov.params().get(w.weight()) == null && !sharedWeights.contains(w.weight())) {
                wp = BiasRange.widenWeightsToFit(wp, in.scale(), bt.data(), w.weight(), biasWidened);
                params.put(w.weight(), wp);
            }
            List<Encoding> be = new ArrayList<>();
            for (Encoding e : wp.encodings()) {
                be.add(Encoding.fromScaleAndZeroPoint(32, in.scale() * e.scale(), 1L << 31, true));
            }
            // a grouped ConvTranspose's per-channel weight has one scale per index j of W's axis 1 (M/group), which
            // is output channel g·(M/group) + j of every group g: its bias (M) repeats those scales once per group
            int perGroup = be.size();
            if (wp.perChannel() && perGroup > 1 && bt.size() != perGroup && bt.size() % perGroup == 0
                    && w.node().opType().equals("ConvTranspose")) {
                for (int i = perGroup; i < bt.size(); i++) {
                    be.add(be.get(i % perGroup));
                }
            }
            params.put(w.bias(), TensorPrecision.integer(be, 0));
        } else if (bw == 8 || bw == 16) {
            params.put(w.bias(), TensorPrecision.integer(Encoders.encode(cfg.paramQuantizer(), bt.data(), bw,
                    cfg.options(), Explanation.NONE)));
        } else {
            throw new IllegalArgumentException("bias '" + w.bias() + "' has bitwidth " + bw + ": use 8 or 32");
        }
    }

    /**
     * A conv's {@link BiasMap} is the position-dependent part of its bias, so it is stored as the bias is: at 32
     * bits on the bias's grid (input scale × weight scale, per output channel along the map's axis 0), never as an
     * 8-bit static input; at bias_bw 8/16 on its own grid at that bitwidth; float when the conv runs in float.
     */
    private void planBiasMap(WeightedOp w) {
        BiasMap m = BiasMap.of(g, w.node());
        if (m == null || params.containsKey(m.map())) {
            return;
        }
        TensorPrecision bp = w.bias() == null ? null : params.get(w.bias());
        List<Encoding> given = ov.params().get(m.map());
        if (given != null) {
            params.put(m.map(), given.get(0).isInt() ? TensorPrecision.integer(given, 0)
                    : TensorPrecision.floating(given.get(0).bitwidth()));
        } else if (bp == null) {
            throw new IllegalArgumentException(w.node().name() + " has a bias map but no bias: give it a zero bias");
        } else if (!bp.isInt() || bp.bitwidth() == 32) {
            params.put(m.map(), bp); // float with its op, or on the bias's 32-bit grid (the map is channel first too)
        } else {
            params.put(m.map(), TensorPrecision.integer(Encoders.encode(cfg.paramQuantizer(),
                    ((Tensor) g.weights().get(m.map())).data(), bp.bitwidth(), cfg.options(), Explanation.NONE)));
        }
    }

    /** The encoding of what an integer op reads at input 0 (after any convert op). */
    private Encoding inputEncoding(Node n) {
        for (QuantizationPlan.ConvertOp c : converts) {
            if (c.consumer().equals(n.name()) && c.index() == 0 && c.to().isInt()) {
                return c.to().encoding();
            }
        }
        TensorPrecision p = activations.get(n.input(0));
        if (p == null || !p.isInt()) {
            throw new IllegalArgumentException(n.name() + ": its input '" + n.input(0) + "' has no integer encoding,"
                    + " so a 32-bit bias (scale = input scale × weight scale) cannot be made: use bias_bw 8");
        }
        return p.encoding();
    }
}
