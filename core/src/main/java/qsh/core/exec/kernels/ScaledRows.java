package qsh.core.exec.kernels;

import qsh.core.tensor.Tensor;

/**
 * The rows of x * s as a GEMM panel source, computed as the GEMM packs them: x one image's [C, H x W] planes, s one
 * factor per channel (per image, or one for all), each product flushed to a zero of its sign where subnormal (as
 * Mul's kernel, {@link FloatMath#flushSubnormal}) and then, with a pair, fake-quantized (as QuantizeLinear →
 * DequantizeLinear after it). A 1 x 1 convolution reading a squeeze-and-excitation gate's product
 * ({@link Conv#runScaled}) so never writes the product to memory and reads it back. Alternated with Mul's kernel then
 * the Conv in one JVM (2 threads, AVX-512, medians of 21-31 rounds): EfficientNet-B0 -5 %, PP-OCRv3 det -7 to -10 %,
 * PP-OCRv4 det -4 to -8 %, PP-OCR rec -1 to -3 %; EfficientNet-B0's per-step total 7.5 -> 6.1 ms (its 16 gate Muls
 * took 0.9 ms a run).
 */
final class ScaledRows implements Sgemm.PanelSource {
    private static volatile boolean on = true;

    private final float[] x;
    private final int xOff;
    private final int plane;
    private final float[] factors;
    private final int factorOff;
    private final int factorStride;
    private final FakeQuant fq;

    /** Image {@code image}'s rows: x's planes from xOff, plane elements each; s as {@link #scales} accepted it. */
    ScaledRows(float[] x, int xOff, int plane, Tensor s, int image, FakeQuant fq) {
        this.x = x;
        this.xOff = xOff;
        this.plane = plane;
        this.factors = s.data();
        int[] d = padded(s);
        this.factorStride = d[1] == 1 ? 0 : 1;
        this.factorOff = d[0] == 1 ? 0 : image * d[1];
        this.fq = fq;
    }

    /**
     * Whether s broadcasts onto x [N, C, H, W] (C = channels) as one factor per channel, per image or for all
     * (its dims, padded to rank 4 with leading ones, are [1 or N, 1 or C, 1, 1]), so that x * s has x's shape; and
     * a pair after the product is per tensor or along those channels.
     */
    static boolean scales(Tensor s, Tensor x, int channels) {
        if (!on || x.rank() != 4 || x.dim(1) != channels || s.rank() > 4) {
            return false;
        }
        int[] d = padded(s);
        return (d[0] == 1 || d[0] == x.dim(0)) && (d[1] == 1 || d[1] == channels) && d[2] == 1 && d[3] == 1;
    }

    /** Turns the fused product on (the default) or off (Mul's kernel, then the Conv), for one-JVM A/B benchmarks. */
    static void use(boolean use) {
        on = use;
    }

    private static int[] padded(Tensor s) {
        int[] d = {1, 1, 1, 1};
        for (int i = 0; i < s.rank(); i++) {
            d[4 - s.rank() + i] = s.dim(i);
        }
        return d;
    }

    @Override
    public void row(int p, int j0, int len, float[] dst) {
        float f = factors[factorOff + p * factorStride];
        int o = xOff + p * plane + j0;
        if (FloatMath.vectorReady()) {
            VectorActivations.scaleFlushed(x, o, dst, 0, len, f);
        } else {
            for (int j = 0; j < len; j++) {
                dst[j] = FloatMath.flushSubnormal(x[o + j] * f);
            }
        }
        if (fq != null) {
            fq.apply(dst, dst, 0, len, fq.channels() == 1 ? 0 : p);
        }
    }
}
