package qsh.core.exec.kernels;

/** alpha * op(A), packed once for repeated products (a convolution's weights): {@link Sgemm#pack}. */
public final class PackedA {
    final int m;
    final int k;
    final int kp;
    final float[] panels;
    // the unpacked operand, for the row kernel used where the JVM has no FMA intrinsic
    final float alpha;
    final float[] a;
    final int aOff;
    final int lda;
    final boolean transA;
    /** A's strips of six rows as {@link TiledGemm} copies them, kept once made. */
    final SixRowStrips kept;
    /** alpha op(A) transposed into panels for {@link ChannelGemm}, made on first use (same content by any thread). */
    private volatile float[] channelPanels;

    PackedA(int m, int k, float alpha, float[] a, int aOff, int lda, boolean transA) {
        this.m = m;
        this.k = k;
        this.kp = (k + 3) & ~3;
        this.alpha = alpha;
        this.a = a;
        this.aOff = aOff;
        this.lda = lda;
        this.transA = transA;
        this.panels = Sgemm.Fma.INTRINSIC ? Sgemm.packA(m, k, kp, alpha, a, aOff, lda, transA) : null;
        this.kept = new SixRowStrips((long) (m + Sgemm.MR - 1) / Sgemm.MR * Sgemm.MR * kp, k);
    }

    /** Rows of op(A). */
    public int rows() {
        return m;
    }

    float[] channelPanels() {
        float[] at = channelPanels;
        if (at == null) {
            at = ChannelGemm.panels(m, k, alpha, a, aOff, lda, transA);
            channelPanels = at;
        }
        return at;
    }
}
