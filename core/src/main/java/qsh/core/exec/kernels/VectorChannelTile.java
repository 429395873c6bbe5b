package qsh.core.exec.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The micro-kernel of {@link ChannelGemm}: output channels along the vector lanes, a tile of {@link #COLUMNS}
 * columns (output positions) x {@link #CHANNELS} channels (three vectors) held in 24 registers. Per k step it loads
 * three vectors of transposed A (48 channels' weights) and broadcasts eight values of B (one per column) for 24
 * FMAs, the same mix as {@link VectorTile8#packedTile8x3}, whose columns it swaps for channels: on a 5 x 5 plane
 * that tile computed 48 columns for 25, this one 32. Each element is fma(A[m][p], B[p][j], acc) over p in order from
 * the bias (or from the chunk before), as in the other kernels, so the results are the same bits. Written out
 * register by register for the reason {@link VectorTile8} gives; only touched when {@link VectorSupport} allows.
 */
final class VectorChannelTile {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Channels (rows of C) per tile: three vectors. */
    static final int CHANNELS = 3 * L;
    /** Columns of C per tile. */
    static final int COLUMNS = 8;
    private static final int W = CHANNELS;

    private VectorChannelTile() {
    }

    /**
     * t[to + c W + ch] (c &lt; 8 columns, ch &lt; W channels) = bias48[ch] (or t itself when fromT) + sum over p &lt; kc of
     * at[ao + p W + ch] * bp[bo + 8 p + c], fused multiply-adds in order of p.
     */
    static void tile(float[] at, int ao, int kc, float[] bp, int bo, float[] t, int to, boolean fromT, float[] bias48) {
        FloatVector i0 = FloatVector.fromArray(S, bias48, 0);
        FloatVector i1 = FloatVector.fromArray(S, bias48, L);
        FloatVector i2 = FloatVector.fromArray(S, bias48, 2 * L);
        FloatVector c00 = fromT ? FloatVector.fromArray(S, t, to + 0 * W + 0 * L) : i0;
        FloatVector c01 = fromT ? FloatVector.fromArray(S, t, to + 0 * W + 1 * L) : i1;
        FloatVector c02 = fromT ? FloatVector.fromArray(S, t, to + 0 * W + 2 * L) : i2;
        FloatVector c10 = fromT ? FloatVector.fromArray(S, t, to + 1 * W + 0 * L) : i0;
        FloatVector c11 = fromT ? FloatVector.fromArray(S, t, to + 1 * W + 1 * L) : i1;
        FloatVector c12 = fromT ? FloatVector.fromArray(S, t, to + 1 * W + 2 * L) : i2;
        FloatVector c20 = fromT ? FloatVector.fromArray(S, t, to + 2 * W + 0 * L) : i0;
        FloatVector c21 = fromT ? FloatVector.fromArray(S, t, to + 2 * W + 1 * L) : i1;
        FloatVector c22 = fromT ? FloatVector.fromArray(S, t, to + 2 * W + 2 * L) : i2;
        FloatVector c30 = fromT ? FloatVector.fromArray(S, t, to + 3 * W + 0 * L) : i0;
        FloatVector c31 = fromT ? FloatVector.fromArray(S, t, to + 3 * W + 1 * L) : i1;
        FloatVector c32 = fromT ? FloatVector.fromArray(S, t, to + 3 * W + 2 * L) : i2;
        FloatVector c40 = fromT ? FloatVector.fromArray(S, t, to + 4 * W + 0 * L) : i0;
        FloatVector c41 = fromT ? FloatVector.fromArray(S, t, to + 4 * W + 1 * L) : i1;
        FloatVector c42 = fromT ? FloatVector.fromArray(S, t, to + 4 * W + 2 * L) : i2;
        FloatVector c50 = fromT ? FloatVector.fromArray(S, t, to + 5 * W + 0 * L) : i0;
        FloatVector c51 = fromT ? FloatVector.fromArray(S, t, to + 5 * W + 1 * L) : i1;
        FloatVector c52 = fromT ? FloatVector.fromArray(S, t, to + 5 * W + 2 * L) : i2;
        FloatVector c60 = fromT ? FloatVector.fromArray(S, t, to + 6 * W + 0 * L) : i0;
        FloatVector c61 = fromT ? FloatVector.fromArray(S, t, to + 6 * W + 1 * L) : i1;
        FloatVector c62 = fromT ? FloatVector.fromArray(S, t, to + 6 * W + 2 * L) : i2;
        FloatVector c70 = fromT ? FloatVector.fromArray(S, t, to + 7 * W + 0 * L) : i0;
        FloatVector c71 = fromT ? FloatVector.fromArray(S, t, to + 7 * W + 1 * L) : i1;
        FloatVector c72 = fromT ? FloatVector.fromArray(S, t, to + 7 * W + 2 * L) : i2;
        int a = ao;
        int b = bo;
        for (int p = 0; p < kc; p++) {
            FloatVector a0 = FloatVector.fromArray(S, at, a);
            FloatVector a1 = FloatVector.fromArray(S, at, a + L);
            FloatVector a2 = FloatVector.fromArray(S, at, a + 2 * L);
            FloatVector b0 = FloatVector.broadcast(S, bp[b + 0]);
            c00 = a0.fma(b0, c00); c01 = a1.fma(b0, c01); c02 = a2.fma(b0, c02);
            FloatVector b1 = FloatVector.broadcast(S, bp[b + 1]);
            c10 = a0.fma(b1, c10); c11 = a1.fma(b1, c11); c12 = a2.fma(b1, c12);
            FloatVector b2 = FloatVector.broadcast(S, bp[b + 2]);
            c20 = a0.fma(b2, c20); c21 = a1.fma(b2, c21); c22 = a2.fma(b2, c22);
            FloatVector b3 = FloatVector.broadcast(S, bp[b + 3]);
            c30 = a0.fma(b3, c30); c31 = a1.fma(b3, c31); c32 = a2.fma(b3, c32);
            FloatVector b4 = FloatVector.broadcast(S, bp[b + 4]);
            c40 = a0.fma(b4, c40); c41 = a1.fma(b4, c41); c42 = a2.fma(b4, c42);
            FloatVector b5 = FloatVector.broadcast(S, bp[b + 5]);
            c50 = a0.fma(b5, c50); c51 = a1.fma(b5, c51); c52 = a2.fma(b5, c52);
            FloatVector b6 = FloatVector.broadcast(S, bp[b + 6]);
            c60 = a0.fma(b6, c60); c61 = a1.fma(b6, c61); c62 = a2.fma(b6, c62);
            FloatVector b7 = FloatVector.broadcast(S, bp[b + 7]);
            c70 = a0.fma(b7, c70); c71 = a1.fma(b7, c71); c72 = a2.fma(b7, c72);
            a += W;
            b += COLUMNS;
        }
        c00.intoArray(t, to + 0 * W + 0 * L); c01.intoArray(t, to + 0 * W + 1 * L); c02.intoArray(t, to + 0 * W + 2 * L);
        c10.intoArray(t, to + 1 * W + 0 * L); c11.intoArray(t, to + 1 * W + 1 * L); c12.intoArray(t, to + 1 * W + 2 * L);
        c20.intoArray(t, to + 2 * W + 0 * L); c21.intoArray(t, to + 2 * W + 1 * L); c22.intoArray(t, to + 2 * W + 2 * L);
        c30.intoArray(t, to + 3 * W + 0 * L); c31.intoArray(t, to + 3 * W + 1 * L); c32.intoArray(t, to + 3 * W + 2 * L);
        c40.intoArray(t, to + 4 * W + 0 * L); c41.intoArray(t, to + 4 * W + 1 * L); c42.intoArray(t, to + 4 * W + 2 * L);
        c50.intoArray(t, to + 5 * W + 0 * L); c51.intoArray(t, to + 5 * W + 1 * L); c52.intoArray(t, to + 5 * W + 2 * L);
        c60.intoArray(t, to + 6 * W + 0 * L); c61.intoArray(t, to + 6 * W + 1 * L); c62.intoArray(t, to + 6 * W + 2 * L);
        c70.intoArray(t, to + 7 * W + 0 * L); c71.intoArray(t, to + 7 * W + 1 * L); c72.intoArray(t, to + 7 * W + 2 * L);
    }

    /**
     * out48[ch] (ch &lt; W channels) = bias48[ch] + sum over p &lt; k of at[ao + p W + ch] * x[p], fused multiply-adds
     * in order of p: {@link #tile} for a single column (a convolution over a 1 x 1 plane), three chains of vectors.
     */
    static void column(float[] at, int ao, int k, float[] x, float[] out48, float[] bias48) {
        FloatVector c0 = FloatVector.fromArray(S, bias48, 0);
        FloatVector c1 = FloatVector.fromArray(S, bias48, L);
        FloatVector c2 = FloatVector.fromArray(S, bias48, 2 * L);
        int a = ao;
        for (int p = 0; p < k; p++) {
            FloatVector b = FloatVector.broadcast(S, x[p]);
            c0 = FloatVector.fromArray(S, at, a).fma(b, c0);
            c1 = FloatVector.fromArray(S, at, a + L).fma(b, c1);
            c2 = FloatVector.fromArray(S, at, a + 2 * L).fma(b, c2);
            a += W;
        }
        c0.intoArray(out48, 0);
        c1.intoArray(out48, L);
        c2.intoArray(out48, 2 * L);
    }
}
