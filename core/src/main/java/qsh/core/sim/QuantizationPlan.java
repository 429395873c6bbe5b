package qsh.core.sim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.core.quant.Encoding;

/**
 * The quantized model, described tensor by tensor (spec, "Mixed Precision and FP16 Support"): the precision of
 * every activation that is quantized (graph inputs and op outputs), of every weight and bias, the precision each
 * op runs in, and the convert ops where a tensor's precision differs from what its consumer runs in. Tensors
 * fused into the op that consumes them (a Conv's output feeding its BatchNormalization or ReLU, as QNN's
 * converter folds them) are listed in {@link #fused()} and not quantized on their own. Built by
 * {@link QuantizationPlanner}; turned into a QDQ graph by {@link QdqGraphBuilder}. Immutable.
 */
public final class QuantizationPlan {
    /**
     * A data-type conversion on one edge: {@code tensor} as read by node {@code consumer} (input {@code index})
     * goes from {@code from} to {@code to}.
     */
    public record ConvertOp(String tensor, String consumer, int index, TensorPrecision from, TensorPrecision to) {
        /** The name of the converted value in the QDQ graph. */
        public String outputName() {
            return outputName(tensor, consumer);
        }

        /** The name of {@code tensor} converted for node {@code consumer} (saved encodings use it too). */
        public static String outputName(String tensor, String consumer) {
            return tensor + "_convert_" + consumer;
        }

        /** "conv1_out → Conv_3: int8 → fp32". */
        public String describe() {
            return tensor + " → " + consumer + ": " + from.describe() + " → " + to.describe();
        }
    }

    private final QuantConfig config;
    private final Map<String, TensorPrecision> activations;
    private final Map<String, TensorPrecision> params;
    private final Map<String, String> fused;
    private final Map<String, TensorPrecision> ops;
    private final List<ConvertOp> converts;
    private final List<String> warnings;
    private final boolean calibrated;
    private final java.util.Set<String> int32Ops;
    private Map<String, qsh.core.tensor.Tensor> weightValues = Map.of();

    QuantizationPlan(boolean calibrated, QuantConfig config, Map<String, TensorPrecision> activations, Map<String, TensorPrecision> params,
                     Map<String, String> fused, Map<String, TensorPrecision> ops, List<ConvertOp> converts,
                     List<String> warnings, java.util.Set<String> int32Ops) {
        this.calibrated = calibrated;
        this.int32Ops = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(int32Ops));
        this.config = config;
        this.activations = Collections.unmodifiableMap(new LinkedHashMap<>(activations));
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        this.fused = Collections.unmodifiableMap(new LinkedHashMap<>(fused));
        this.ops = Collections.unmodifiableMap(new LinkedHashMap<>(ops));
        this.converts = List.copyOf(converts);
        this.warnings = List.copyOf(warnings);
    }

    /** False for float fallback (no calibration data: encodings only from overrides). */
    public boolean calibrated() {
        return calibrated;
    }

    /** What the quantized model is, in a few words: the config, or "float fallback" when uncalibrated. */
    public String label() {
        java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
        ops.values().forEach(p -> kinds.merge(p.describe(), 1, Integer::sum));
        // AMP or an override may give weights another width while every op keeps one (a8w4 under an A8 op): the
        // config's "W8" would then be false, so the weights/biases are counted too
        boolean paramsOffConfig = calibrated && params.values().stream().anyMatch(p -> p.isInt()
                && p.bitwidth() != config.weightBw() && p.bitwidth() != config.biasBw());
        if (kinds.size() > 1 || paramsOffConfig) { // overrides or AMP made a mix: the config alone would not describe it
            if (!paramsOffConfig) {
                return "mixed precision, ops " + kinds;
            }
            java.util.Map<String, Integer> paramKinds = new java.util.TreeMap<>();
            params.values().forEach(p -> paramKinds.merge((p.isInt() ? "int" : "fp") + p.bitwidth(), 1, Integer::sum));
            return "mixed precision, ops " + kinds + ", weights/biases " + paramKinds;
        }
        if (calibrated) {
            return config.label();
        }
        int ints = integerCount();
        return ints == 0 ? "non-quantized FP" + config.floatBw() : "float fallback: " + ints + " tensors encoded by overrides, others FP" + config.floatBw();
    }

    /** The settings the plan was made with. */
    public QuantConfig config() {
        return config;
    }

    /** Activation precision by tensor (graph inputs and op outputs that are quantization points), graph order. */
    public Map<String, TensorPrecision> activations() {
        return activations;
    }

    /** Weight and bias precision by initializer name. */
    public Map<String, TensorPrecision> params() {
        return params;
    }

    /** Tensor → the tensor it is fused into (its quantization point). */
    public Map<String, String> fused() {
        return fused;
    }

    /** Node name → the precision the op runs in (that of its output). */
    public Map<String, TensorPrecision> ops() {
        return ops;
    }

    /** Nodes that run in INT32 (spec, "INT32 Overrides"): Cast(INT32) on their inputs, Cast(FP32) on outputs. */
    public java.util.Set<String> int32Ops() {
        return int32Ops;
    }

    /** The convert ops, in graph order. */
    public List<ConvertOp> converts() {
        return converts;
    }

    /** Things the user should know (override names not in the model, tensors left float, …). */
    public List<String> warnings() {
        return warnings;
    }

    /** The precision of {@code tensor} (activation or param), or null when the plan does not cover it. */
    public TensorPrecision precision(String tensor) {
        TensorPrecision p = activations.get(tensor);
        return p != null ? p : params.get(tensor);
    }

    /** True when any tensor is stored as integers. */
    public boolean quantizes() {
        return activations.values().stream().anyMatch(TensorPrecision::isInt)
                || params.values().stream().anyMatch(TensorPrecision::isInt);
    }

    /** Counts of quantized (integer) activations and params. */
    public int integerCount() {
        return (int) (activations.values().stream().filter(TensorPrecision::isInt).count()
                + params.values().stream().filter(TensorPrecision::isInt).count());
    }

    /**
     * Weight values the quantized model uses instead of the float model's: AdaRound's rounded weights (float values
     * s·q on the plan's grids, which nearest rounding keeps) and bias-corrected biases or batch-norm means. The QDQ
     * builder reads weights from here first; the float model itself is unchanged.
     */
    public Map<String, qsh.core.tensor.Tensor> weightValues() {
        return weightValues;
    }

    /** The same plan with {@code values} added to (and replacing) its weight values; the encodings stay. */
    public QuantizationPlan withWeightValues(Map<String, qsh.core.tensor.Tensor> values) {
        QuantizationPlan q = new QuantizationPlan(calibrated, config, activations, params, fused, ops, converts, warnings, int32Ops);
        Map<String, qsh.core.tensor.Tensor> merged = new LinkedHashMap<>(weightValues);
        merged.putAll(values);
        q.weightValues = Collections.unmodifiableMap(merged);
        return q;
    }

    /** The same plan with every activation float (weights quantized only): isolates weight error. */
    public QuantizationPlan weightsOnly() {
        Map<String, TensorPrecision> a = new LinkedHashMap<>();
        activations.keySet().forEach(k -> a.put(k, TensorPrecision.FP32));
        Map<String, TensorPrecision> p = new LinkedHashMap<>(params);
        p.replaceAll((k, v) -> v.isInt() && v.bitwidth() == 32 ? TensorPrecision.FP32 : v); // 32-bit biases follow activations
        QuantizationPlan q = new QuantizationPlan(calibrated, config, a, p, fused, ops, List.of(), warnings, java.util.Set.of());
        q.weightValues = weightValues;
        return q;
    }

    /** The same plan with every weight and bias float (activations quantized only): isolates activation error. */
    public QuantizationPlan activationsOnly() {
        Map<String, TensorPrecision> p = new LinkedHashMap<>();
        params.keySet().forEach(k -> p.put(k, TensorPrecision.FP32));
        QuantizationPlan q = new QuantizationPlan(calibrated, config, activations, p, fused, ops, converts, warnings, int32Ops);
        q.weightValues = weightValues;
        return q;
    }

    /**
     * The plan as AIMET encodings (spec's overrides format): integer tensors with their encodings, float tensors
     * as {@code dtype: float} entries; reading the file back gives the same encodings.
     */
    public QuantOverrides encodings() {
        Map<String, List<Encoding>> a = new LinkedHashMap<>();
        activations.forEach((k, v) -> a.put(k, v.asEncodings()));
        // a convert into an integer op has its own encoding (QNN's convert op writes a new tensor): saved under the
        // converted value's name, so loading these encodings (under float fallback too) gives the same converts back
        for (ConvertOp c : converts) {
            if (c.to().isInt()) {
                a.put(c.outputName(), c.to().asEncodings());
            }
        }
        Map<String, List<Encoding>> p = new LinkedHashMap<>();
        params.forEach((k, v) -> p.put(k, v.asEncodings()));
        return QuantOverrides.of(a, p);
    }
}
