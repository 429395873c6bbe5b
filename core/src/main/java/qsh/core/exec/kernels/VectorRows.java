package qsh.core.exec.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API forms of the row kernels behind pooling ({@link PoolPlanes}) and the matrix-vector product
 * ({@link Gemv}): the largest of a few rows, the largest over a sliding window of one row, and four rows of B
 * added into a row of C (fused multiply-adds in order). Each lane does what the plain loops in {@link RowKernels}
 * do to that element ({@code FloatVector.max} is {@code Math.max} lane-wise, {@code fma} is {@code Math.fma}),
 * so both give the same bits; the last {@code n mod L} elements are left to the plain loops, except in the 3-row and
 * 3-tap maxima, which end with one more vector ending at n (overlapping the last: a maximum rewrites the same
 * values, and the output never aliases the input).
 *
 * <p>Only used once its {@link #WARM_UP} is ready ({@link KernelWarmUp}): before C2 compiles them, Vector API methods run boxed, far slower than the
 * plain loops, so a background thread (started when the class is first touched) runs every kernel until it is
 * compiled and checks that the vector forms beat the plain loops. The class must only be touched when the module
 * is present ({@link VectorSupport} checks).
 */
final class VectorRows {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int H = L / 2;
    /**
     * A vector's even lanes to its low half (its odd lanes to its high half); with {@link #EVENS_HIGH} on the next
     * vector and a blend by {@link #HIGH}, the even elements of two vectors in one ({@link #evens}, and the stride-2
     * sums of {@link VectorDepthwiseRows}).
     */
    static final VectorShuffle<Float> EVENS_LOW = VectorShuffle.fromOp(S, i -> i < H ? 2 * i : 2 * (i - H) + 1);
    /** A vector's even lanes to its high half (its odd lanes to its low half). */
    static final VectorShuffle<Float> EVENS_HIGH =
            VectorShuffle.fromOp(S, i -> i < H ? 2 * i + 1 : 2 * (i - H));
    /** The high half of a vector's lanes. */
    static final VectorMask<Float> HIGH = VectorMask.fromLong(S, ((1L << L) - 1) & ~((1L << H) - 1));
    /**
     * The most a compiled kernel may take per element in a warm-up's timing (boxed or interpreted they take 7-25 ns
     * on 4096 elements; compiled about 0.2 with AVX-512): without it a round in which the plain loop was not yet
     * compiled either passed the vector form while it was still boxed.
     */
    private static final double MOST_NANOS_PER_ELEMENT = 2.5;
    private static volatile boolean evensReady;
    /** The warm-up's timing of {@link #evens} alone, for its rounds after the family's (made with the round's data). */
    private static volatile java.util.function.IntPredicate evensRound;

    /**
     * The warm-up deciding whether these kernels are used (started when the class is first touched); {@link #evens}
     * has its own verdict ({@link #evensReady}), taken in the same rounds and, if it is not taken by the time the
     * others are judged, in rounds of its own after them. Why apart: on a Zen 4 EPYC (AVX-512) C2 left evens (a
     * rearrange) boxed for 40-56 of the 60 rounds in 8 JVMs of 8, and tied to it the whole family (MaxPool's rows,
     * the matrix-vector product) was given up in 5 of 19 JMH forks of one zoo run.
     */
    static final KernelWarmUp WARM_UP = KernelWarmUp.start("row kernels", VectorRows::warmUpRound,
            () -> {
                java.util.function.IntPredicate round = evensRound;
                for (int r = 1; round != null && r <= KernelWarmUp.ROUNDS && !evensReady; r++) {
                    round.test(r);
                }
            });

    private VectorRows() {
    }

    /** Whether {@link #evens} beat its plain loop once compiled (its own verdict; the family's is {@link #WARM_UP}). */
    static boolean evensReady() {
        return evensReady;
    }

    /** Uses {@link #evens} whatever speed its warm-up measured (for tests of its results). */
    static void useEvensRegardlessOfSpeed() {
        evensReady = true;
    }

    /**
     * A round runs every kernel until compiled, then compares the window max with the plain loop's speed (the
     * family's verdict) and {@link #evens} with its own (its verdict, kept once passed).
     */
    private static java.util.function.IntPredicate warmUpRound() {
        int n = 4 * L + 3;
        float[] x = new float[5 * n + 8];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i * 37 % 101) - 50;
        }
        float[] v = new float[n + 8];
        float[] c = new float[n];
        int[] offs = {0, n, 2 * n, 3 * n, 4 * n};
        double[] sumRows = new double[42];
        double[] counts = new double[40];
        java.util.Arrays.fill(counts, 9.0);
        double[] sums = new double[40];
        float[] big = new float[4096 + 2];
        float[] out = new float[4096];
        for (int i = 0; i < big.length; i++) {
            big[i] = (i * 37 % 101) - 50;
        }
        evensRound = round -> {
            for (int i = 0; i < 2_000; i++) {
                evens(x, i % 3, c, 0, (1 + i % n) / 2);
            }
            return judgeEvens(big, out);
        };
        return round -> {
            // every length, row count and window (see VectorKernels' warm-up: a branch never taken here would
            // send the kernel back to the interpreter when a model takes it)
            for (int i = 0; i < 2_000; i++) {
                VectorAverage3x3.sum(sumRows, sumRows, sumRows, counts, sums, i % 40);
                int w = 1 + i % n;
                columnMax(x, offs, 1 + i % 5, v, i % 2, w);
                windowMax(v, w, 1 + i % 4, 1 + (i / 4) % 2, c, 0);
                axpy4(x, 0, n, 1 + i % 4, c, 0, 0.5f, -0.25f, 0.125f, 2f, w);
                evens(x, i % 3, c, 0, w / 2);
            }
            long vector = Long.MAX_VALUE;
            long scalar = Long.MAX_VALUE;
            for (int t = 0; t < 5; t++) {
                long t0 = System.nanoTime();
                windowMax(big, 4096, 3, 1, out, 0);
                long t1 = System.nanoTime();
                RowKernels.windowMaxPlain(big, 0, 4096, 3, 1, out, 0);
                long t2 = System.nanoTime();
                vector = Math.min(vector, t1 - t0);
                scalar = Math.min(scalar, t2 - t1);
            }
            judgeEvens(big, out);
            return vector < scalar && vector < MOST_NANOS_PER_ELEMENT * 4096;
        };
    }

    /** Times {@link #evens} against its plain loop on 2048 elements; sets {@link #evensReady} when it wins. */
    private static boolean judgeEvens(float[] big, float[] out) {
        long vector = Long.MAX_VALUE;
        long scalar = Long.MAX_VALUE;
        for (int t = 0; t < 5; t++) {
            long t0 = System.nanoTime();
            evens(big, 1, out, 0, 2048);
            long t1 = System.nanoTime();
            RowKernels.evensPlain(big, 1, out, 0, 0, 2048);
            long t2 = System.nanoTime();
            vector = Math.min(vector, t1 - t0);
            scalar = Math.min(scalar, t2 - t1);
        }
        if (vector < scalar && vector < MOST_NANOS_PER_ELEMENT * 2048) {
            evensReady = true;
        }
        return evensReady;
    }

    /**
     * dst[d + j] = x[src + 2 j] (every other element: a stride-2 convolution input's column phase) for j in whole
     * vectors below n, while the two vectors each reads stay inside x; returns where it stopped (the plain loop does
     * the rest). Two loads, two permutes and a blend per vector: 2-2.5 times the scalar loop's speed on 56- to
     * 112-wide rows (JDK 17 checks a shuffle's indexes on every rearrange, or it would be more).
     */
    static int evens(float[] x, int src, float[] dst, int d, int n) {
        int j = 0;
        for (; j + L <= n && src + 2 * j + 2 * L <= x.length; j += L) {
            FloatVector a = FloatVector.fromArray(S, x, src + 2 * j);
            FloatVector b = FloatVector.fromArray(S, x, src + 2 * j + L);
            a.rearrange(EVENS_LOW).blend(b.rearrange(EVENS_HIGH), HIGH).intoArray(dst, d + j);
        }
        return j;
    }

    /**
     * v[vo + i] = the largest of x[offs[r] + i] over r &lt; rows (rows &ge; 1), for i in whole vectors below n;
     * returns where the vectors stopped (the plain loop does the rest).
     */
    static int columnMax(float[] x, int[] offs, int rows, float[] v, int vo, int n) {
        int i = 0;
        int o0 = offs[0];
        if (rows == 3) { // the 3 x 3 windows: no inner loop
            int o1 = offs[1];
            int o2 = offs[2];
            for (; ; i += L) {
                if (i + L > n) {
                    if (i == n || n < L) {
                        return i;
                    }
                    i = n - L; // the last vector again, overlapping: the same values rewritten
                }
                FloatVector.fromArray(S, x, o0 + i).max(FloatVector.fromArray(S, x, o1 + i))
                        .max(FloatVector.fromArray(S, x, o2 + i)).intoArray(v, vo + i);
                if (i + L == n) {
                    return n;
                }
            }
        }
        for (; i + L <= n; i += L) {
            FloatVector m = FloatVector.fromArray(S, x, o0 + i);
            for (int r = 1; r < rows; r++) {
                m = m.max(FloatVector.fromArray(S, x, offs[r] + i));
            }
            m.intoArray(v, vo + i);
        }
        return i;
    }

    /**
     * out[oo + i] = the largest of v[i + t d] over taps t &lt; k, for i in whole vectors below n (v must hold
     * n + (k - 1) d elements); returns where the vectors stopped.
     */
    static int windowMax(float[] v, int n, int k, int d, float[] out, int oo) {
        int i = 0;
        if (k == 3 && d == 1) {
            for (; ; i += L) {
                if (i + L > n) {
                    if (i == n || n < L) {
                        return i;
                    }
                    i = n - L; // the last vector again, overlapping: the same values rewritten
                }
                FloatVector.fromArray(S, v, i).max(FloatVector.fromArray(S, v, i + 1))
                        .max(FloatVector.fromArray(S, v, i + 2)).intoArray(out, oo + i);
                if (i + L == n) {
                    return n;
                }
            }
        }
        for (; i + L <= n; i += L) {
            FloatVector m = FloatVector.fromArray(S, v, i);
            for (int t = 1; t < k; t++) {
                m = m.max(FloatVector.fromArray(S, v, i + t * d));
            }
            m.intoArray(out, oo + i);
        }
        return i;
    }

    /**
     * acc[ao + j] = fma(a3, b3[j], fma(a2, b2[j], fma(a1, b1[j], fma(a0, b0[j], acc[ao + j])))) for the first
     * {@code rows} (1 to 4) of the rows of B at bo, bo + ldb, ..., element j at bo + r ldb + j, j in whole vectors
     * below n; returns where the vectors stopped.
     */
    static int axpy4(float[] b, int bo, int ldb, int rows, float[] acc, int ao, float a0, float a1, float a2, float a3,
                     int n) {
        int j = 0;
        if (rows == 4) {
            FloatVector v0 = FloatVector.broadcast(S, a0);
            FloatVector v1 = FloatVector.broadcast(S, a1);
            FloatVector v2 = FloatVector.broadcast(S, a2);
            FloatVector v3 = FloatVector.broadcast(S, a3);
            int r1 = bo + ldb;
            int r2 = r1 + ldb;
            int r3 = r2 + ldb;
            for (; j + L <= n; j += L) {
                FloatVector c = FloatVector.fromArray(S, acc, ao + j);
                c = v0.fma(FloatVector.fromArray(S, b, bo + j), c);
                c = v1.fma(FloatVector.fromArray(S, b, r1 + j), c);
                c = v2.fma(FloatVector.fromArray(S, b, r2 + j), c);
                c = v3.fma(FloatVector.fromArray(S, b, r3 + j), c);
                c.intoArray(acc, ao + j);
            }
            return j;
        }
        // fewer rows (the last of the depth): one row at a time over the vectors, the same sequence per element
        for (int r = 0; r < rows; r++) {
            FloatVector a = FloatVector.broadcast(S, r == 0 ? a0 : r == 1 ? a1 : a2);
            int ro = bo + r * ldb;
            for (j = 0; j + L <= n; j += L) {
                a.fma(FloatVector.fromArray(S, b, ro + j), FloatVector.fromArray(S, acc, ao + j)).intoArray(acc, ao + j);
            }
        }
        return j;
    }
}
