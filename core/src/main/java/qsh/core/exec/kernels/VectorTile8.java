package qsh.core.exec.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GEMM micro-kernel for two 4-row blocks of packed A at once: an 8-row x 2-vector tile of C (16 registers)
 * per k step loads two vectors of B and eight scalars of A for sixteen FMAs, against eight FMAs per two vectors
 * in the 4-row tile of {@link VectorKernels}: 77 GMAC/s against 55 on one core in a test program on the
 * detector's 3 x 3 head convolution. Columns left over after the full tiles go to {@link VectorKernels#block}
 * per 4-row half. Same operations in the same order per element as the other kernels, so the same bits.
 * Like {@link VectorKernels}, only touched when {@link VectorSupport} allows.
 *
 * <p>The tile is written out register by register on purpose: with its loads and stores factored into small
 * helper methods it ran at 10-12 GMAC/s instead of 93-100 (C2 stopped inlining in the large method and boxed
 * the vectors). The same holds for the 4-row tiles in {@link VectorKernels}.
 */
final class VectorTile8 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Columns of a tile of {@link #packedTile8x3}. */
    static final int WIDE_TILE = 3 * L;

    private VectorTile8() {
    }

    /** Whether vectors have 16 float lanes (AVX-512, 32 vector registers), where the 8-row tiles do not spill. */
    static boolean wideRegisters() {
        return L >= 16;
    }

    /**
     * Rows [0, 4) of the tile from packed block ao0 (all valid) and rows [4, 4 + validRows1) from block ao1, as
     * {@link VectorKernels#block} computes each block; row r of C at cOff + r ldc, bias rowBias[biasOff + r].
     */
    static void block8(float[] ap, int ao0, int ao1, int k, float[][] rows, int[] offs, int n, float[] c, int cOff,
                       int ldc, int validRows1, float[] rowBias, int biasOff, boolean fromC) {
        int j = 0;
        for (; j + 2 * L <= n; j += 2 * L) {
            tile(ap, ao0, ao1, k, rows, offs, j, c, cOff, ldc, validRows1, rowBias, biasOff, fromC);
        }
        if (j < n) {
            VectorKernels.block(ap, ao0, k, rows, offs, j, n, c, cOff, ldc, 4, rowBias, biasOff, fromC);
            VectorKernels.block(ap, ao1, k, rows, offs, j, n, c, cOff + 4 * ldc, ldc, validRows1, rowBias, biasOff + 4,
                    fromC);
        }
    }

    static FloatVector start(float[] c, int at, boolean valid, boolean fromC, float[] rowBias, int bi) {
        if (fromC) {
            return valid ? FloatVector.fromArray(S, c, at) : FloatVector.zero(S);
        }
        return FloatVector.broadcast(S, rowBias == null || !valid ? 0f : rowBias[bi]);
    }

    private static void tile(float[] ap, int ao0, int ao1, int k, float[][] rows, int[] offs, int j, float[] c,
                             int cOff, int ldc, int validRows1, float[] rowBias, int biasOff, boolean fromC) {
        int r0 = cOff + j;
        FloatVector c00 = start(c, r0 + 0 * ldc, true, fromC, rowBias, biasOff + 0);
        FloatVector c01 = start(c, r0 + 0 * ldc + L, true, fromC, rowBias, biasOff + 0);
        FloatVector c10 = start(c, r0 + 1 * ldc, true, fromC, rowBias, biasOff + 1);
        FloatVector c11 = start(c, r0 + 1 * ldc + L, true, fromC, rowBias, biasOff + 1);
        FloatVector c20 = start(c, r0 + 2 * ldc, true, fromC, rowBias, biasOff + 2);
        FloatVector c21 = start(c, r0 + 2 * ldc + L, true, fromC, rowBias, biasOff + 2);
        FloatVector c30 = start(c, r0 + 3 * ldc, true, fromC, rowBias, biasOff + 3);
        FloatVector c31 = start(c, r0 + 3 * ldc + L, true, fromC, rowBias, biasOff + 3);
        FloatVector c40 = start(c, r0 + 4 * ldc, validRows1 > 0, fromC, rowBias, biasOff + 4);
        FloatVector c41 = start(c, r0 + 4 * ldc + L, validRows1 > 0, fromC, rowBias, biasOff + 4);
        FloatVector c50 = start(c, r0 + 5 * ldc, validRows1 > 1, fromC, rowBias, biasOff + 5);
        FloatVector c51 = start(c, r0 + 5 * ldc + L, validRows1 > 1, fromC, rowBias, biasOff + 5);
        FloatVector c60 = start(c, r0 + 6 * ldc, validRows1 > 2, fromC, rowBias, biasOff + 6);
        FloatVector c61 = start(c, r0 + 6 * ldc + L, validRows1 > 2, fromC, rowBias, biasOff + 6);
        FloatVector c70 = start(c, r0 + 7 * ldc, validRows1 > 3, fromC, rowBias, biasOff + 7);
        FloatVector c71 = start(c, r0 + 7 * ldc + L, validRows1 > 3, fromC, rowBias, biasOff + 7);
        int a = ao0;
        int b = ao1;
        for (int p = 0; p < k; p++) {
            float[] row = rows[p];
            int o = offs[p] + j;
            FloatVector b0 = FloatVector.fromArray(S, row, o);
            FloatVector b1 = FloatVector.fromArray(S, row, o + L);
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
        }
        c00.intoArray(c, r0 + 0 * ldc);
        c01.intoArray(c, r0 + 0 * ldc + L);
        c10.intoArray(c, r0 + 1 * ldc);
        c11.intoArray(c, r0 + 1 * ldc + L);
        c20.intoArray(c, r0 + 2 * ldc);
        c21.intoArray(c, r0 + 2 * ldc + L);
        c30.intoArray(c, r0 + 3 * ldc);
        c31.intoArray(c, r0 + 3 * ldc + L);
        if (validRows1 > 0) {
            c40.intoArray(c, r0 + 4 * ldc);
            c41.intoArray(c, r0 + 4 * ldc + L);
        }
        if (validRows1 > 1) {
            c50.intoArray(c, r0 + 5 * ldc);
            c51.intoArray(c, r0 + 5 * ldc + L);
        }
        if (validRows1 > 2) {
            c60.intoArray(c, r0 + 6 * ldc);
            c61.intoArray(c, r0 + 6 * ldc + L);
        }
        if (validRows1 > 3) {
            c70.intoArray(c, r0 + 7 * ldc);
            c71.intoArray(c, r0 + 7 * ldc + L);
        }
    }

    /**
     * The 8-row x 3-vector tile over a packed B micro-panel ({@link TiledGemm}'s order with tiles of
     * {@link #WIDE_TILE} columns, read as one stream): rows [0, valid0) from packed block ao0, rows
     * [4, 4 + valid1) from block ao1 (ao1 may repeat ao0 when valid1 is 0: those rows are computed, not stored); C
     * row r at cOff + r ldc. Per k step 3 vector loads and 8 broadcasts feed 24 FMAs: on AVX-512 (32 registers,
     * 24 accumulators) 79-80 GMAC/s on one core in a test program, against 40-46 for 8 x 2 vectors and 30-36 for
     * 4 x 2, whose broadcasts competed with the FMAs. The same FMA chain per element as the other kernels, so the
     * same bits. Only worth it with 32 vector registers: on AVX2's 16 its accumulators spill.
     */
    static void packedTile8x3(float[] ap, int ao0, int ao1, int k, float[] bp, int bo, float[] c, int cOff, int ldc,
                              int valid0, int valid1, float[] rowBias, int biasOff, boolean fromC) {
        FloatVector c00 = start(c, cOff + 0 * ldc, valid0 > 0, fromC, rowBias, biasOff + 0);
        FloatVector c01 = start(c, cOff + 0 * ldc + L, valid0 > 0, fromC, rowBias, biasOff + 0);
        FloatVector c02 = start(c, cOff + 0 * ldc + 2 * L, valid0 > 0, fromC, rowBias, biasOff + 0);
        FloatVector c10 = start(c, cOff + 1 * ldc, valid0 > 1, fromC, rowBias, biasOff + 1);
        FloatVector c11 = start(c, cOff + 1 * ldc + L, valid0 > 1, fromC, rowBias, biasOff + 1);
        FloatVector c12 = start(c, cOff + 1 * ldc + 2 * L, valid0 > 1, fromC, rowBias, biasOff + 1);
        FloatVector c20 = start(c, cOff + 2 * ldc, valid0 > 2, fromC, rowBias, biasOff + 2);
        FloatVector c21 = start(c, cOff + 2 * ldc + L, valid0 > 2, fromC, rowBias, biasOff + 2);
        FloatVector c22 = start(c, cOff + 2 * ldc + 2 * L, valid0 > 2, fromC, rowBias, biasOff + 2);
        FloatVector c30 = start(c, cOff + 3 * ldc, valid0 > 3, fromC, rowBias, biasOff + 3);
        FloatVector c31 = start(c, cOff + 3 * ldc + L, valid0 > 3, fromC, rowBias, biasOff + 3);
        FloatVector c32 = start(c, cOff + 3 * ldc + 2 * L, valid0 > 3, fromC, rowBias, biasOff + 3);
        FloatVector c40 = start(c, cOff + 4 * ldc, valid1 > 0, fromC, rowBias, biasOff + 4);
        FloatVector c41 = start(c, cOff + 4 * ldc + L, valid1 > 0, fromC, rowBias, biasOff + 4);
        FloatVector c42 = start(c, cOff + 4 * ldc + 2 * L, valid1 > 0, fromC, rowBias, biasOff + 4);
        FloatVector c50 = start(c, cOff + 5 * ldc, valid1 > 1, fromC, rowBias, biasOff + 5);
        FloatVector c51 = start(c, cOff + 5 * ldc + L, valid1 > 1, fromC, rowBias, biasOff + 5);
        FloatVector c52 = start(c, cOff + 5 * ldc + 2 * L, valid1 > 1, fromC, rowBias, biasOff + 5);
        FloatVector c60 = start(c, cOff + 6 * ldc, valid1 > 2, fromC, rowBias, biasOff + 6);
        FloatVector c61 = start(c, cOff + 6 * ldc + L, valid1 > 2, fromC, rowBias, biasOff + 6);
        FloatVector c62 = start(c, cOff + 6 * ldc + 2 * L, valid1 > 2, fromC, rowBias, biasOff + 6);
        FloatVector c70 = start(c, cOff + 7 * ldc, valid1 > 3, fromC, rowBias, biasOff + 7);
        FloatVector c71 = start(c, cOff + 7 * ldc + L, valid1 > 3, fromC, rowBias, biasOff + 7);
        FloatVector c72 = start(c, cOff + 7 * ldc + 2 * L, valid1 > 3, fromC, rowBias, biasOff + 7);
        int a = ao0;
        int b = ao1;
        int o = bo;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, o);
            FloatVector b1 = FloatVector.fromArray(S, bp, o + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, o + 2 * L);
            FloatVector a0 = FloatVector.broadcast(S, ap[a + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            c02 = a0.fma(b2, c02);
            FloatVector a1 = FloatVector.broadcast(S, ap[a + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            c12 = a1.fma(b2, c12);
            FloatVector a2 = FloatVector.broadcast(S, ap[a + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            c22 = a2.fma(b2, c22);
            FloatVector a3 = FloatVector.broadcast(S, ap[a + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            c32 = a3.fma(b2, c32);
            FloatVector a4 = FloatVector.broadcast(S, ap[b + 0]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            c42 = a4.fma(b2, c42);
            FloatVector a5 = FloatVector.broadcast(S, ap[b + 1]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            c52 = a5.fma(b2, c52);
            FloatVector a6 = FloatVector.broadcast(S, ap[b + 2]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            c62 = a6.fma(b2, c62);
            FloatVector a7 = FloatVector.broadcast(S, ap[b + 3]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            c72 = a7.fma(b2, c72);
            a += 4;
            b += 4;
            o += WIDE_TILE;
        }
        if (valid0 > 0) {
            c00.intoArray(c, cOff + 0 * ldc);
            c01.intoArray(c, cOff + 0 * ldc + L);
            c02.intoArray(c, cOff + 0 * ldc + 2 * L);
        }
        if (valid0 > 1) {
            c10.intoArray(c, cOff + 1 * ldc);
            c11.intoArray(c, cOff + 1 * ldc + L);
            c12.intoArray(c, cOff + 1 * ldc + 2 * L);
        }
        if (valid0 > 2) {
            c20.intoArray(c, cOff + 2 * ldc);
            c21.intoArray(c, cOff + 2 * ldc + L);
            c22.intoArray(c, cOff + 2 * ldc + 2 * L);
        }
        if (valid0 > 3) {
            c30.intoArray(c, cOff + 3 * ldc);
            c31.intoArray(c, cOff + 3 * ldc + L);
            c32.intoArray(c, cOff + 3 * ldc + 2 * L);
        }
        if (valid1 > 0) {
            c40.intoArray(c, cOff + 4 * ldc);
            c41.intoArray(c, cOff + 4 * ldc + L);
            c42.intoArray(c, cOff + 4 * ldc + 2 * L);
        }
        if (valid1 > 1) {
            c50.intoArray(c, cOff + 5 * ldc);
            c51.intoArray(c, cOff + 5 * ldc + L);
            c52.intoArray(c, cOff + 5 * ldc + 2 * L);
        }
        if (valid1 > 2) {
            c60.intoArray(c, cOff + 6 * ldc);
            c61.intoArray(c, cOff + 6 * ldc + L);
            c62.intoArray(c, cOff + 6 * ldc + 2 * L);
        }
        if (valid1 > 3) {
            c70.intoArray(c, cOff + 7 * ldc);
            c71.intoArray(c, cOff + 7 * ldc + L);
            c72.intoArray(c, cOff + 7 * ldc + 2 * L);
        }
    }
}
