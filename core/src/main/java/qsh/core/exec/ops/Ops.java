package qsh.core.exec.ops;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The ops the float executor supports, by ONNX op type (default domain). */
public final class Ops {
    private static final Map<String, OpKernel> KERNELS;

    static {
        Map<String, OpKernel> m = new HashMap<>();
        ElementwiseOps.register(m);
        ShapeOps.register(m);
        NeuralOps.register(m);
        QuantOps.register(m);
        NormalizationOps.register(m);
        SplitTileOps.register(m);
        ReductionOps.register(m);
        KERNELS = Collections.unmodifiableMap(m);
    }

    private Ops() {}

    /** The kernel for {@code opType} in the default domain, or null when qsh cannot run it. */
    public static OpKernel get(String domain, String opType) {
        if (!(domain.isEmpty() || domain.equals("ai.onnx"))) {
            return null;
        }
        return KERNELS.get(opType);
    }

    /** The supported op types. */
    public static Set<String> supported() {
        return KERNELS.keySet();
    }
}
