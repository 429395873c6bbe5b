package qsh.core.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import qsh.core.equalize.BiasMap;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.quant.Encoders;
import qsh.core.quant.Encoding;
import qsh.core.quant.Explanation;
import qsh.core.quant.PerChannel;
import qsh.core.tensor.Tensor;

/**
 * The static parameters' part of {@link QuantizationPlanner}: weights, biases, bias maps and the static data inputs
 * of ops without weights, each given the precision the spec's rules give it once the activations (and, for 32-bit
 * biases, the convert ops) are planned. It reads the planner's activations, ops and converts, and fills the plan's
 * parameter map.
 */
final class ParamPlanner {
    /** Ops whose initializer inputs at these positions are data (empty: every input), see planStaticInputs. */
    private static final Map<String, int[]> STATIC_DATA_INPUTS = Map.ofEntries(
            Map.entry("Add", new int[0]), Map.entry("Sub", new int[0]), Map.entry("Mul", new int[0]),
            Map.entry("Div", new int[0]), Map.entry("Max", new int[0]), Map.entry("Min", new int[0]),
            Map.entry("Sum", new int[0]), Map.entry("Mean", new int[0]), Map.entry("Concat", new int[0]),
            Map.entry("Gather", new int[] {0}), Map.entry("Where", new int[] {1, 2}));

    private final Graph g;
    private final QuantConfig cfg;
    private final QuantOverrides ov;
    private final Map<String, TensorPrecision> activations;
    private final Map<String, TensorPrecision> ops;
    private final List<QuantizationPlan.ConvertOp> converts;
    private final Set<String> int32Ops;
    private final List<String> warnings;
    /** The quantization point a value ends in (the planner's fusion). */
    private final UnaryOperator<String> anchor;
    private final Map<String, TensorPrecision> params = new LinkedHashMap<>();
    /** Weights read by more than one layer: widening them for one bias would break the other's bias scale. */
    private final Set<String> sharedWeights = new LinkedHashSet<>();
    /** Weight tensor → the largest factor its scale was widened by so a 32-bit bias fits (BiasRange). */
    private final Map<String, Double> biasWidened = new LinkedHashMap<>();

    ParamPlanner(Graph g, QuantConfig cfg, QuantOverrides ov, Map<String, TensorPrecision> activations,
                 Map<String, TensorPrecision> ops, List<QuantizationPlan.ConvertOp> converts, Set<String> int32Ops,
                 List<String> warnings, UnaryOperator<String> anchor) {
        this.g = g;
        this.cfg = cfg;
        this.ov = ov;
        this.activations = activations;
        this.ops = ops;
        this.converts = converts;
        this.int32Ops = int32Ops;
        this.warnings = warnings;
        this.anchor = anchor;
    }

    /** The planned parameters, by tensor name. */
    Map<String, TensorPrecision> params() {
        return params;
    }

    /** Notes the weights more than one of {@code weighted} reads (their scale is never widened for one bias). */
    void noteSharedWeights(List<WeightedOp> weighted) {
        Set<String> seen = new LinkedHashSet<>();
        for (WeightedOp w : weighted) {
            if (!seen.add(w.weight())) {
                sharedWeights.add(w.weight());
            }
        }
    }

    /** A warning naming the weights widened so their 32-bit biases fit, if any. */
    void warnOfWidenedWeights() {
        BiasRange.describe(biasWidened).ifPresent(warnings::add);
    }

    /** The float bitwidth a float override of {@code w}'s output, weight or bias gives it, or null. */
    Integer floatBw(WeightedOp w) {
        return firstFloat(params(w.weight()), ov.activations().get(anchor.apply(w.node().output(0))), params(w.bias()));
    }

    /**
     * {@code w}'s weight: float with a float output or a float override of output, weight or bias (spec: all three
     * float); else the override's encodings, or encoded from the values at weight_bw (per channel or per row when
     * configured and the op allows it).
     */
    void planWeights(WeightedOp w) {
        String out = anchor.apply(w.node().output(0));
        Integer floatBw = floatBw(w);
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

    /**
     * {@code w}'s bias, after every weight and convert is planned: at bias_bw 32 on the grid input scale × weight
     * scale, offset 0 (spec), widening an unshared weight's scale when the bias would not fit ({@link BiasRange});
     * at 8/16 its own encoding by param_quantizer.
     */
    void planBias(WeightedOp w) {
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
    void planBiasMap(WeightedOp w) {
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

    /**
     * The static (initializer) data inputs of ops without weights, e.g. Add(x, constant) or Concat with a
     * constant: an integer op reads them as parameters, at weight_bw by param_quantizer, per tensor, as QNN's
     * quantizer treats every static tensor an op reads (a float op reads them at its float bitwidth). Inputs that
     * are not data (Resize's scales, Clip's bounds, Pow's exponent, shapes and indices) are not listed.
     */
    void planStaticInputs(Node n) {
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
}
