package qsh.core.exec.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels of {@link DepthwisePlanes}: one block of output rows of one channel, the taps read in place
 * from the phase-split plane and the sum kept in a register; nine- and 25-tap kernels (3 x 3, 5 x 5) unrolled over
 * their taps. Warmed up with the GEMM kernels ({@link VectorKernels#WARM_UP}); only touched when
 * {@link VectorSupport} allows.
 */
final class VectorDepthwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /**
     * Whether nine- and 25-tap kernels take {@link #nineTaps} and {@link #twentyFiveTaps} (the default), for one-JVM
     * A/B benchmarks. 5 x 5, alternated in one JVM: 672 x 10 x 10 0.67x the time, 240 x 20 x 20 0.79x, 144 x 40 x 40
     * stride 2 0.78x, 1152 x 5 x 5 1.04x (set-up bound).
     */
    static volatile boolean unrolled = true;
    /** Whether the warm-up found the nine- and 25-tap kernels compiled as fast as {@link #general} (see there). */
    private static volatile boolean nineCompiled = true;
    private static volatile boolean twentyFiveCompiled = true;

    /*
     * BIAS_OR_MINUS_ZERO: the kernels add the bias, or -0 without one, to every sum instead of branching on
     * addBias in the loop. x + (-0) is x for every float (-0 + -0 is -0, NaN stays NaN), so the bits are those of
     * adding nothing; and with the branch, once a model had taken both ways, C2 merged the two vectors in a phi and
     * gave up the store intrinsic: on AVX-512 the 25-tap kernel then ran boxed, 40 of EfficientNet-B0's 42 ms.
     */

    private VectorDepthwise() {
    }

    /**
     * Sets whether the unrolled kernels are used (the warm-up's verdict, {@link #judgeUnrolled}; tests set both so
     * that they check those kernels whatever the warm-up measured).
     */
    static void compiled(boolean nine, boolean twentyFive) {
        nineCompiled = nine;
        twentyFiveCompiled = twentyFive;
    }

    /**
     * Part of the GEMM warm-up's round {@code round} (from 1): times the nine- and 25-tap kernels against
     * {@link #general} on the same taps (x, w and acc as in {@link #general}, len outputs; taps9 and taps25 tap
     * offsets), best of 5 x 50 calls each. An unrolled kernel is used only when within 1.5x of the general one: on
     * AVX-512, a 25-tap kernel C2 compiled late (after a warm-up that left it to C1) lost its store intrinsic in 3 of
     * 4 runs and ran boxed, 10 times slower (EfficientNet-B0 40 ms instead of 7). Returns false (try another round)
     * while one is slower in the first 3 rounds, which gives C2 time; then records the verdict and returns true.
     */
    static boolean judgeUnrolled(float[] x, int[] taps9, int[] taps25, float[] w, int len, float[] acc, int round) {
        long general9 = Long.MAX_VALUE;
        long nine = Long.MAX_VALUE;
        long general25 = Long.MAX_VALUE;
        long twentyFive = Long.MAX_VALUE;
        for (int t = 0; t < 5; t++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                general(x, taps9, 0, w, 0, 9, len, true, 0.5f, acc);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                nineTaps(x, taps9, 0, w, 0, len, true, 0.5f, acc);
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                general(x, taps25, 0, w, 0, 25, len, true, 0.5f, acc);
            }
            long t3 = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                twentyFiveTaps(x, taps25, 0, w, 0, len, true, 0.5f, acc);
            }
            long t4 = System.nanoTime();
            general9 = Math.min(general9, t1 - t0);
            nine = Math.min(nine, t2 - t1);
            general25 = Math.min(general25, t3 - t2);
            twentyFive = Math.min(twentyFive, t4 - t3);
        }
        boolean nineOk = nine <= 1.5 * general9;
        boolean twentyFiveOk = twentyFive <= 1.5 * general25;
        if ((!nineOk || !twentyFiveOk) && round < 4) {
            return false;
        }
        compiled(nineOk, twentyFiveOk);
        return true;
    }

    /** One block by the kernel for its tap count (see {@link #general}). */
    static void block(float[] xq, int[] tapOff, int shift, float[] w, int wc, int taps, int len, boolean addBias,
                      float bias, float[] acc) {
        if (taps == 9 && unrolled && nineCompiled) {
            nineTaps(xq, tapOff, shift, w, wc, len, addBias, bias, acc);
        } else if (taps == 25 && unrolled && twentyFiveCompiled) {
            twentyFiveTaps(xq, tapOff, shift, w, wc, len, addBias, bias, acc);
        } else {
            general(xq, tapOff, shift, w, wc, taps, len, addBias, bias, acc);
        }
    }

    /**
     * One block of a depthwise convolution over a phase-split plane ({@link DepthwisePlanes}): acc[j] = sum over
     * taps t in order of w[wc + t] * xq[tapOff[t] + shift + j], from zero, then + bias when {@code addBias}, for
     * j &lt; len (lanes up to the next multiple of the vector length are computed too: xq and acc must have a
     * vector's room past them). Each step is a float multiply then a float add, as in the plain kernel (no fused multiply-add),
     * so the results are the same bits; here the taps are read in place and the sum stays in a register.
     */
    static void general(float[] xq, int[] tapOff, int shift, float[] w, int wc, int taps, int len, boolean addBias,
                          float bias, float[] acc) {
        int j = 0;
        float b = addBias ? bias : -0f; // x + -0 is x, bit for bit (see BIAS_OR_MINUS_ZERO)
        // whole vectors up to len rounded up: the caller's arrays have room for a vector past len (up to 64
        // floats), and the extra lanes' results are not used
        int end = len + L - 1;
        for (; j + L <= end; j += L) {
            FloatVector a = FloatVector.zero(S);
            for (int t = 0; t < taps; t++) {
                a = a.add(FloatVector.fromArray(S, xq, tapOff[t] + shift + j).mul(w[wc + t]));
            }
            a.add(b).intoArray(acc, j);
        }
    }

    /**
     * {@link #general} for nine taps (a 3 x 3 kernel): the nine weights are broadcast once per block and the nine
     * tap offsets held in locals, so a vector of outputs costs nine loads, multiplies and adds instead of also
     * reading a weight and an offset per tap (MobileNetV2's 3 x 3 layers ran at 1.5-3.5 GMAC/s). Same operations
     * in the same order, so the same bits.
     */
    static void nineTaps(float[] xq, int[] tapOff, int shift, float[] w, int wc, int len, boolean addBias,
                             float bias, float[] acc) {
        FloatVector w0 = bc(w[wc]);
        FloatVector w1 = bc(w[wc + 1]);
        FloatVector w2 = bc(w[wc + 2]);
        FloatVector w3 = bc(w[wc + 3]);
        FloatVector w4 = bc(w[wc + 4]);
        FloatVector w5 = bc(w[wc + 5]);
        FloatVector w6 = bc(w[wc + 6]);
        FloatVector w7 = bc(w[wc + 7]);
        FloatVector w8 = bc(w[wc + 8]);
        int o0 = tapOff[0] + shift;
        int o1 = tapOff[1] + shift;
        int o2 = tapOff[2] + shift;
        int o3 = tapOff[3] + shift;
        int o4 = tapOff[4] + shift;
        int o5 = tapOff[5] + shift;
        int o6 = tapOff[6] + shift;
        int o7 = tapOff[7] + shift;
        int o8 = tapOff[8] + shift;
        FloatVector b = bc(addBias ? bias : -0f); // BIAS_OR_MINUS_ZERO
        int end = len + L - 1;
        for (int j = 0; j + L <= end; j += L) {
            FloatVector a = FloatVector.zero(S).add(FloatVector.fromArray(S, xq, o0 + j).mul(w0));
            a = a.add(FloatVector.fromArray(S, xq, o1 + j).mul(w1));
            a = a.add(FloatVector.fromArray(S, xq, o2 + j).mul(w2));
            a = a.add(FloatVector.fromArray(S, xq, o3 + j).mul(w3));
            a = a.add(FloatVector.fromArray(S, xq, o4 + j).mul(w4));
            a = a.add(FloatVector.fromArray(S, xq, o5 + j).mul(w5));
            a = a.add(FloatVector.fromArray(S, xq, o6 + j).mul(w6));
            a = a.add(FloatVector.fromArray(S, xq, o7 + j).mul(w7));
            a = a.add(FloatVector.fromArray(S, xq, o8 + j).mul(w8));
            a.add(b).intoArray(acc, j);
        }
    }

    /**
     * {@link #general} for 25 taps (a 5 x 5 kernel), unrolled like {@link #nineTaps}: weights as scalars read
     * once per block (C2 keeps what fits in registers and spills the rest to the stack, still cheaper than indexing
     * two arrays per tap), tap offsets per kernel row. Same operations in the same order, so the same bits.
     */
    static void twentyFiveTaps(float[] xq, int[] tapOff, int shift, float[] w, int wc, int len, boolean addBias,
                             float bias, float[] acc) {
        float w0 = w[wc + 0];
        float w1 = w[wc + 1];
        float w2 = w[wc + 2];
        float w3 = w[wc + 3];
        float w4 = w[wc + 4];
        float w5 = w[wc + 5];
        float w6 = w[wc + 6];
        float w7 = w[wc + 7];
        float w8 = w[wc + 8];
        float w9 = w[wc + 9];
        float w10 = w[wc + 10];
        float w11 = w[wc + 11];
        float w12 = w[wc + 12];
        float w13 = w[wc + 13];
        float w14 = w[wc + 14];
        float w15 = w[wc + 15];
        float w16 = w[wc + 16];
        float w17 = w[wc + 17];
        float w18 = w[wc + 18];
        float w19 = w[wc + 19];
        float w20 = w[wc + 20];
        float w21 = w[wc + 21];
        float w22 = w[wc + 22];
        float w23 = w[wc + 23];
        float w24 = w[wc + 24];
        int o0 = tapOff[0] + shift;
        int o1 = tapOff[1] + shift;
        int o2 = tapOff[2] + shift;
        int o3 = tapOff[3] + shift;
        int o4 = tapOff[4] + shift;
        int o5 = tapOff[5] + shift;
        int o6 = tapOff[6] + shift;
        int o7 = tapOff[7] + shift;
        int o8 = tapOff[8] + shift;
        int o9 = tapOff[9] + shift;
        int o10 = tapOff[10] + shift;
        int o11 = tapOff[11] + shift;
        int o12 = tapOff[12] + shift;
        int o13 = tapOff[13] + shift;
        int o14 = tapOff[14] + shift;
        int o15 = tapOff[15] + shift;
        int o16 = tapOff[16] + shift;
        int o17 = tapOff[17] + shift;
        int o18 = tapOff[18] + shift;
        int o19 = tapOff[19] + shift;
        int o20 = tapOff[20] + shift;
        int o21 = tapOff[21] + shift;
        int o22 = tapOff[22] + shift;
        int o23 = tapOff[23] + shift;
        int o24 = tapOff[24] + shift;
        FloatVector b = bc(addBias ? bias : -0f); // BIAS_OR_MINUS_ZERO
        int end = len + L - 1;
        for (int j = 0; j + L <= end; j += L) {
            FloatVector a = FloatVector.zero(S).add(FloatVector.fromArray(S, xq, o0 + j).mul(w0));
            a = a.add(FloatVector.fromArray(S, xq, o1 + j).mul(w1));
            a = a.add(FloatVector.fromArray(S, xq, o2 + j).mul(w2));
            a = a.add(FloatVector.fromArray(S, xq, o3 + j).mul(w3));
            a = a.add(FloatVector.fromArray(S, xq, o4 + j).mul(w4));
            a = a.add(FloatVector.fromArray(S, xq, o5 + j).mul(w5));
            a = a.add(FloatVector.fromArray(S, xq, o6 + j).mul(w6));
            a = a.add(FloatVector.fromArray(S, xq, o7 + j).mul(w7));
            a = a.add(FloatVector.fromArray(S, xq, o8 + j).mul(w8));
            a = a.add(FloatVector.fromArray(S, xq, o9 + j).mul(w9));
            a = a.add(FloatVector.fromArray(S, xq, o10 + j).mul(w10));
            a = a.add(FloatVector.fromArray(S, xq, o11 + j).mul(w11));
            a = a.add(FloatVector.fromArray(S, xq, o12 + j).mul(w12));
            a = a.add(FloatVector.fromArray(S, xq, o13 + j).mul(w13));
            a = a.add(FloatVector.fromArray(S, xq, o14 + j).mul(w14));
            a = a.add(FloatVector.fromArray(S, xq, o15 + j).mul(w15));
            a = a.add(FloatVector.fromArray(S, xq, o16 + j).mul(w16));
            a = a.add(FloatVector.fromArray(S, xq, o17 + j).mul(w17));
            a = a.add(FloatVector.fromArray(S, xq, o18 + j).mul(w18));
            a = a.add(FloatVector.fromArray(S, xq, o19 + j).mul(w19));
            a = a.add(FloatVector.fromArray(S, xq, o20 + j).mul(w20));
            a = a.add(FloatVector.fromArray(S, xq, o21 + j).mul(w21));
            a = a.add(FloatVector.fromArray(S, xq, o22 + j).mul(w22));
            a = a.add(FloatVector.fromArray(S, xq, o23 + j).mul(w23));
            a = a.add(FloatVector.fromArray(S, xq, o24 + j).mul(w24));
            a.add(b).intoArray(acc, j);
        }
    }

    private static FloatVector bc(float v) {
        return FloatVector.broadcast(S, v);
    }
}
