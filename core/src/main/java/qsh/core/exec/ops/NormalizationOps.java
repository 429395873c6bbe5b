package qsh.core.exec.ops;

import java.util.Map;
import qsh.core.exec.kernels.InstanceNorm;
import qsh.core.exec.kernels.Lrn;

/** Normalizations across channels (LRN) and within a channel (InstanceNormalization); arithmetic in the kernels. */
final class NormalizationOps {
    private NormalizationOps() {}

    static void register(Map<String, OpKernel> m) {
        m.put("LRN", (n, in, op) -> {
            if (!n.hasAttr("size")) {
                throw new IllegalArgumentException("LRN node '" + n.name() + "' has no size attribute (it is required)");
            }
            return new Object[] {Lrn.lrn(ElementwiseOps.asFloat(in[0]), (int) n.attrInt("size", 0),
                    n.attrFloat("alpha", 1e-4f), n.attrFloat("beta", 0.75f), n.attrFloat("bias", 1f))};
        });
        m.put("InstanceNormalization", (n, in, op) -> new Object[] {InstanceNorm.run(ElementwiseOps.asFloat(in[0]),
                ElementwiseOps.asFloat(in[1]), ElementwiseOps.asFloat(in[2]), n.attrFloat("epsilon", 1e-5f))});
    }
}
