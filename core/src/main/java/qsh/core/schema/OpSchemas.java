package qsh.core.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ONNX operator schemas of the ops qsh knows, as data: for each op, every version with the opset it appeared
 * in ("since"), the allowed input and output counts and the attribute names ("!" marks a required one). The rows
 * are ONNX's own schemas (the facts of ONNX's Operators.md and Changelog.md, onnx 1.23.1), listed by
 * scripts/tools/onnx_schema_table.py; e.g. {@code Squeeze-1} takes axes as an attribute and {@code Squeeze-13} as
 * an optional second input, {@code ReduceMean-18} moves axes the same way, {@code Upsample-10} is deprecated.
 * A model at opset K uses, for each op, the newest version whose since ≤ K.
 */
public final class OpSchemas {
    /** Unbounded (variadic) input or output count. */
    public static final int N = Integer.MAX_VALUE;

    /**
     * One version of an op's schema.
     *
     * @param op         op type
     * @param since      the opset this version appeared in
     * @param deprecated whether the op is deprecated from this version on (no model may use it)
     * @param minInputs  fewest inputs (trailing optional inputs may be left out)
     * @param maxInputs  most inputs ({@link #N} for variadic)
     * @param minOutputs fewest outputs
     * @param maxOutputs most outputs
     * @param attributes allowed attribute names
     * @param required   the attributes that must be present
     */
    public record Version(String op, int since, boolean deprecated, int minInputs, int maxInputs, int minOutputs,
                          int maxOutputs, Set<String> attributes, Set<String> required) {}

    private static final Map<String, List<Version>> TABLE = new HashMap<>();

    private OpSchemas() {}

    /** The version of {@code op} a model at {@code opset} uses, or null when the op is unknown or did not exist yet. */
    public static Version at(String op, long opset) {
        Version best = null;
        for (Version v : TABLE.getOrDefault(op, List.of())) {
            if (v.since() <= opset) {
                best = v;
            }
        }
        return best;
    }

    /** Whether qsh has the schema of {@code op}. */
    public static boolean knows(String op) {
        return TABLE.containsKey(op);
    }

    /** The opset {@code op} first appeared in (0 when unknown). */
    public static int firstOpset(String op) {
        List<Version> l = TABLE.get(op);
        return l == null ? 0 : l.get(0).since();
    }

    /** Whether {@code op}'s schema differs between opsets {@code from} and {@code to} (a newer version in between). */
    public static boolean changes(String op, long from, long to) {
        Version a = at(op, from);
        Version b = at(op, to);
        return a != null && b != null && a.since() != b.since();
    }

    private static void v(String op, int since, int minIn, int maxIn, int minOut, int maxOut, String... attrs) {
        add(op, since, false, minIn, maxIn, minOut, maxOut, attrs);
    }

    private static void deprecated(String op, int since, int minIn, int maxIn, int minOut, int maxOut, String... attrs) {
        add(op, since, true, minIn, maxIn, minOut, maxOut, attrs);
    }

    private static void add(String op, int since, boolean deprecated, int minIn, int maxIn, int minOut, int maxOut,
                            String... attrs) {
        Set<String> all = new TreeSet<>();
        Set<String> req = new TreeSet<>();
        for (String a : attrs) {
            String name = a.endsWith("!") ? a.substring(0, a.length() - 1) : a;
            all.add(name);
            if (a.endsWith("!")) {
                req.add(name);
            }
        }
        TABLE.computeIfAbsent(op, k -> new ArrayList<>())
                .add(new Version(op, since, deprecated, minIn, maxIn, minOut, maxOut, Set.copyOf(all), Set.copyOf(req)));
    }

    // op, since, inputs min..max, outputs min..max, attributes (ONNX operator versions, ascending per op)
    static {
        v("Abs", 1, 1, 1, 1, 1, "consumed_inputs");
        v("Abs", 6, 1, 1, 1, 1);
        v("Abs", 13, 1, 1, 1, 1);
        v("Add", 1, 2, 2, 1, 1, "axis", "broadcast", "consumed_inputs");
        v("Add", 6, 2, 2, 1, 1, "axis", "broadcast");
        v("Add", 7, 2, 2, 1, 1);
        v("Add", 13, 2, 2, 1, 1);
        v("Add", 14, 2, 2, 1, 1);
        v("AveragePool", 1, 1, 1, 1, 1, "auto_pad", "kernel_shape!", "pads", "strides");
        v("AveragePool", 7, 1, 1, 1, 1, "auto_pad", "count_include_pad", "kernel_shape!", "pads", "strides");
        v("AveragePool", 10, 1, 1, 1, 1, "auto_pad", "ceil_mode", "count_include_pad", "kernel_shape!", "pads", "strides");
        v("AveragePool", 11, 1, 1, 1, 1, "auto_pad", "ceil_mode", "count_include_pad", "kernel_shape!", "pads", "strides");
        v("AveragePool", 19, 1, 1, 1, 1, "auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape!", "pads", "strides");
        v("AveragePool", 22, 1, 1, 1, 1, "auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape!", "pads", "strides");
        v("BatchNormalization", 1, 5, 5, 1, 5, "consumed_inputs!", "epsilon", "is_test", "momentum", "spatial");
        v("BatchNormalization", 6, 5, 5, 1, 5, "epsilon", "is_test", "momentum", "spatial");
        v("BatchNormalization", 7, 5, 5, 1, 5, "epsilon", "momentum", "spatial");
        v("BatchNormalization", 9, 5, 5, 1, 5, "epsilon", "momentum");
        v("BatchNormalization", 14, 5, 5, 1, 3, "epsilon", "momentum", "training_mode");
        v("BatchNormalization", 15, 5, 5, 1, 3, "epsilon", "momentum", "training_mode");
        v("Cast", 1, 1, 1, 1, 1, "to!");
        v("Cast", 6, 1, 1, 1, 1, "to!");
        v("Cast", 9, 1, 1, 1, 1, "to!");
        v("Cast", 13, 1, 1, 1, 1, "to!");
        v("Cast", 19, 1, 1, 1, 1, "saturate", "to!");
        v("Cast", 21, 1, 1, 1, 1, "saturate", "to!");
        v("Cast", 23, 1, 1, 1, 1, "saturate", "to!");
        v("Ceil", 1, 1, 1, 1, 1, "consumed_inputs");
        v("Ceil", 6, 1, 1, 1, 1);
        v("Ceil", 13, 1, 1, 1, 1);
        v("Clip", 1, 1, 1, 1, 1, "consumed_inputs", "max", "min");
        v("Clip", 6, 1, 1, 1, 1, "max", "min");
        v("Clip", 11, 1, 3, 1, 1);
        v("Clip", 12, 1, 3, 1, 1);
        v("Clip", 13, 1, 3, 1, 1);
        v("Concat", 1, 1, N, 1, 1, "axis");
        v("Concat", 4, 1, N, 1, 1, "axis!");
        v("Concat", 11, 1, N, 1, 1, "axis!");
        v("Concat", 13, 1, N, 1, 1, "axis!");
        v("ConstantOfShape", 9, 1, 1, 1, 1, "value");
        v("ConstantOfShape", 20, 1, 1, 1, 1, "value");
        v("ConstantOfShape", 21, 1, 1, 1, 1, "value");
        v("ConstantOfShape", 23, 1, 1, 1, 1, "value");
        v("Conv", 1, 2, 3, 1, 1, "auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
        v("Conv", 11, 2, 3, 1, 1, "auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
        v("Conv", 22, 2, 3, 1, 1, "auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
        v("ConvTranspose", 1, 2, 3, 1, 1, "auto_pad", "dilations", "group", "kernel_shape", "output_padding", "output_shape", "pads", "strides");
        v("ConvTranspose", 11, 2, 3, 1, 1, "auto_pad", "dilations", "group", "kernel_shape", "output_padding", "output_shape", "pads", "strides");
        v("ConvTranspose", 22, 2, 3, 1, 1, "auto_pad", "dilations", "group", "kernel_shape", "output_padding", "output_shape", "pads", "strides");
        v("DequantizeLinear", 10, 2, 3, 1, 1);
        v("DequantizeLinear", 13, 2, 3, 1, 1, "axis");
        v("DequantizeLinear", 19, 2, 3, 1, 1, "axis");
        v("DequantizeLinear", 21, 2, 3, 1, 1, "axis", "block_size");
        v("DequantizeLinear", 23, 2, 3, 1, 1, "axis", "block_size", "output_dtype");
        v("Div", 1, 2, 2, 1, 1, "axis", "broadcast", "consumed_inputs");
        v("Div", 6, 2, 2, 1, 1, "axis", "broadcast");
        v("Div", 7, 2, 2, 1, 1);
        v("Div", 13, 2, 2, 1, 1);
        v("Div", 14, 2, 2, 1, 1);
        v("Dropout", 1, 1, 1, 1, 2, "consumed_inputs", "is_test", "ratio");
        v("Dropout", 6, 1, 1, 1, 2, "is_test", "ratio");
        v("Dropout", 7, 1, 1, 1, 2, "ratio");
        v("Dropout", 10, 1, 1, 1, 2, "ratio");
        v("Dropout", 12, 1, 3, 1, 2, "seed");
        v("Dropout", 13, 1, 3, 1, 2, "seed");
        v("Dropout", 22, 1, 3, 1, 2, "seed");
        v("Elu", 1, 1, 1, 1, 1, "alpha", "consumed_inputs");
        v("Elu", 6, 1, 1, 1, 1, "alpha");
        v("Elu", 22, 1, 1, 1, 1, "alpha");
        v("Erf", 9, 1, 1, 1, 1);
        v("Erf", 13, 1, 1, 1, 1);
        v("Exp", 1, 1, 1, 1, 1, "consumed_inputs");
        v("Exp", 6, 1, 1, 1, 1);
        v("Exp", 13, 1, 1, 1, 1);
        v("Expand", 8, 2, 2, 1, 1);
        v("Expand", 13, 2, 2, 1, 1);
        v("Flatten", 1, 1, 1, 1, 1, "axis");
        v("Flatten", 9, 1, 1, 1, 1, "axis");
        v("Flatten", 11, 1, 1, 1, 1, "axis");
        v("Flatten", 13, 1, 1, 1, 1, "axis");
        v("Flatten", 21, 1, 1, 1, 1, "axis");
        v("Flatten", 23, 1, 1, 1, 1, "axis");
        v("Floor", 1, 1, 1, 1, 1, "consumed_inputs");
        v("Floor", 6, 1, 1, 1, 1);
        v("Floor", 13, 1, 1, 1, 1);
        v("Gather", 1, 2, 2, 1, 1, "axis");
        v("Gather", 11, 2, 2, 1, 1, "axis");
        v("Gather", 13, 2, 2, 1, 1, "axis");
        v("Gemm", 1, 3, 3, 1, 1, "alpha", "beta", "broadcast", "transA", "transB");
        v("Gemm", 6, 3, 3, 1, 1, "alpha", "beta", "broadcast", "transA", "transB");
        v("Gemm", 7, 3, 3, 1, 1, "alpha", "beta", "transA", "transB");
        v("Gemm", 9, 3, 3, 1, 1, "alpha", "beta", "transA", "transB");
        v("Gemm", 11, 2, 3, 1, 1, "alpha", "beta", "transA", "transB");
        v("Gemm", 13, 2, 3, 1, 1, "alpha", "beta", "transA", "transB");
        v("GlobalAveragePool", 1, 1, 1, 1, 1);
        v("GlobalAveragePool", 22, 1, 1, 1, 1);
        v("GlobalMaxPool", 1, 1, 1, 1, 1);
        v("GlobalMaxPool", 22, 1, 1, 1, 1);
        v("HardSigmoid", 1, 1, 1, 1, 1, "alpha", "beta", "consumed_inputs");
        v("HardSigmoid", 6, 1, 1, 1, 1, "alpha", "beta");
        v("HardSigmoid", 22, 1, 1, 1, 1, "alpha", "beta");
        v("HardSwish", 14, 1, 1, 1, 1);
        v("HardSwish", 22, 1, 1, 1, 1);
        v("Identity", 1, 1, 1, 1, 1);
        v("Identity", 13, 1, 1, 1, 1);
        v("Identity", 14, 1, 1, 1, 1);
        v("Identity", 16, 1, 1, 1, 1);
        v("Identity", 19, 1, 1, 1, 1);
        v("Identity", 21, 1, 1, 1, 1);
        v("Identity", 23, 1, 1, 1, 1);
        v("InstanceNormalization", 1, 3, 3, 1, 1, "consumed_inputs", "epsilon");
        v("InstanceNormalization", 6, 3, 3, 1, 1, "epsilon");
        v("InstanceNormalization", 22, 3, 3, 1, 1, "epsilon");
        v("LRN", 1, 1, 1, 1, 1, "alpha", "beta", "bias", "size!");
        v("LRN", 13, 1, 1, 1, 1, "alpha", "beta", "bias", "size!");
        v("LeakyRelu", 1, 1, 1, 1, 1, "alpha", "consumed_inputs");
        v("LeakyRelu", 6, 1, 1, 1, 1, "alpha");
        v("LeakyRelu", 16, 1, 1, 1, 1, "alpha");
        v("Log", 1, 1, 1, 1, 1, "consumed_inputs");
        v("Log", 6, 1, 1, 1, 1);
        v("Log", 13, 1, 1, 1, 1);
        v("LogSoftmax", 1, 1, 1, 1, 1, "axis");
        v("LogSoftmax", 11, 1, 1, 1, 1, "axis");
        v("LogSoftmax", 13, 1, 1, 1, 1, "axis");
        v("MatMul", 1, 2, 2, 1, 1);
        v("MatMul", 9, 2, 2, 1, 1);
        v("MatMul", 13, 2, 2, 1, 1);
        v("Max", 1, 1, N, 1, 1, "consumed_inputs");
        v("Max", 6, 1, N, 1, 1);
        v("Max", 8, 1, N, 1, 1);
        v("Max", 12, 1, N, 1, 1);
        v("Max", 13, 1, N, 1, 1);
        v("MaxPool", 1, 1, 1, 1, 1, "auto_pad", "kernel_shape!", "pads", "strides");
        v("MaxPool", 8, 1, 1, 1, 2, "auto_pad", "kernel_shape!", "pads", "storage_order", "strides");
        v("MaxPool", 10, 1, 1, 1, 2, "auto_pad", "ceil_mode", "dilations", "kernel_shape!", "pads", "storage_order", "strides");
        v("MaxPool", 11, 1, 1, 1, 2, "auto_pad", "ceil_mode", "dilations", "kernel_shape!", "pads", "storage_order", "strides");
        v("MaxPool", 12, 1, 1, 1, 2, "auto_pad", "ceil_mode", "dilations", "kernel_shape!", "pads", "storage_order", "strides");
        v("MaxPool", 22, 1, 1, 1, 2, "auto_pad", "ceil_mode", "dilations", "kernel_shape!", "pads", "storage_order", "strides");
        v("Min", 1, 1, N, 1, 1, "consumed_inputs");
        v("Min", 6, 1, N, 1, 1);
        v("Min", 8, 1, N, 1, 1);
        v("Min", 12, 1, N, 1, 1);
        v("Min", 13, 1, N, 1, 1);
        v("Mul", 1, 2, 2, 1, 1, "axis", "broadcast", "consumed_inputs");
        v("Mul", 6, 2, 2, 1, 1, "axis", "broadcast");
        v("Mul", 7, 2, 2, 1, 1);
        v("Mul", 13, 2, 2, 1, 1);
        v("Mul", 14, 2, 2, 1, 1);
        v("Neg", 1, 1, 1, 1, 1, "consumed_inputs");
        v("Neg", 6, 1, 1, 1, 1);
        v("Neg", 13, 1, 1, 1, 1);
        v("PRelu", 1, 2, 2, 1, 1, "consumed_inputs");
        v("PRelu", 6, 2, 2, 1, 1);
        v("PRelu", 7, 2, 2, 1, 1);
        v("PRelu", 9, 2, 2, 1, 1);
        v("PRelu", 16, 2, 2, 1, 1);
        v("Pad", 1, 1, 1, 1, 1, "mode", "paddings!", "value");
        v("Pad", 2, 1, 1, 1, 1, "mode", "pads!", "value");
        v("Pad", 11, 2, 3, 1, 1, "mode");
        v("Pad", 13, 2, 3, 1, 1, "mode");
        v("Pad", 18, 2, 4, 1, 1, "mode");
        v("Pad", 19, 2, 4, 1, 1, "mode");
        v("Pad", 21, 2, 4, 1, 1, "mode");
        v("Pad", 23, 2, 4, 1, 1, "mode");
        v("Pow", 1, 2, 2, 1, 1, "axis", "broadcast");
        v("Pow", 7, 2, 2, 1, 1);
        v("Pow", 12, 2, 2, 1, 1);
        v("Pow", 13, 2, 2, 1, 1);
        v("Pow", 15, 2, 2, 1, 1);
        v("QuantizeLinear", 10, 2, 3, 1, 1);
        v("QuantizeLinear", 13, 2, 3, 1, 1, "axis");
        v("QuantizeLinear", 19, 2, 3, 1, 1, "axis", "saturate");
        v("QuantizeLinear", 21, 2, 3, 1, 1, "axis", "block_size", "output_dtype", "saturate");
        v("QuantizeLinear", 23, 2, 3, 1, 1, "axis", "block_size", "output_dtype", "precision", "saturate");
        v("Reciprocal", 1, 1, 1, 1, 1, "consumed_inputs");
        v("Reciprocal", 6, 1, 1, 1, 1);
        v("Reciprocal", 13, 1, 1, 1, 1);
        v("ReduceL1", 1, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceL1", 11, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceL1", 13, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceL1", 18, 1, 2, 1, 1, "keepdims", "noop_with_empty_axes");
        v("ReduceL2", 1, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceL2", 11, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceL2", 13, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceL2", 18, 1, 2, 1, 1, "keepdims", "noop_with_empty_axes");
        v("ReduceLogSum", 1, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceLogSum", 11, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceLogSum", 13, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceLogSum", 18, 1, 2, 1, 1, "keepdims", "noop_with_empty_axes");
        v("ReduceLogSumExp", 1, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceLogSumExp", 11, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceLogSumExp", 13, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceLogSumExp", 18, 1, 2, 1, 1, "keepdims", "noop_with_empty_axes");
        v("ReduceMax", 1, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceMax", 11, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceMax", 12, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceMax", 13, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceMax", 18, 1, 2, 1, 1, "keepdims", "noop_with_empty_axes");
        v("ReduceMax", 20, 1, 2, 1, 1, "keepdims", "noop_with_empty_axes");
        v("ReduceMean", 1, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceMean", 11, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceMean", 13, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceMean", 18, 1, 2, 1, 1, "keepdims", "noop_with_empty_axes");
        v("ReduceMin", 1, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceMin", 11, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceMin", 12, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceMin", 13, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceMin", 18, 1, 2, 1, 1, "keepdims", "noop_with_empty_axes");
        v("ReduceMin", 20, 1, 2, 1, 1, "keepdims", "noop_with_empty_axes");
        v("ReduceProd", 1, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceProd", 11, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceProd", 13, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceProd", 18, 1, 2, 1, 1, "keepdims", "noop_with_empty_axes");
        v("ReduceSum", 1, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceSum", 11, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceSum", 13, 1, 2, 1, 1, "keepdims", "noop_with_empty_axes");
        v("ReduceSumSquare", 1, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceSumSquare", 11, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceSumSquare", 13, 1, 1, 1, 1, "axes", "keepdims");
        v("ReduceSumSquare", 18, 1, 2, 1, 1, "keepdims", "noop_with_empty_axes");
        v("Relu", 1, 1, 1, 1, 1, "consumed_inputs");
        v("Relu", 6, 1, 1, 1, 1);
        v("Relu", 13, 1, 1, 1, 1);
        v("Relu", 14, 1, 1, 1, 1);
        v("Reshape", 1, 1, 1, 1, 1, "consumed_inputs", "shape");
        v("Reshape", 5, 2, 2, 1, 1);
        v("Reshape", 13, 2, 2, 1, 1);
        v("Reshape", 14, 2, 2, 1, 1, "allowzero");
        v("Reshape", 19, 2, 2, 1, 1, "allowzero");
        v("Reshape", 21, 2, 2, 1, 1, "allowzero");
        v("Reshape", 23, 2, 2, 1, 1, "allowzero");
        v("Resize", 10, 2, 2, 1, 1, "mode");
        v("Resize", 11, 3, 4, 1, 1, "coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside", "extrapolation_value", "mode", "nearest_mode");
        v("Resize", 13, 1, 4, 1, 1, "coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside", "extrapolation_value", "mode", "nearest_mode");
        v("Resize", 18, 1, 4, 1, 1, "antialias", "axes", "coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside", "extrapolation_value", "keep_aspect_ratio_policy", "mode", "nearest_mode");
        v("Resize", 19, 1, 4, 1, 1, "antialias", "axes", "coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside", "extrapolation_value", "keep_aspect_ratio_policy", "mode", "nearest_mode");
        v("Selu", 1, 1, 1, 1, 1, "alpha", "consumed_inputs", "gamma");
        v("Selu", 6, 1, 1, 1, 1, "alpha", "gamma");
        v("Selu", 22, 1, 1, 1, 1, "alpha", "gamma");
        v("Shape", 1, 1, 1, 1, 1);
        v("Shape", 13, 1, 1, 1, 1);
        v("Shape", 15, 1, 1, 1, 1, "end", "start");
        v("Shape", 19, 1, 1, 1, 1, "end", "start");
        v("Shape", 21, 1, 1, 1, 1, "end", "start");
        v("Shape", 23, 1, 1, 1, 1, "end", "start");
        v("Shrink", 9, 1, 1, 1, 1, "bias", "lambd");
        v("Sigmoid", 1, 1, 1, 1, 1, "consumed_inputs");
        v("Sigmoid", 6, 1, 1, 1, 1);
        v("Sigmoid", 13, 1, 1, 1, 1);
        v("Sign", 9, 1, 1, 1, 1);
        v("Sign", 13, 1, 1, 1, 1);
        v("Slice", 1, 1, 1, 1, 1, "axes", "ends!", "starts!");
        v("Slice", 10, 3, 5, 1, 1);
        v("Slice", 11, 3, 5, 1, 1);
        v("Slice", 13, 3, 5, 1, 1);
        v("Softmax", 1, 1, 1, 1, 1, "axis");
        v("Softmax", 11, 1, 1, 1, 1, "axis");
        v("Softmax", 13, 1, 1, 1, 1, "axis");
        v("Softplus", 1, 1, 1, 1, 1);
        v("Softplus", 22, 1, 1, 1, 1);
        v("Split", 1, 1, 2, 1, N, "axis", "split");
        v("Split", 2, 1, 1, 1, N, "axis", "split");
        v("Split", 11, 1, 1, 1, N, "axis", "split");
        v("Split", 13, 1, 2, 1, N, "axis");
        v("Split", 18, 1, 2, 1, N, "axis", "num_outputs");
        v("Sqrt", 1, 1, 1, 1, 1, "consumed_inputs");
        v("Sqrt", 6, 1, 1, 1, 1);
        v("Sqrt", 13, 1, 1, 1, 1);
        v("Squeeze", 1, 1, 1, 1, 1, "axes");
        v("Squeeze", 11, 1, 1, 1, 1, "axes");
        v("Squeeze", 13, 1, 2, 1, 1);
        v("Squeeze", 21, 1, 2, 1, 1);
        v("Squeeze", 23, 1, 2, 1, 1);
        v("Sub", 1, 2, 2, 1, 1, "axis", "broadcast", "consumed_inputs");
        v("Sub", 6, 2, 2, 1, 1, "axis", "broadcast");
        v("Sub", 7, 2, 2, 1, 1);
        v("Sub", 13, 2, 2, 1, 1);
        v("Sub", 14, 2, 2, 1, 1);
        v("Sum", 1, 1, N, 1, 1, "consumed_inputs");
        v("Sum", 6, 1, N, 1, 1);
        v("Sum", 8, 1, N, 1, 1);
        v("Sum", 13, 1, N, 1, 1);
        v("Tanh", 1, 1, 1, 1, 1, "consumed_inputs");
        v("Tanh", 6, 1, 1, 1, 1);
        v("Tanh", 13, 1, 1, 1, 1);
        v("Tile", 1, 3, 3, 1, 1);
        v("Tile", 6, 2, 2, 1, 1);
        v("Tile", 13, 2, 2, 1, 1);
        v("Transpose", 1, 1, 1, 1, 1, "perm");
        v("Transpose", 13, 1, 1, 1, 1, "perm");
        v("Transpose", 21, 1, 1, 1, 1, "perm");
        v("Transpose", 23, 1, 1, 1, 1, "perm");
        v("Unsqueeze", 1, 1, 1, 1, 1, "axes!");
        v("Unsqueeze", 11, 1, 1, 1, 1, "axes!");
        v("Unsqueeze", 13, 2, 2, 1, 1);
        v("Unsqueeze", 21, 2, 2, 1, 1);
        v("Unsqueeze", 23, 2, 2, 1, 1);
        v("Upsample", 1, 1, 1, 1, 1, "height_scale!", "mode", "width_scale!");
        v("Upsample", 7, 1, 1, 1, 1, "mode", "scales!");
        v("Upsample", 9, 2, 2, 1, 1, "mode");
        deprecated("Upsample", 10, 2, 2, 1, 1, "mode");
    }
}
