package qsh.core.exec.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The GEMM micro-kernel for 16 vector registers (AVX2): a 6-row x 2-vector tile of C over a packed B micro-panel
 * ({@link TiledGemm}'s tiles of {@link VectorKernels#NR} columns, read as one stream). Twelve accumulators, two
 * vectors of B and one broadcast fill 15 of the 16 registers; per k step 2 vector loads and 6 broadcasts feed 12
 * FMAs. The 4 x 2 tile of {@link VectorKernels#packedTile} has only eight accumulators, exactly the FMA latency
 * (4 cycles) times the two FMA pipes of a Zen 3 core, so any stall in one chain stalls the step; the 4 x 3 tile
 * (also twelve accumulators) needs 16 registers and C2 spilled two of them to the stack in its loop. Measured in a
 * test program on a 2-vCPU AMD EPYC (Zen 3, AVX2), one core, k = 256, 64 rows x 96 columns in L1/L2: 4 x 2
 * 20-26 GMAC/s, 4 x 3 17-19, this tile 26-34. Inside whole GEMMs the gain does not carry (packing B and streaming A
 * bound them): alternated in one JVM, 2 threads, -8 to +7 % per shape of ResNet-18's layers, and in models
 * ResNet-18 -3 %, SqueezeNet 1.1 -4 %, light_resnet50 -1 %, light_inception_v1 +2 %, EfficientNet-B0 +1 % (medians
 * of 7-9 rounds on a noisy host); JMH forks per setting ({@code GemmTilingBenchmark}) read 0-30 % slower with
 * error bars larger than the means. Neutral within that noise; kept for the kernel itself.
 *
 * <p>A is packed in blocks of {@link Sgemm#MR} = 4 rows; the caller copies each six rows' scalars of a depth chunk
 * into one strip, six per k step ({@link TiledGemm}), so the loop walks one A pointer: reading three pairs from
 * their blocks in place took three pointers, and C2 then spilled an accumulator to the stack in the loop (14-18
 * GMAC/s on one core instead of 15-22 for the 4-row tile). The same fused multiply-add chain per element as the
 * other kernels (init, then a_p b_p for p = 0, 1, ... in order), so the same bits.
 * Written out register by register for the reasons given in {@link VectorTile8}. Only touched when
 * {@link VectorSupport} allows.
 */
final class VectorTile6 {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of a tile. */
    static final int ROWS = 6;

    private VectorTile6() {
    }

    /**
     * C rows [0, validRows) at cOff + r ldc, columns [0, 2L) = init + sum over p &lt; k of a6[ao + 6 p + r]
     * bp[bo + tw p + j], where init is C itself when fromC, else rowBias[biasOff + r] (0 when rowBias is null).
     */
    static void packedTile6x2(float[] a6, int ao, int k, float[] bp, int bo, int tw, float[] c, int cOff, int ldc,
                              int validRows, float[] rowBias, int biasOff, boolean fromC) {
        FloatVector c00 = VectorTile8.start(c, cOff + 0 * ldc, validRows > 0, fromC, rowBias, biasOff + 0);
        FloatVector c01 = VectorTile8.start(c, cOff + 0 * ldc + L, validRows > 0, fromC, rowBias, biasOff + 0);
        FloatVector c10 = VectorTile8.start(c, cOff + 1 * ldc, validRows > 1, fromC, rowBias, biasOff + 1);
        FloatVector c11 = VectorTile8.start(c, cOff + 1 * ldc + L, validRows > 1, fromC, rowBias, biasOff + 1);
        FloatVector c20 = VectorTile8.start(c, cOff + 2 * ldc, validRows > 2, fromC, rowBias, biasOff + 2);
        FloatVector c21 = VectorTile8.start(c, cOff + 2 * ldc + L, validRows > 2, fromC, rowBias, biasOff + 2);
        FloatVector c30 = VectorTile8.start(c, cOff + 3 * ldc, validRows > 3, fromC, rowBias, biasOff + 3);
        FloatVector c31 = VectorTile8.start(c, cOff + 3 * ldc + L, validRows > 3, fromC, rowBias, biasOff + 3);
        FloatVector c40 = VectorTile8.start(c, cOff + 4 * ldc, validRows > 4, fromC, rowBias, biasOff + 4);
        FloatVector c41 = VectorTile8.start(c, cOff + 4 * ldc + L, validRows > 4, fromC, rowBias, biasOff + 4);
        FloatVector c50 = VectorTile8.start(c, cOff + 5 * ldc, validRows > 5, fromC, rowBias, biasOff + 5);
        FloatVector c51 = VectorTile8.start(c, cOff + 5 * ldc + L, validRows > 5, fromC, rowBias, biasOff + 5);
        int a = ao;
        int o = bo;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, o);
            FloatVector b1 = FloatVector.fromArray(S, bp, o + L);
            FloatVector x0 = FloatVector.broadcast(S, a6[a + 0]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, a6[a + 1]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, a6[a + 2]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, a6[a + 3]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, a6[a + 4]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, a6[a + 5]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
            a += ROWS;
            o += tw;
        }
        c00.intoArray(c, cOff + 0 * ldc);
        c01.intoArray(c, cOff + 0 * ldc + L);
        if (validRows > 1) {
            c10.intoArray(c, cOff + 1 * ldc);
            c11.intoArray(c, cOff + 1 * ldc + L);
        }
        if (validRows > 2) {
            c20.intoArray(c, cOff + 2 * ldc);
            c21.intoArray(c, cOff + 2 * ldc + L);
        }
        if (validRows > 3) {
            c30.intoArray(c, cOff + 3 * ldc);
            c31.intoArray(c, cOff + 3 * ldc + L);
        }
        if (validRows > 4) {
            c40.intoArray(c, cOff + 4 * ldc);
            c41.intoArray(c, cOff + 4 * ldc + L);
        }
        if (validRows > 5) {
            c50.intoArray(c, cOff + 5 * ldc);
            c51.intoArray(c, cOff + 5 * ldc + L);
        }
    }
}
