package qsh.core.exec.kernels;

import jdk.incubator.vector.FloatVector;

/**
 * The rounds of {@link VectorKernels#WARM_UP}: every kernel of the GEMM family (the 4-, 6- and 8-row tiles, the packed
 * and narrow tiles, the channel tile, the depthwise blocks) run until C2 has compiled it, then timed. Only touched
 * when {@link VectorSupport} allows.
 */
final class GemmWarmUp {
    private static final int L = FloatVector.SPECIES_PREFERRED.length();

    private GemmWarmUp() {
    }

    /**
     * Runs the kernel's paths (full tiles, half tile, scalar tail; from bias and from C) until it is compiled,
     * then checks its speed: a compile that kept the vectors boxed (seen once in a test program, at 2.6 GMAC/s
     * instead of 55) would be far slower than the packed kernel, so the kernel is only used when it reaches
     * {@link VectorKernels#MIN_GMACS}; otherwise warm-up goes on a few more rounds, then gives up for this JVM.
     */
    static java.util.function.IntPredicate round() {
        int k = 8;
        int n = 2 * VectorKernels.NR + L + 3;
        float[] ap = new float[4 * k];
        float[] b = new float[k * n + n];
        float[] c = new float[4 * n];
        float[] bias = {1, 2, 3, 4};
        float[] ap8 = new float[8 * k];
        float[] c8 = new float[8 * n];
        float[] bias8 = {1, 2, 3, 4, 5, 6, 7, 8};
        float[][] rows = new float[k][];
        int[] offs = new int[k];
        for (int p = 0; p < k; p++) {
            rows[p] = b;
            offs[p] = p * n;
            ap[4 * p] = p;
        }
        int[] taps = {0, 1, 2, n, n + 1, n + 2, 2 * n, 2 * n + 1, 2 * n + 2};
        int sk = 128;
        int sn = 4 * VectorKernels.NR;
        float[] sa = new float[4 * sk];
        float[] sb = new float[sk * sn];
        float[] sc = new float[4 * sn];
        float[] sa8 = new float[8 * sk];
        float[] sc8 = new float[8 * sn];
        float[][] srows = new float[sk][];
        int[] soffs = new int[sk];
        for (int p = 0; p < sk; p++) {
            srows[p] = sb;
            soffs[p] = p * sn;
        }
        float[] acc = new float[n + L];
        float[] pk = new float[4 * VectorKernels.NR];
        // the wide 8-row tile's data: tiles of WIDE_TILE columns (b has room for k rows of them)
        int nw = 4 * VectorTile8.WIDE_TILE;
        float[] c8w = new float[8 * nw];
        float[] pkw = new float[2 * VectorTile8.WIDE_TILE];
        int snw = 4 * VectorTile8.WIDE_TILE;
        float[] sbw = new float[sk * snw];
        float[] sc8w = new float[8 * snw];
        // the channel tile's data (transposed A of k steps, B of 8 columns per step, sums, bias), at depth k and sk
        int chw = VectorChannelTile.CHANNELS;
        float[] cta = new float[sk * chw];
        float[] ctb = new float[sk * VectorChannelTile.COLUMNS];
        float[] ctt = new float[VectorChannelTile.COLUMNS * chw];
        float[] ctBias = new float[chw];
        int[] taps25 = new int[25];
        for (int t = 0; t < 25; t++) {
            taps25[t] = t / 5 * 7 + t % 5; // a 5 x 5 window over rows 7 apart (within b's 9 n floats)
        }
        return round -> {
            // every width from 1 to n (each tail path), every row count, from C and from a bias or none: C2 drops
            // the branches a warm-up never took, and a model taking one later deoptimized the kernel back to the
            // interpreter, where its vectors are boxed (a classifier's runs took 200 ms instead of 10 for seconds)
            for (int i = 0; i < 3_000; i++) {
                int w = 1 + i % n;
                boolean fromC = i % 2 == 0;
                float[] rb = i % 3 == 0 ? null : bias;
                VectorKernels.block(ap, 0, k, rows, offs, w, c, 0, n, 1 + (i / 2) % 4, rb, 0, fromC);
                VectorTile8.block8(ap8, 0, 4 * k, k, rows, offs, w, c8, 0, n, (i / 2) % 5, i % 3 == 0 ? null : bias8, 0,
                        fromC);
                VectorDepthwise.general(b, taps, i % 2, ap, 0, 1 + i % taps.length, 1 + i % (n - 3), fromC, 0.5f, acc);
                VectorDepthwise.nineTaps(b, taps, i % 2, ap, 0, 1 + i % (n - 3), fromC, 0.5f, acc);
                VectorDepthwise.twentyFiveTaps(b, taps25, i % 2, ap, 0, 1 + i % (n - 3), fromC, 0.5f, acc);
                VectorKernels.packedTile(ap, 0, k, b, 0, c, 0, n, 1 + (i / 2) % 4, rb, 0, fromC);
                VectorTile6.packedTile6x2(ap8, 0, k, b, 0, VectorKernels.NR, c8, 0, n, 1 + (i / 2) % 6,
                        i % 3 == 0 ? null : bias8, 0, fromC);
                VectorTile8.packedTile8x3(ap8, 0, 4 * k, k, b, 0, c8w, 0, nw, 1 + (i / 2) % 4, (i / 8) % 5,
                        i % 3 == 0 ? null : bias8, 0, fromC);
                VectorNarrowTiles.packedTile8x1(ap8, 0, 4 * k, k, b, 0, VectorTile8.WIDE_TILE, c8w, 0, nw,
                        1 + (i / 2) % 4, (i / 8) % 5, i % 3 == 0 ? null : bias8, 0, fromC);
                VectorNarrowTiles.packedTile8x2(ap8, 0, 4 * k, k, b, 0, VectorTile8.WIDE_TILE, c8w, 0, nw,
                        1 + (i / 2) % 4, (i / 8) % 5, i % 3 == 0 ? null : bias8, 0, fromC);
                VectorKernels.packRow(b, i % 3, 1 + i % (2 * VectorTile8.WIDE_TILE), pkw, 0, VectorTile8.WIDE_TILE, VectorTile8.WIDE_TILE);
                VectorKernels.packRow(b, i % 3, w, pk, 0, VectorKernels.NR);
                VectorChannelTile.tile(cta, 0, 1 + i % k, ctb, 0, ctt, 0, i % 2 == 0, ctBias);
                VectorChannelTile.column(cta, 0, 1 + i % k, ctb, ctt, ctBias);
                VectorDepthwiseChannels.exercise(i);
            }
            // speed on a problem without tails (k = 128, four full tiles): about 50 GMAC/s compiled, 2 boxed; and
            // the 8-row tile and the depthwise block likewise, each its own compiled code (a kernel still boxed
            // when the family is switched on made a model's runs 20 times slower until C2 got to it)
            // one call first: still boxed, the timing below would take seconds (most of a warm-up's time)
            long g0 = System.nanoTime();
            VectorKernels.block(sa, 0, sk, srows, soffs, sn, sc, 0, sn, 4, null, 0, false);
            if (4.0 * sk * sn / (System.nanoTime() - g0) < VectorKernels.MIN_GMACS / 2) {
                return false;
            }
            long best = Long.MAX_VALUE;
            long best8 = Long.MAX_VALUE;
            long bestDw = Long.MAX_VALUE;
            long bestPacked = Long.MAX_VALUE;
            long bestPacked8 = Long.MAX_VALUE;
            long bestChannel = Long.MAX_VALUE;
            long bestNarrow = Long.MAX_VALUE;
            long bestSix = Long.MAX_VALUE;
            for (int t = 0; t < 5; t++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < 50; i++) {
                    VectorKernels.block(sa, 0, sk, srows, soffs, sn, sc, 0, sn, 4, null, 0, false);
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < 25; i++) {
                    VectorTile8.block8(sa8, 0, 4 * sk, sk, srows, soffs, sn, sc8, 0, sn, 4, null, 0, false);
                }
                long t2 = System.nanoTime();
                for (int i = 0; i < 50; i++) {
                    VectorDepthwise.general(b, taps, 0, ap, 0, taps.length, n - 3, true, 0.5f, acc);
                }
                long t3 = System.nanoTime();
                for (int i = 0; i < 50; i++) {
                    for (int tt = 0; tt < 4; tt++) {
                        VectorKernels.packedTile(sa, 0, sk, sb, tt * sk * VectorKernels.NR, sc, tt * VectorKernels.NR, sn, 4, null, 0, false);
                    }
                }
                long t4 = System.nanoTime();
                for (int i = 0; i < 25; i++) {
                    for (int tt = 0; tt < 4; tt++) {
                        VectorTile8.packedTile8x3(sa8, 0, 4 * sk, sk, sbw, tt * sk * VectorTile8.WIDE_TILE, sc8w,
                                tt * VectorTile8.WIDE_TILE, snw, 4, 4, null, 0, false);
                    }
                }
                long t5 = System.nanoTime();
                for (int i = 0; i < 25; i++) {
                    for (int tt = 0; tt < 4; tt++) {
                        VectorNarrowTiles.packedTile8x2(sa8, 0, 4 * sk, sk, sbw, tt * sk * VectorTile8.WIDE_TILE,
                                VectorTile8.WIDE_TILE, sc8w, tt * VectorTile8.WIDE_TILE, snw, 4, 4, null, 0, false);
                        VectorNarrowTiles.packedTile8x1(sa8, 0, 4 * sk, sk, sbw, tt * sk * VectorTile8.WIDE_TILE,
                                VectorTile8.WIDE_TILE, sc8w, tt * VectorTile8.WIDE_TILE, snw, 4, 4, null, 0, false);
                    }
                }
                long t5n = System.nanoTime();
                for (int i = 0; i < 25; i++) {
                    VectorChannelTile.tile(cta, 0, sk, ctb, 0, ctt, 0, false, ctBias);
                }
                long t6 = System.nanoTime();
                for (int i = 0; i < 25; i++) {
                    for (int tt = 0; tt < 4; tt++) {
                        VectorTile6.packedTile6x2(sa8, 0, sk, sb, tt * sk * VectorKernels.NR,
                                VectorKernels.NR, sc8, tt * VectorKernels.NR, sn, 6, null, 0, false);
                    }
                }
                bestSix = Math.min(bestSix, System.nanoTime() - t6);
                bestChannel = Math.min(bestChannel, t6 - t5n);
                bestNarrow = Math.min(bestNarrow, t5n - t5);
                bestPacked = Math.min(bestPacked, t4 - t3);
                bestPacked8 = Math.min(bestPacked8, t5 - t4);
                best = Math.min(best, t1 - t0);
                best8 = Math.min(best8, t2 - t1);
                bestDw = Math.min(bestDw, t3 - t2);
            }
            if (!VectorDepthwise.judgeUnrolled(b, taps, taps25, ap, n - 3, acc, round)
                    || !VectorDepthwiseChannels.judge(round)) {
                return false;
            }
            return 50.0 * 4 * sk * sn / best >= VectorKernels.MIN_GMACS && 25.0 * 8 * sk * sn / best8 >= VectorKernels.MIN_GMACS
                    && 50.0 * 4 * sk * sn / bestPacked >= VectorKernels.MIN_GMACS && 25.0 * 8 * sk * snw / bestPacked8 >= VectorKernels.MIN_GMACS
                    && 25.0 * 8 * sk * snw / bestNarrow >= VectorKernels.MIN_GMACS
                    && 25.0 * 6 * sk * sn / bestSix >= VectorKernels.MIN_GMACS
                    && 25.0 * VectorChannelTile.COLUMNS * chw * sk / bestChannel >= VectorKernels.MIN_GMACS
                    && 50.0 * taps.length * (n - 3) / bestDw >= VectorKernels.MIN_GMACS / 5;
        };
    }
}
