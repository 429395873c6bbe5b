package qsh.core.exec.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel of {@link DepthwiseChannels}: output positions of one block of channels, each a vector of
 * {@link #LANES} channels summed over the kernel's taps. Four positions at a time: a position's sum is a chain of
 * dependent adds (one per tap), so four independent chains keep the adder busy; only touched when
 * {@link VectorSupport} allows.
 */
final class VectorDepthwiseChannels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Channels per vector. */
    static final int LANES = S.length();
    private static final int L = LANES;

    private VectorDepthwiseChannels() {
    }

    /**
     * sums[p L + l] = (0 + sum over taps t in order of xq[posOff[p] + tapOff[t] + l] * wv[wo + t L + l]) + bias[bo + l] for
     * positions p &lt; positions, lanes l &lt; L: per tap a float multiply then a float add (no fused multiply-add), as
     * {@link VectorDepthwise#general} computes each output.
     */
    static void sums(float[] xq, int[] posOff, int positions, int[] tapOff, int taps, float[] wv, int wo, float[] bias,
                     int bo, float[] sums) {
        FloatVector b = FloatVector.fromArray(S, bias, bo);
        int p = 0;
        for (; p + 4 <= positions; p += 4) {
            int o0 = posOff[p];
            int o1 = posOff[p + 1];
            int o2 = posOff[p + 2];
            int o3 = posOff[p + 3];
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int t = 0; t < taps; t++) {
                FloatVector wt = FloatVector.fromArray(S, wv, wo + t * L);
                int to = tapOff[t];
                a0 = a0.add(FloatVector.fromArray(S, xq, o0 + to).mul(wt));
                a1 = a1.add(FloatVector.fromArray(S, xq, o1 + to).mul(wt));
                a2 = a2.add(FloatVector.fromArray(S, xq, o2 + to).mul(wt));
                a3 = a3.add(FloatVector.fromArray(S, xq, o3 + to).mul(wt));
            }
            a0.add(b).intoArray(sums, p * L);
            a1.add(b).intoArray(sums, (p + 1) * L);
            a2.add(b).intoArray(sums, (p + 2) * L);
            a3.add(b).intoArray(sums, (p + 3) * L);
        }
        for (; p < positions; p++) {
            int o = posOff[p];
            FloatVector a = FloatVector.zero(S);
            for (int t = 0; t < taps; t++) {
                a = a.add(FloatVector.fromArray(S, xq, o + tapOff[t]).mul(FloatVector.fromArray(S, wv, wo + t * L)));
            }
            a.add(b).intoArray(sums, p * L);
        }
    }

    /**
     * One input row of a whole block of channels into the layout: xq[dst + ix L + l] = x[src + l plane + ix] for
     * ix &lt; width, l &lt; L; {@code lanes} is {l plane}. A gather per position with AVX-512 (0.17 ns per float
     * compiled, against 1 ns for the scalar transposing copy on 56 x 56 planes), else channel by channel, as
     * {@link #scatterPlanes} (the same speed as AVX2's gathers within noise, and nothing left for C2 to box: with
     * the vector gather this machine's warm-up judged the kernels slow in most JVMs).
     */
    static void gatherRow(float[] x, int src, int width, int[] lanes, float[] xq, int dst) {
        if (!gathersAndScatters) {
            for (int l = 0; l < L; l++) {
                int xl = src + lanes[l];
                for (int ix = 0; ix < width; ix++) {
                    xq[dst + ix * L + l] = x[xl + ix];
                }
            }
            return;
        }
        for (int ix = 0; ix < width; ix++) {
            FloatVector.fromArray(S, x, src + ix, lanes, 0).intoArray(xq, dst + ix * L);
        }
    }

    /**
     * A whole block's sums back to its output planes: y[yc + l positions + p] = sums[p L + l] for p &lt; positions,
     * l &lt; L; {@code lanes} is {l positions}. A scatter per position with AVX-512, else plane by plane
     * ({@link #gathersAndScatters}): alternated in one JVM on a Zen 3 EPYC, depthwise layers on 5 x 5 to 14 x 14 outputs
     * took 0.58-0.73 of the time with the plain copy.
     */
    static void scatterPlanes(float[] sums, int positions, float[] y, int yc, int[] lanes) {
        if (!gathersAndScatters) {
            for (int l = 0; l < L; l++) {
                int yl = yc + lanes[l];
                for (int p = 0; p < positions; p++) {
                    y[yl + p] = sums[p * L + l];
                }
            }
            return;
        }
        for (int p = 0; p < positions; p++) {
            FloatVector.fromArray(S, sums, p * L).intoArray(y, yc + p, lanes, 0);
        }
    }

    /**
     * Whether {@link #scatterPlanes} and {@link #gatherRow} move vectors by scatters and gathers (AVX-512 has the
     * instructions) or copy plane by plane (AVX2 has no scatter: C2 leaves a vector scatter to Java code lane by lane,
     * 20-40 ns a float).
     */
    static volatile boolean gathersAndScatters = L >= 16;

    /** Sets {@link #gathersAndScatters}, for one-JVM A/B benchmarks and tests (a copy either way). */
    static void gathersAndScatters(boolean on) {
        gathersAndScatters = on;
    }

    /** The warm-up's data: a block of 6 x 6 planes, padded to 8 x 8, and its 3 x 3 and 5 x 5 taps. */
    private static final class WarmUpData {
        static final int SIDE = 8;
        final float[] x = new float[L * 36 + 8];
        final float[] xq = new float[SIDE * SIDE * L];
        final float[] y = new float[L * 36];
        final float[] sums = new float[36 * L];
        final float[] wv = new float[25 * L];
        final float[] bias = new float[L];
        final int[] posOff = new int[36];
        final int[] taps9 = new int[9];
        final int[] taps25 = new int[25];
        final int[] inLanes = new int[L];
        final int[] outLanes = new int[L];

        WarmUpData() {
            for (int p = 0; p < 36; p++) {
                posOff[p] = (p / 6 * SIDE + p % 6) * L / 2; // windows of 3 x 3 (and 5 x 5 on half of them) inside
            }
            for (int t = 0; t < 25; t++) {
                taps25[t] = (t / 5 * SIDE + t % 5) * L / 2;
                if (t < 9) {
                    taps9[t] = (t / 3 * SIDE + t % 3) * L;
                }
            }
            for (int l = 0; l < L; l++) {
                inLanes[l] = l * 36;
                outLanes[l] = l * 36;
            }
            java.util.Arrays.fill(wv, 0.5f);
        }
    }

    private static final class Holder {
        static final WarmUpData DATA = new WarmUpData();
    }

    /**
     * Step i of the GEMM warm-up ({@link VectorKernels#WARM_UP}): every path of {@link #sums} (whole groups of four
     * and single positions, 9 and 25 taps and others), {@link #gatherRow} and {@link #scatterPlanes}, so that C2
     * compiles them before a model runs (a gather left to the interpreter costs 20-40 ns per float, against 0.17).
     */
    static void exercise(int i) {
        WarmUpData d = Holder.DATA;
        int taps = i % 3 == 0 ? 9 : i % 3 == 1 ? 25 : 1 + i % 9;
        int positions = 1 + i % (taps == 25 ? 18 : 36);
        sums(d.xq, d.posOff, positions, taps == 25 ? d.taps25 : d.taps9, taps, d.wv, 0, d.bias, 0, d.sums);
        gatherRow(d.x, i % 8, 1 + i % 6, d.inLanes, d.xq, 0);
        scatterPlanes(d.sums, 1 + i % 36, d.y, 0, d.outLanes);
    }

    /** The warm-up's verdict ({@link #judge}): whether {@link DepthwiseChannels} may use these kernels. */
    private static volatile boolean compiled = true;

    /** Sets the verdict (tests set it so that they check these kernels whatever the warm-up measured). */
    static void compiled(boolean verdict) {
        compiled = verdict;
    }

    /** Whether the warm-up found these kernels compiled (see {@link #judge}). */
    static boolean compiled() {
        return compiled;
    }

    /**
     * Part of the GEMM warm-up's round {@code round} (from 1), like {@link VectorDepthwise#judgeUnrolled}: whether the
     * kernels run compiled, i.e. the best of 5 x 50 calls of a 36-position, nine-tap block (gather, sums, scatter)
     * within 80 ns per position (about 9 compiled with AVX-512's gathers and scatters, 20-35 with AVX2's plain copies on
     * a loaded Zen 3 host, where 40 failed some JVMs' verdicts; boxed, a vector gather alone takes 20-40 ns per float
     * and the sums' nine taps several hundred ns a position). Returns false (try another round) while slow in the
     * first 3 rounds; then records the verdict and returns true.
     */
    static boolean judge(int round) {
        boolean fast = fast();
        if (!fast && round < 4) {
            return false;
        }
        compiled = fast;
        return true;
    }

    private static boolean fast() {
        WarmUpData d = Holder.DATA;
        long best = Long.MAX_VALUE;
        for (int t = 0; t < 5; t++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                gatherRow(d.x, 0, 36, d.inLanes, d.xq, 0);
                sums(d.xq, d.posOff, 18, d.taps9, 9, d.wv, 0, d.bias, 0, d.sums);
                scatterPlanes(d.sums, 36, d.y, 0, d.outLanes);
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        return best <= 50 * 36 * 80;
    }
}
