package qsh.core.exec.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorTile8#packedTile8x3}'s one- and two-vector siblings, for the last tile of a packed B chunk when it
 * has at most two vectors of columns: the 3-vector tile computed 48 columns there, so a 10 x 10 plane (100 columns)
 * cost 144 and a 14 x 14 one (196) 240; with these, 112 and 208. B keeps the packed layout's step (a tile's row of
 * {@link VectorTile8#WIDE_TILE} floats per k step, the unused vectors of which are not read). Written out register
 * by register like the other tiles (through helpers, C2 boxed the vectors); the same FMA chain per element, so the
 * same bits. Only touched when {@link VectorSupport} allows.
 */
final class VectorNarrowTiles {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorNarrowTiles() {
    }

    /**
     * Rows [0, valid0) from packed block ao0 and [4, 4 + valid1) from block ao1 (as in {@link
     * VectorTile8#packedTile8x3}) over one vector of columns: B at bp[bo + p step], C row r at cOff + r ldc.
     */
    static void packedTile8x1(float[] ap, int ao0, int ao1, int k, float[] bp, int bo, int step, float[] c, int cOff,
                              int ldc, int valid0, int valid1, float[] rowBias, int biasOff, boolean fromC) {
        FloatVector c00 = VectorTile8.start(c, cOff + 0 * ldc, valid0 > 0, fromC, rowBias, biasOff + 0);
        FloatVector c10 = VectorTile8.start(c, cOff + 1 * ldc, valid0 > 1, fromC, rowBias, biasOff + 1);
        FloatVector c20 = VectorTile8.start(c, cOff + 2 * ldc, valid0 > 2, fromC, rowBias, biasOff + 2);
        FloatVector c30 = VectorTile8.start(c, cOff + 3 * ldc, valid0 > 3, fromC, rowBias, biasOff + 3);
        FloatVector c40 = VectorTile8.start(c, cOff + 4 * ldc, valid1 > 0, fromC, rowBias, biasOff + 4);
        FloatVector c50 = VectorTile8.start(c, cOff + 5 * ldc, valid1 > 1, fromC, rowBias, biasOff + 5);
        FloatVector c60 = VectorTile8.start(c, cOff + 6 * ldc, valid1 > 2, fromC, rowBias, biasOff + 6);
        FloatVector c70 = VectorTile8.start(c, cOff + 7 * ldc, valid1 > 3, fromC, rowBias, biasOff + 7);
        int a = ao0;
        int b = ao1;
        int o = bo;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, o);
            FloatVector a0 = FloatVector.broadcast(S, ap[a + 0]);
            c00 = a0.fma(b0, c00);
            FloatVector a1 = FloatVector.broadcast(S, ap[a + 1]);
            c10 = a1.fma(b0, c10);
            FloatVector a2 = FloatVector.broadcast(S, ap[a + 2]);
            c20 = a2.fma(b0, c20);
            FloatVector a3 = FloatVector.broadcast(S, ap[a + 3]);
            c30 = a3.fma(b0, c30);
            FloatVector a4 = FloatVector.broadcast(S, ap[b + 0]);
            c40 = a4.fma(b0, c40);
            FloatVector a5 = FloatVector.broadcast(S, ap[b + 1]);
            c50 = a5.fma(b0, c50);
            FloatVector a6 = FloatVector.broadcast(S, ap[b + 2]);
            c60 = a6.fma(b0, c60);
            FloatVector a7 = FloatVector.broadcast(S, ap[b + 3]);
            c70 = a7.fma(b0, c70);
            a += 4;
            b += 4;
            o += step;
        }
        if (valid0 > 0) {
            c00.intoArray(c, cOff + 0 * ldc);
        }
        if (valid0 > 1) {
            c10.intoArray(c, cOff + 1 * ldc);
        }
        if (valid0 > 2) {
            c20.intoArray(c, cOff + 2 * ldc);
        }
        if (valid0 > 3) {
            c30.intoArray(c, cOff + 3 * ldc);
        }
        if (valid1 > 0) {
            c40.intoArray(c, cOff + 4 * ldc);
        }
        if (valid1 > 1) {
            c50.intoArray(c, cOff + 5 * ldc);
        }
        if (valid1 > 2) {
            c60.intoArray(c, cOff + 6 * ldc);
        }
        if (valid1 > 3) {
            c70.intoArray(c, cOff + 7 * ldc);
        }
    }

    /** {@link #packedTile8x1} over two vectors of columns. */
    static void packedTile8x2(float[] ap, int ao0, int ao1, int k, float[] bp, int bo, int step, float[] c, int cOff,
                              int ldc, int valid0, int valid1, float[] rowBias, int biasOff, boolean fromC) {
        FloatVector c00 = VectorTile8.start(c, cOff + 0 * ldc, valid0 > 0, fromC, rowBias, biasOff + 0);
        FloatVector c01 = VectorTile8.start(c, cOff + 0 * ldc + L, valid0 > 0, fromC, rowBias, biasOff + 0);
        FloatVector c10 = VectorTile8.start(c, cOff + 1 * ldc, valid0 > 1, fromC, rowBias, biasOff + 1);
        FloatVector c11 = VectorTile8.start(c, cOff + 1 * ldc + L, valid0 > 1, fromC, rowBias, biasOff + 1);
        FloatVector c20 = VectorTile8.start(c, cOff + 2 * ldc, valid0 > 2, fromC, rowBias, biasOff + 2);
        FloatVector c21 = VectorTile8.start(c, cOff + 2 * ldc + L, valid0 > 2, fromC, rowBias, biasOff + 2);
        FloatVector c30 = VectorTile8.start(c, cOff + 3 * ldc, valid0 > 3, fromC, rowBias, biasOff + 3);
        FloatVector c31 = VectorTile8.start(c, cOff + 3 * ldc + L, valid0 > 3, fromC, rowBias, biasOff + 3);
        FloatVector c40 = VectorTile8.start(c, cOff + 4 * ldc, valid1 > 0, fromC, rowBias, biasOff + 4);
        FloatVector c41 = VectorTile8.start(c, cOff + 4 * ldc + L, valid1 > 0, fromC, rowBias, biasOff + 4);
        FloatVector c50 = VectorTile8.start(c, cOff + 5 * ldc, valid1 > 1, fromC, rowBias, biasOff + 5);
        FloatVector c51 = VectorTile8.start(c, cOff + 5 * ldc + L, valid1 > 1, fromC, rowBias, biasOff + 5);
        FloatVector c60 = VectorTile8.start(c, cOff + 6 * ldc, valid1 > 2, fromC, rowBias, biasOff + 6);
        FloatVector c61 = VectorTile8.start(c, cOff + 6 * ldc + L, valid1 > 2, fromC, rowBias, biasOff + 6);
        FloatVector c70 = VectorTile8.start(c, cOff + 7 * ldc, valid1 > 3, fromC, rowBias, biasOff + 7);
        FloatVector c71 = VectorTile8.start(c, cOff + 7 * ldc + L, valid1 > 3, fromC, rowBias, biasOff + 7);
        int a = ao0;
        int b = ao1;
        int o = bo;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, o);
            FloatVector b1 = FloatVector.fromArray(S, bp, o + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[a + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[a + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[a + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[a + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[b + 0]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[b + 1]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, ap[b + 2]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, ap[b + 3]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            a += 4;
            b += 4;
            o += step;
        }
        if (valid0 > 0) {
            c00.intoArray(c, cOff + 0 * ldc);
            c01.intoArray(c, cOff + 0 * ldc + L);
        }
        if (valid0 > 1) {
            c10.intoArray(c, cOff + 1 * ldc);
            c11.intoArray(c, cOff + 1 * ldc + L);
        }
        if (valid0 > 2) {
            c20.intoArray(c, cOff + 2 * ldc);
            c21.intoArray(c, cOff + 2 * ldc + L);
        }
        if (valid0 > 3) {
            c30.intoArray(c, cOff + 3 * ldc);
            c31.intoArray(c, cOff + 3 * ldc + L);
        }
        if (valid1 > 0) {
            c40.intoArray(c, cOff + 4 * ldc);
            c41.intoArray(c, cOff + 4 * ldc + L);
        }
        if (valid1 > 1) {
            c50.intoArray(c, cOff + 5 * ldc);
            c51.intoArray(c, cOff + 5 * ldc + L);
        }
        if (valid1 > 2) {
            c60.intoArray(c, cOff + 6 * ldc);
            c61.intoArray(c, cOff + 6 * ldc + L);
        }
        if (valid1 > 3) {
            c70.intoArray(c, cOff + 7 * ldc);
            c71.intoArray(c, cOff + 7 * ldc + L);
        }
    }
}
