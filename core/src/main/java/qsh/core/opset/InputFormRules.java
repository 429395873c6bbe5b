package qsh.core.opset;

import java.util.Set;
import qsh.core.graph.Node;
import qsh.core.onnx.proto.OnnxProto.NodeProto;

/**
 * The upgrades that move an attribute to an input, value for value (ONNX operator versions cited per op):
 * Squeeze/Unsqueeze-13, ReduceSum-13 and the other Reduce ops at 18 (axes), Slice-10 (starts, ends, axes),
 * Pad-11 (pads, constant value), Split-13 (split; Split-18 then wants num_outputs for an equal split),
 * Clip-11 (min, max), Reshape-5 (shape), Upsample-9 (scales). New inputs are initializers: int64 for indices,
 * float scalars for Clip's and Pad's values.
 */
final class InputFormRules {
    /** The Reduce ops whose axes became an input at opset 18 (ReduceSum moved at 13). */
    static final Set<String> REDUCE_18 = Set.of("ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
            "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare");

    private InputFormRules() {}

    /** The node rewritten to the target opset's form, or null when no rule of this class applies. */
    static NodeProto apply(Node n, UpgradeContext c) {
        String op = n.opType();
        if ((op.equals("Squeeze") || op.equals("Unsqueeze")) && c.crosses(13)) {
            return axesToInput(n, c, "axes");
        }
        if (op.equals("ReduceSum") && c.crosses(13) || REDUCE_18.contains(op) && c.crosses(18)) {
            return axesToInput(n, c, "axes");
        }
        switch (op) {
            case "Slice":
                return c.crosses(10) ? slice(n, c) : null;
            case "Pad":
                return c.crosses(11) ? pad(n, c) : null;
            case "Split":
                return split(n, c);
            case "Clip":
                return c.crosses(11) ? clip(n, c) : null;
            case "Reshape":
                return c.crosses(5) ? attrToInput(n, c, "shape", 1, "consumed_inputs") : null;
            default:
                return null;
        }
    }

    /** Squeeze-13, Unsqueeze-13, ReduceSum-13, Reduce*-18: the axes attribute becomes optional input 1. */
    private static NodeProto axesToInput(Node n, UpgradeContext c, String attr) {
        return attrToInput(n, c, attr, 1);
    }

    /** Moves the INTS attribute {@code attr} to input {@code index} (left out when the attribute is absent). */
    private static NodeProto attrToInput(Node n, UpgradeContext c, String attr, int index, String... alsoDrop) {
        String[] drop = new String[alsoDrop.length + 1];
        drop[0] = attr;
        System.arraycopy(alsoDrop, 0, drop, 1, alsoDrop.length);
        NodeProto.Builder b = UpgradeContext.without(n.proto(), drop);
        long[] v = n.attrLongs(attr);
        if (v != null) {
            UpgradeContext.setInput(b, index, c.int64s(n.name() + "_" + attr, v));
        }
        return b.build();
    }

    /** Slice-1 attributes starts, ends, axes → Slice-10 inputs 1, 2, 3 (steps stay omitted, i.e. 1). */
    private static NodeProto slice(Node n, UpgradeContext c) {
        NodeProto.Builder b = UpgradeContext.without(n.proto(), "starts", "ends", "axes");
        long[] starts = n.attrLongs("starts");
        long[] ends = n.attrLongs("ends");
        if (starts == null || ends == null) {
            throw c.cannot(n, "Slice-1 needs its starts and ends attributes");
        }
        UpgradeContext.setInput(b, 1, c.int64s(n.name() + "_starts", starts));
        UpgradeContext.setInput(b, 2, c.int64s(n.name() + "_ends", ends));
        long[] axes = n.attrLongs("axes");
        if (axes != null) {
            UpgradeContext.setInput(b, 3, c.int64s(n.name() + "_axes", axes));
        }
        return b.build();
    }

    /** Pad-2 pads (Pad-1 paddings, same layout) and value → Pad-11 inputs pads and constant_value. */
    private static NodeProto pad(Node n, UpgradeContext c) {
        NodeProto.Builder b = UpgradeContext.without(n.proto(), "pads", "paddings", "value");
        long[] pads = n.attrLongs(n.hasAttr("pads") ? "pads" : "paddings");
        if (pads == null) {
            throw c.cannot(n, "Pad-2 needs its pads attribute");
        }
        UpgradeContext.setInput(b, 1, c.int64s(n.name() + "_pads", pads));
        if (n.hasAttr("value") && n.attrFloat("value", 0f) != 0f) {
            UpgradeContext.setInput(b, 2, c.floats(n.name() + "_value", new int[0], n.attrFloat("value", 0f)));
        }
        return b.build();
    }

    /**
     * Split-2/11 'split' attribute → Split-13 input 1; from Split-18 on an equal split (no split input) must say
     * how many parts with num_outputs (ONNX Split-18: "Either input 'split' or the attribute 'num_outputs' should
     * be specified, but not both").
     */
    private static NodeProto split(Node n, UpgradeContext c) {
        NodeProto.Builder b = n.proto().toBuilder();
        if (c.crosses(13)) {
            b = UpgradeContext.without(n.proto(), "split");
            long[] split = n.attrLongs("split");
            if (split != null) {
                UpgradeContext.setInput(b, 1, c.int64s(n.name() + "_split", split));
            }
        }
        if (c.crosses(18) && (b.getInputCount() < 2 || b.getInput(1).isEmpty())) {
            UpgradeContext.trimInputs(b);
            b.addAttribute(UpgradeContext.intAttr("num_outputs", n.outputs().size()));
        }
        return c.crosses(13) || c.crosses(18) ? b.build() : null;
    }

    /** Clip-6 min/max attributes → Clip-11 optional scalar inputs 1 and 2 (an absent bound stays omitted). */
    private static NodeProto clip(Node n, UpgradeContext c) {
        NodeProto.Builder b = UpgradeContext.without(n.proto(), "min", "max", "consumed_inputs");
        if (n.hasAttr("min")) {
            UpgradeContext.setInput(b, 1, c.floats(n.name() + "_min", new int[0], n.attrFloat("min", 0f)));
        }
        if (n.hasAttr("max")) {
            UpgradeContext.setInput(b, 2, c.floats(n.name() + "_max", new int[0], n.attrFloat("max", 0f)));
        }
        return b.build();
    }
}
