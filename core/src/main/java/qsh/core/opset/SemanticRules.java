package qsh.core.opset;

import qsh.core.graph.Node;
import qsh.core.onnx.TensorProtos;
import qsh.core.onnx.proto.OnnxProto.AttributeProto;
import qsh.core.onnx.proto.OnnxProto.NodeProto;
import qsh.core.tensor.Tensor;

/**
 * The upgrades that change more than where a value sits (ONNX operator versions cited per rule): Dropout,
 * Upsample → Resize, Resize-10 → 11, BatchNormalization's removed attributes and outputs, Softmax/LogSoftmax-13's
 * new axis meaning, the legacy broadcast attributes of the arithmetic ops (before 7), Gemm's broadcast, Concat-4's
 * required axis, Cast-6's integer 'to', PRelu-7's broadcasting slope and Tile-6's inputs.
 */
final class SemanticRules {
    private SemanticRules() {}

    /** Emits the node rewritten to the target opset's form and returns true, or returns false when no rule applies. */
    static boolean apply(Node n, UpgradeContext c) {
        switch (n.opType()) {
            case "Dropout":
                return (c.crosses(7) || c.crosses(10) || c.crosses(12)) && dropout(n, c);
            case "Upsample":
                return (c.crosses(9) || c.crosses(10)) && upsample(n, c);
            case "Resize":
                return c.crosses(11) && resize10(n, c);
            case "BatchNormalization":
                return (c.crosses(7) || c.crosses(9) || c.crosses(14)) && batchNorm(n, c);
            case "Softmax":
            case "LogSoftmax":
                return c.crosses(13) && softmax(n, c);
            case "Add": case "Sub": case "Mul": case "Div": case "Pow":
                return c.crosses(7) && legacyBroadcast(n, c);
            case "Gemm":
                return c.crosses(7) && emit(c, UpgradeContext.without(n.proto(), "broadcast").build());
            case "Concat":
                return c.crosses(4) && !n.hasAttr("axis")
                        && emit(c, n.proto().toBuilder().addAttribute(UpgradeContext.intAttr("axis", 1)).build());
            case "Cast":
                return c.crosses(6) && cast(n, c);
            case "PRelu":
                return c.crosses(7) && prelu(n, c);
            case "Tile":
                if (c.crosses(6)) {
                    throw c.cannot(n, "Tile-1 (tiles and axis inputs) has no rewrite to Tile-6's repeats in qsh");
                }
                return false;
            default:
                return false;
        }
    }

    private static boolean emit(UpgradeContext c, NodeProto p) {
        c.emit(p);
        return true;
    }

    /**
     * Dropout at inference passes its input through (ONNX Dropout: "the output is the input" unless training).
     * Without a used mask it becomes Identity, whose signature never changed, so no ratio or training_mode input
     * has to be made up and every runtime runs it as a copy. A used mask keeps the Dropout in Dropout-12's form
     * (ratio as an input); across opset 10 the mask's element type changed (T → bool), which qsh does not rewrite.
     */
    private static boolean dropout(Node n, UpgradeContext c) {
        if (n.outputs().size() < 2 || !c.used(n.output(1))) {
            return emit(c, NodeProto.newBuilder().setName(n.proto().getName()).setOpType("Identity")
                    .addInput(n.input(0)).addOutput(n.output(0)).build());
        }
        if (c.crosses(10)) {
            throw c.cannot(n, "its mask output is used, and Dropout-10 changed the mask's type to bool");
        }
        NodeProto.Builder b = UpgradeContext.without(n.proto(), "ratio", "is_test", "consumed_inputs");
        if (c.crosses(12)) {
            UpgradeContext.setInput(b, 1, c.floats(n.name() + "_ratio", new int[0], n.attrFloat("ratio", 0.5f)));
        }
        return emit(c, b.build());
    }

    /**
     * Upsample-7's scales attribute (Upsample-1: height_scale/width_scale) becomes Upsample-9's input; from opset 10,
     * where Upsample is deprecated, the node becomes Resize with Upsample's coordinate rule (asymmetric, nearest
     * rounds down: ONNX's own Resize 10 → 11 adapter sets the same).
     */
    private static boolean upsample(Node n, UpgradeContext c) {
        String scales;
        if (c.from < 9) {
            float[] s = n.attrFloats("scales");
            if (s == null) { // Upsample-1: a 4-D NCHW input with height and width scales
                s = new float[] {1, 1, n.attrFloat("height_scale", 1f), n.attrFloat("width_scale", 1f)};
            }
            scales = c.floats(n.name() + "_scales", new int[] {s.length}, s);
        } else {
            scales = n.input(1);
        }
        String mode = n.attrString("mode", "nearest").equals("bilinear") ? "linear" : n.attrString("mode", "nearest");
        if (c.to < 10) {
            return emit(c, UpgradeContext.without(n.proto(), "scales", "height_scale", "width_scale", "mode")
                    .clearInput().addInput(n.input(0)).addInput(scales)
                    .addAttribute(UpgradeContext.stringAttr("mode", mode)).build());
        }
        NodeProto.Builder b = NodeProto.newBuilder().setName(n.proto().getName()).setOpType("Resize")
                .addInput(n.input(0)).addOutput(n.output(0));
        return emit(c, resizeForm(b, c, n, scales, mode).build());
    }

    /** Resize-10 (X, scales) → Resize-11 (X, roi, scales) with Resize-10's asymmetric coordinates. */
    private static boolean resize10(Node n, UpgradeContext c) {
        NodeProto.Builder b = UpgradeContext.without(n.proto(), "mode").clearInput().addInput(n.input(0));
        return emit(c, resizeForm(b, c, n, n.input(1), n.attrString("mode", "nearest")).build());
    }

    private static NodeProto.Builder resizeForm(NodeProto.Builder b, UpgradeContext c, Node n, String scales, String mode) {
        if (c.to < 11) {
            return b.addInput(scales).addAttribute(UpgradeContext.stringAttr("mode", mode));
        }
        // Resize-11/12 require the roi input (Resize-13 made it optional); it is unused outside tf_crop_and_resize
        b.addInput(c.to < 13 ? c.floats(n.name() + "_roi", new int[] {0}) : "").addInput(scales);
        b.addAttribute(UpgradeContext.stringAttr("mode", mode));
        b.addAttribute(UpgradeContext.stringAttr("coordinate_transformation_mode", "asymmetric"));
        if (mode.equals("nearest")) {
            b.addAttribute(UpgradeContext.stringAttr("nearest_mode", "floor"));
        }
        return b;
    }

    /**
     * BatchNormalization: is_test went at 7 and spatial at 9 (spatial=0 with per-element statistics has no later
     * form); from 14 the extra outputs exist only in training mode, so unused running-statistics outputs are dropped.
     */
    private static boolean batchNorm(Node n, UpgradeContext c) {
        if (c.crosses(9) && n.attrInt("spatial", 1) == 0 && c.rank(n.input(1)) > 1) {
            throw c.cannot(n, "spatial=0 with per-element statistics has no BatchNormalization-9 form");
        }
        NodeProto.Builder b = UpgradeContext.without(n.proto(), "is_test", "consumed_inputs", "spatial");
        if (c.crosses(14) && n.outputs().size() > 1) {
            for (int i = 1; i < n.outputs().size(); i++) {
                if (c.used(n.output(i))) {
                    throw c.cannot(n, "its running-statistics output '" + n.output(i) + "' is used (training mode)");
                }
            }
            b.clearOutput().addOutput(n.output(0));
        }
        return emit(c, b.build());
    }

    /**
     * Softmax-1/11 coerce the input to 2-D at axis (default 1) and normalize each row; Softmax-13 normalizes along
     * the one axis (default -1). Where the axis is the last one both agree and only the axis is written; otherwise
     * the old meaning is rebuilt: Flatten(axis) → Softmax(axis=1) → Reshape to Shape(input).
     */
    private static boolean softmax(Node n, UpgradeContext c) {
        long axis = n.attrInt("axis", 1);
        int rank = c.rank(n.input(0));
        long a = axis < 0 && rank >= 0 ? axis + rank : axis;
        NodeProto.Builder b = UpgradeContext.without(n.proto(), "axis");
        if (rank >= 0 && a == rank - 1) {
            return emit(c, b.addAttribute(UpgradeContext.intAttr("axis", a)).build());
        }
        String x = n.input(0);
        String flat = c.fresh(x + "_flat_" + n.name());
        String shape = c.fresh(x + "_shape_" + n.name());
        String rows = c.fresh(n.output(0) + "_2d");
        c.emit(NodeProto.newBuilder().setName(c.fresh(n.name() + "_flatten")).setOpType("Flatten").addInput(x)
                .addOutput(flat).addAttribute(UpgradeContext.intAttr("axis", axis)).build());
        c.emit(b.clearInput().addInput(flat).clearOutput().addOutput(rows)
                .addAttribute(UpgradeContext.intAttr("axis", 1)).build());
        c.emit(NodeProto.newBuilder().setName(c.fresh(n.name() + "_shape")).setOpType("Shape").addInput(x)
                .addOutput(shape).build());
        return emit(c, NodeProto.newBuilder().setName(c.fresh(n.name() + "_reshape")).setOpType("Reshape")
                .addInput(rows).addInput(shape).addOutput(n.output(0)).build());
    }

    /**
     * Before opset 7, Add/Sub/Mul/Div/Pow broadcast B only with broadcast=1, aligning B's dimensions at A's
     * {@code axis} (default: the trailing ones); from 7 they broadcast numpy-style (trailing alignment). B gets
     * trailing 1-dimensions where axis says it sits earlier.
     */
    private static boolean legacyBroadcast(Node n, UpgradeContext c) {
        NodeProto.Builder b = UpgradeContext.without(n.proto(), "broadcast", "axis", "consumed_inputs");
        if (n.attrInt("broadcast", 0) != 0 && n.hasAttr("axis")) {
            int ra = c.rank(n.input(0));
            int rb = c.rank(n.input(1));
            if (ra < 0 || rb < 0) {
                throw c.cannot(n, "broadcast with axis needs the ranks of both inputs, which are unknown");
            }
            long axis = n.attrInt("axis", 0);
            int at = (int) (axis < 0 ? axis + ra : axis);
            int trailing = ra - at - rb;
            if (trailing < 0) {
                throw c.cannot(n, "B of rank " + rb + " does not fit at axis " + axis + " of A's rank " + ra);
            }
            if (trailing > 0) {
                b.setInput(1, withTrailingOnes(n, c, n.input(1), rb, trailing));
            }
        }
        return emit(c, b.build());
    }

    /**
     * PRelu-1/6 take a slope per channel (one value per channel of NCHW data); PRelu-7 broadcasts the slope
     * numpy-style, so a 1-D slope gets trailing 1-dimensions to stay per channel.
     */
    private static boolean prelu(Node n, UpgradeContext c) {
        NodeProto.Builder b = UpgradeContext.without(n.proto(), "consumed_inputs");
        int rx = c.rank(n.input(0));
        int rs = c.rank(n.input(1));
        Object w = c.weights.get(n.input(1));
        boolean single = w instanceof Tensor && ((Tensor) w).size() == 1;
        if (rs == 1 && rx > 2 && !single) {
            b.setInput(1, withTrailingOnes(n, c, n.input(1), 1, rx - 2));
        }
        return emit(c, b.build());
    }

    /** Cast-1's string 'to' becomes Cast-6's element type number. */
    private static boolean cast(Node n, UpgradeContext c) {
        AttributeProto to = n.attributes().get("to");
        if (to == null || to.getType() != AttributeProto.AttributeType.STRING) {
            return false;
        }
        String name = to.getS().toStringUtf8().toUpperCase(java.util.Locale.ROOT);
        long t = 0;
        for (int k = 1; k <= 16 && t == 0; k++) { // the TensorProto.DataType names: FLOAT = 1, INT64 = 7, ...
            t = TensorProtos.typeName(k).equals(name) ? k : 0;
        }
        if (t == 0) {
            throw c.cannot(n, "unknown Cast-1 type '" + to.getS().toStringUtf8() + "'");
        }
        return emit(c, UpgradeContext.without(n.proto(), "to").addAttribute(UpgradeContext.intAttr("to", t)).build());
    }

    /**
     * {@code value} (rank {@code rank}) with {@code count} trailing 1-dimensions: a reshaped copy when it is a float
     * weight, else an Unsqueeze node in the target opset's form.
     */
    private static String withTrailingOnes(Node n, UpgradeContext c, String value, int rank, int count) {
        Object w = c.weights.get(value);
        if (w instanceof Tensor) {
            int[] s = ((Tensor) w).shape();
            int[] t = java.util.Arrays.copyOf(s, s.length + count);
            java.util.Arrays.fill(t, s.length, t.length, 1);
            String name = c.fresh(value + "_for_" + n.name());
            c.weights.put(name, ((Tensor) w).reshape(t));
            c.types.put(name, c.types.getOrDefault(value, 1));
            return name;
        }
        long[] axes = new long[count];
        for (int i = 0; i < count; i++) {
            axes[i] = rank + i;
        }
        String out = c.fresh(value + "_for_" + n.name());
        NodeProto.Builder u = NodeProto.newBuilder().setName(c.fresh(n.name() + "_unsqueeze")).setOpType("Unsqueeze")
                .addInput(value).addOutput(out);
        if (c.to >= 13) {
            u.addInput(c.int64s(out + "_axes", axes));
        } else {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName("axes").setType(AttributeProto.AttributeType.INTS);
            for (long x : axes) {
                a.addInts(x);
            }
            u.addAttribute(a);
        }
        c.emit(u.build());
        return out;
    }
}
