package qsh.core.exec.ops;

import qsh.core.exec.kernels.Buffers;
import qsh.core.exec.kernels.Conv;
import qsh.core.exec.kernels.Epilogue;
import qsh.core.exec.kernels.FakeQuant;
import qsh.core.exec.kernels.GemmWeightPanels;
import qsh.core.exec.kernels.Parallel;
import qsh.core.graph.Node;
import qsh.core.shape.ConvGeometry;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;

/**
 * Kernels an execution plan builds once per graph: a Conv whose weights are packed ahead of time, with an
 * {@link Epilogue} for the per-channel ops and activation that follow it, and a per-channel step (a
 * BatchNormalization chain and its activation) for other producers, and a QuantizeLinear → DequantizeLinear
 * pair as one {@link FakeQuant} pass. The weights are baked in, so these kernels read only the data input.
 */
public final class FusedOps {
    private FusedOps() {}

    private static volatile boolean transposedGemm = true;

    /** Whether {@link #gemm} computes from its transposed copy (the default), for one-JVM A/B benchmarks. */
    static void transposedGemm(boolean on) {
        transposedGemm = on;
    }

    /**
     * Conv node {@code n} with weights {@code w}, bias (nullable) and epilogue {@code ep} prepared once; the
     * kernel reads input 0 only and resolves auto_pad per call (it depends on the input's spatial size).
     */
    public static OpKernel conv(Node n, Tensor w, Tensor bias, Epilogue ep) {
        int sp = w.rank() - 2;
        int[] kernel = n.hasAttr("kernel_shape") ? n.attrInts("kernel_shape") : NeuralOps.spatial(w.shape());
        int[] strides = NeuralOps.orOnes(n.attrInts("strides"), sp);
        int[] dil = NeuralOps.orOnes(n.attrInts("dilations"), sp);
        String autoPad = n.attrString("auto_pad", "NOTSET");
        int[] explicitPads = n.attrInts("pads");
        Conv.Prepared p = Conv.prepare(w, bias, (int) n.attrInt("group", 1), ep);
        return (node, in, op) -> {
            Tensor x = ElementwiseOps.asFloat(in[0]);
            if (x.rank() != w.rank()) {
                throw new IllegalArgumentException("Conv W " + w.shapeString() + " must have the rank of X " + x.shapeString());
            }
            int[] pads = ConvGeometry.resolvePads(autoPad, NeuralOps.spatial(x.shape()), kernel, strides, dil, explicitPads);
            return new Object[] {Conv.run(p, x, strides, pads, dil)};
        };
    }

    /**
     * The step of Mul node {@code mul} followed (through the simulated pair {@code fq}, nullable) by a 1 x 1, stride-1,
     * unpadded, ungrouped Conv with weights {@code w}, bias (nullable) and epilogue {@code ep}, reading Mul's two
     * inputs: when one scales whole channels of the other, {@link Conv#runScaled} computes the product row by row as
     * it packs the convolution's input (the same products, flushed as Mul flushes them, so the same bits); otherwise
     * Mul's kernel, the pair's and the convolution's run one after the other.
     */
    public static OpKernel scaledConv(Node mul, Tensor w, Tensor bias, Epilogue ep, FakeQuant fq) {
        Conv.Prepared p = Conv.prepare(w, bias, 1, ep);
        OpKernel product = Ops.get("", "Mul");
        OpKernel pair = fq == null ? null : fakeQuantStep(fq, 1);
        return (node, in, op) -> {
            if (in[0] instanceof Tensor a && in[1] instanceof Tensor b) {
                Tensor y = Conv.runScaled(p, a, b, fq);
                if (y != null) {
                    return new Object[] {y};
                }
            }
            Tensor x = ElementwiseOps.asFloat(product.run(mul, in, op)[0]);
            if (pair != null) {
                Tensor quantized = (Tensor) pair.run(node, new Object[] {x}, op)[0];
                Buffers.recycle(x.data());
                x = quantized;
            }
            if (x.rank() != w.rank()) {
                throw new IllegalArgumentException("Conv W " + w.shapeString() + " must have the rank of X " + x.shapeString());
            }
            Tensor y = Conv.run(p, x, null, null, null);
            Buffers.recycle(x.data());
            return new Object[] {y};
        };
    }

    /**
     * Gemm node {@code n} with its constant B (stored transposed, transB = 1) laid out once as {@link
     * GemmWeightPanels}: the kernel computes op(A) op(B) (+ beta C) from them, the same values in the same fused
     * multiply-add order, so the same bits as the node's kernel; inputs as the node's (B's is not read). An A that
     * does not fit B takes the node's own kernel, for its error message.
     */
    public static OpKernel gemm(Node n, Tensor b) {
        // (transposedGemm off: the node's kernel, for A/B benchmarks in one JVM)
        int cols = b.dim(1);
        GemmWeightPanels panels = GemmWeightPanels.ofTransposed(b);
        float alpha = n.attrFloat("alpha", 1f);
        float beta = n.attrFloat("beta", 1f);
        boolean transA = n.attrInt("transA", 0) != 0;
        OpKernel plain = Ops.get("", "Gemm");
        return (node, in, op) -> {
            Tensor a = in[0] instanceof Tensor x ? ElementwiseOps.asFloat(x) : null;
            if (!transposedGemm || a == null || a.rank() != 2 || (transA ? a.dim(0) : a.dim(1)) != cols) {
                return plain.run(node, in, op);
            }
            Tensor c = in.length > 2 && in[2] != null ? ElementwiseOps.asFloat(in[2]) : null;
            return new Object[] {panels.gemm(a, c, alpha, beta, transA)};
        };
    }

    /** y = ep(x) per channel (axis 1) of the input, for an epilogue with {@code channels} channels. */
    public static OpKernel channelwise(int channels, Epilogue ep) {
        return (node, in, op) -> {
            Tensor x = ElementwiseOps.asFloat(in[0]);
            if (x.rank() < 2 || x.dim(1) != channels) {
                throw new IllegalArgumentException("per-channel parameters of " + channels + " channels do not fit "
                        + x.shapeString());
            }
            int n = x.dim(0);
            int inner = n == 0 || channels == 0 ? 0 : x.size() / (n * channels);
            float[] y = Buffers.floats(x.size());
            float[] xd = x.data();
            // plane by plane (copied, then the stages in place), both cores on large inputs
            Parallel.forRange(n * channels, y.length, 1 << 16, (p0, p1) -> {
                for (int p = p0; p < p1; p++) {
                    int base = p * inner;
                    System.arraycopy(xd, base, y, base, inner);
                    ep.apply(y, base, base + inner, p % channels);
                }
            });
            return new Object[] {Tensor.of(x.shape(), y)};
        };
    }

    /**
     * The fake quantization of a QuantizeLinear with these constant scale and zero point (null: none, the type then
     * {@code outputType}) followed by a DequantizeLinear with the same ones: the integer range is the zero point's
     * type's, as QuantizeLinear's kernel takes it.
     */
    public static FakeQuant fakeQuant(Tensor scale, LongTensor zero, int outputType) {
        int type = zero != null ? zero.dataType() : outputType;
        return new FakeQuant(scale.data(), zero == null ? null : zero.data(), QuantOps.lowest(type),
                QuantOps.highest(type));
    }

    /** A step that passes its input on unchanged (a QuantizeLinear → DequantizeLinear pair that changes nothing). */
    public static final OpKernel PASS_ON = (node, in, op) -> new Object[] {in[0]};

    /**
     * y = {@code fq}(x) as one pass (QuantizeLinear → DequantizeLinear without the integer tensor), per tensor or
     * along {@code axis}, refusing a per-axis scale that does not fit x as QuantizeLinear does.
     */
    public static OpKernel fakeQuantStep(FakeQuant fq, int axis) {
        int channels = fq.channels();
        return (node, in, op) -> {
            Tensor x = ElementwiseOps.asFloat(in[0]);
            int[] shape = x.shape();
            int inner = 1;
            if (channels != 1) {
                int ax = axis < 0 ? axis + shape.length : axis;
                if (ax < 0 || ax >= shape.length || shape[ax] != channels) {
                    throw new IllegalArgumentException("per-axis scale of " + channels + " values does not match axis "
                            + axis + " of shape " + java.util.Arrays.toString(shape));
                }
                for (int i = ax + 1; i < shape.length; i++) {
                    inner *= shape[i];
                }
            }
            float[] xd = x.data();
            float[] y = Buffers.floats(xd.length);
            if (channels == 1) {
                Parallel.forRange(xd.length, xd.length, 1 << 16, (i0, i1) -> fq.apply(xd, y, i0, i1, 0));
            } else if (inner > 0) {
                int in1 = inner;
                Parallel.forRange(xd.length / inner, xd.length, 1 << 16, (p0, p1) -> {
                    for (int p = p0; p < p1; p++) {
                        fq.apply(xd, y, p * in1, (p + 1) * in1, p % channels);
                    }
                });
            }
            return new Object[] {Tensor.of(shape, y)};
        };
    }
}
