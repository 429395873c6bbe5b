package qsh.core.exec.kernels;

import java.util.Arrays;

/**
 * The matrix-vector product of {@link Sgemm} (one row of A: a classifier head's Gemm, a MatMul of one row):
 * c = alpha a op(B) + beta c, streaming B once in the order it is stored, the output columns split between the
 * cores. The general kernel packs op(B) into panels and computes a 4-row tile of which three rows are zero; a
 * transposed B (the usual Gemm weight, one output per stored row) it gathered column by column.
 *
 * <p>Same bits as the kernel it replaces: each output is one chain of fused multiply-adds fma(alpha a_p, B_pj,
 * acc) over p = 0, 1, ... from 0, as in both of Sgemm's kernels; only where Sgemm takes the packed kernel (beta
 * not 0, or the Vector API kernel not ready), beta c joins the chain after the first {@link Sgemm#KC} steps
 * ({@code beta * c + acc}, two roundings) and the depth padded to a multiple of 4 adds fma(0, 0, acc) = acc + 0
 * at the end of its panel (which turns -0 into +0). B stored (k x n): four of its rows at a time are added into
 * a row of sums ({@link RowKernels#axpy4}, vectorized over the columns). B transposed (n x k): eight outputs
 * at a time, eight independent chains reading eight stored rows, in scalar code (vectorizing along a row
 * would change the order of the sums); still several times below the time to stream B from memory.
 */
final class Gemv {
    /** Outputs computed side by side from a transposed B. */
    private static final int ROWS = 8;

    /** Per-thread scratch: alpha a, one chunk's sums, eight sums. */
    private static final class Scratch {
        float[] a = new float[0];
        float[] acc = new float[0];
        final float[] s = new float[ROWS];
        /** A last panel's partial outputs ({@link #multiplyPanels}). */
        final float[] panel = new float[GemmWeightPanels.WIDTH];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Gemv() {
    }

    /**
     * c[cOff + j] (j &lt; n) = alpha sum over p &lt; k of a[aOff + p aStep] op(B)[p][j] + beta c[cOff + j], where
     * op(B)[p][j] is b[bOff + p ldb + j], or b[bOff + j ldb + p] when transB; k &gt; 0.
     */
    static void multiply(int n, int k, float alpha, float[] a, int aOff, int aStep, float[] b, int bOff, int ldb,
                         boolean transB, float beta, float[] c, int cOff) {
        float[] ap = alphaA(k, alpha, a, aOff, aStep);
        Order o = order(k, beta);
        // on both cores from a 256 KB B (the minimum is 4 x this in multiply-adds): streaming B from memory is the
        // cost, and one core alone reads at about half the rate (ResNet-18's 512 -> 1000 head, below the GEMM's
        // minimum of 1 << 17, ran on one: 0.41 -> 0.23 ms a run in situ)
        Parallel.forRange(n, (long) n * k, 1 << 14, (j0, j1) -> {
            if (transB) {
                dots(k, ap, b, bOff, ldb, c, cOff, j0, j1, o);
            } else {
                axpys(k, ap, b, bOff, ldb, c, cOff, j0, j1, o);
            }
        });
    }

    /**
     * {@link #multiply} for a B held as {@link GemmWeightPanels} (op(B) k x n, panels of {@link VectorGemv#COLUMNS}
     * columns, zero past n): each panel's outputs in registers by {@link VectorGemv#panel}, the panels split between
     * the cores, so each core streams one contiguous range of B. The same chains as {@link #multiply}, so the same
     * bits. Only when {@link VectorSupport#ready()}; k &gt; 0.
     */
    static void multiplyPanels(int n, int k, float alpha, float[] a, int aOff, int aStep, float[] panels, float beta,
                               float[] c, int cOff) {
        float[] ap = alphaA(k, alpha, a, aOff, aStep);
        Order o = order(k, beta);
        int w = GemmWeightPanels.WIDTH; // VectorGemv.COLUMNS where the Vector API is enabled
        int count = (n + w - 1) / w;
        Parallel.forRange(count, (long) n * k, 1 << 14, (t0, t1) -> {
            float[] tmp = SCRATCH.get().panel;
            for (int t = t0; t < t1; t++) {
                VectorGemv.panel(k, ap, panels, t * k * w, o.first, o.padded && o.padFirst, o.beta,
                        o.padded && !o.padFirst, c, cOff + t * w, Math.min(w, n - t * w), tmp);
            }
        });
    }

    /** alpha a in the calling thread's scratch, as Sgemm packs A. */
    private static float[] alphaA(int k, float alpha, float[] a, int aOff, int aStep) {
        Scratch s = SCRATCH.get();
        if (s.a.length < k) {
            s.a = new float[k];
        }
        float[] ap = s.a;
        for (int p = 0; p < k; p++) {
            ap[p] = alpha * a[aOff + p * aStep]; // as Sgemm packs A
        }
        return ap;
    }

    /** The packed kernel's order (see the class comment) wherever Sgemm would have used it. */
    private static Order order(int k, float beta) {
        boolean packedOrder = beta != 0f || !VectorSupport.ready();
        return new Order(Math.min(Sgemm.KC, k), packedOrder && (k & 3) != 0,
                packedOrder && ((k + 3) & ~3) <= Sgemm.KC, beta);
    }

    /**
     * Where the chain is interrupted: after {@code first} steps beta c is added when beta is not 0 (after the
     * padding's + 0 when {@code padFirst}); at the end + 0 when {@code padded} and not {@code padFirst}.
     */
    private record Order(int first, boolean padded, boolean padFirst, float beta) {
    }

    /** Columns [j0, j1) of a stored B: four rows at a time into the chunk's sums. */
    private static void axpys(int k, float[] ap, float[] b, int bOff, int ldb, float[] c, int cOff, int j0, int j1,
                              Order o) {
        int len = j1 - j0;
        Scratch s = SCRATCH.get();
        if (s.acc.length < len) {
            s.acc = new float[len];
        }
        float[] acc = s.acc;
        Arrays.fill(acc, 0, len, 0f);
        axpyRange(ap, b, bOff + j0, ldb, acc, len, 0, o.first);
        if (o.padded && o.padFirst) {
            plusZero(acc, len);
        }
        if (o.beta != 0f) {
            for (int j = 0; j < len; j++) {
                acc[j] = o.beta * c[cOff + j0 + j] + acc[j];
            }
        }
        axpyRange(ap, b, bOff + j0, ldb, acc, len, o.first, k);
        if (o.padded && !o.padFirst) {
            plusZero(acc, len);
        }
        System.arraycopy(acc, 0, c, cOff + j0, len);
    }

    /** acc[j] = fma(ap[p], b[bo + p ldb + j], acc[j]) for p in [p0, p1) in order, j &lt; len. */
    private static void axpyRange(float[] ap, float[] b, int bo, int ldb, float[] acc, int len, int p0, int p1) {
        for (int p = p0; p < p1; p += 4) {
            int rows = Math.min(4, p1 - p);
            RowKernels.axpy4(b, bo + p * ldb, ldb, rows, acc, 0, ap[p], rows > 1 ? ap[p + 1] : 0f,
                    rows > 2 ? ap[p + 2] : 0f, rows > 3 ? ap[p + 3] : 0f, len);
        }
    }

    private static void plusZero(float[] acc, int len) {
        for (int j = 0; j < len; j++) {
            acc[j] += 0f;
        }
    }

    /** Outputs [j0, j1) of a transposed B: each the dot product of alpha a with stored row j. */
    private static void dots(int k, float[] ap, float[] b, int bOff, int ldb, float[] c, int cOff, int j0, int j1,
                             Order o) {
        float[] s = SCRATCH.get().s;
        int j = j0;
        for (; j < j1; j += ROWS) {
            int rows = Math.min(ROWS, j1 - j);
            Arrays.fill(s, 0f);
            int base = bOff + j * ldb;
            if (rows == ROWS) {
                dot8(ap, b, base, ldb, 0, o.first, s);
            } else {
                dot1(ap, b, base, ldb, rows, 0, o.first, s);
            }
            for (int r = 0; r < rows; r++) {
                if (o.padded && o.padFirst) {
                    s[r] += 0f;
                }
                if (o.beta != 0f) {
                    s[r] = o.beta * c[cOff + j + r] + s[r];
                }
            }
            if (rows == ROWS) {
                dot8(ap, b, base, ldb, o.first, k, s);
            } else {
                dot1(ap, b, base, ldb, rows, o.first, k, s);
            }
            for (int r = 0; r < rows; r++) {
                c[cOff + j + r] = o.padded && !o.padFirst ? s[r] + 0f : s[r];
            }
        }
    }

    /** s[r] = fma(ap[p], b[base + r ldb + p], s[r]) for p in [p0, p1), r &lt; 8: eight chains side by side. */
    private static void dot8(float[] ap, float[] b, int base, int ldb, int p0, int p1, float[] s) {
        float s0 = s[0];
        float s1 = s[1];
        float s2 = s[2];
        float s3 = s[3];
        float s4 = s[4];
        float s5 = s[5];
        float s6 = s[6];
        float s7 = s[7];
        int o0 = base;
        int o1 = o0 + ldb;
        int o2 = o1 + ldb;
        int o3 = o2 + ldb;
        int o4 = o3 + ldb;
        int o5 = o4 + ldb;
        int o6 = o5 + ldb;
        int o7 = o6 + ldb;
        for (int p = p0; p < p1; p++) {
            float a = ap[p];
            s0 = Math.fma(a, b[o0 + p], s0);
            s1 = Math.fma(a, b[o1 + p], s1);
            s2 = Math.fma(a, b[o2 + p], s2);
            s3 = Math.fma(a, b[o3 + p], s3);
            s4 = Math.fma(a, b[o4 + p], s4);
            s5 = Math.fma(a, b[o5 + p], s5);
            s6 = Math.fma(a, b[o6 + p], s6);
            s7 = Math.fma(a, b[o7 + p], s7);
        }
        s[0] = s0;
        s[1] = s1;
        s[2] = s2;
        s[3] = s3;
        s[4] = s4;
        s[5] = s5;
        s[6] = s6;
        s[7] = s7;
    }

    /** {@link #dot8} for the first {@code rows} rows, one at a time. */
    private static void dot1(float[] ap, float[] b, int base, int ldb, int rows, int p0, int p1, float[] s) {
        for (int r = 0; r < rows; r++) {
            float acc = s[r];
            int o = base + r * ldb;
            for (int p = p0; p < p1; p++) {
                acc = Math.fma(ap[p], b[o + p], acc);
            }
            s[r] = acc;
        }
    }
}
