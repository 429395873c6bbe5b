package qsh.core.exec.kernels;

/**
 * Row kernels of pooling and the matrix-vector product: the Vector API forms ({@link VectorRows}) when they are
 * ready, the plain loops for the rest of a row and otherwise. Both give the same bits: max is {@code Math.max}
 * (exact, so any order gives the same value) and each output's fused multiply-adds run in the same order.
 */
final class RowKernels {
    private RowKernels() {
    }

    /** Whether the Vector API forms may be used now. */
    static boolean vector() {
        return VectorSupport.ready() && VectorRows.WARM_UP.ready();
    }

    private static volatile boolean evensByVectors = true;

    /** Whether {@link #evens} uses {@link VectorRows#evens} when ready (the default), for one-JVM A/B runs and tests. */
    static void evensByVectors(boolean on) {
        evensByVectors = on;
    }

    /** dst[d + j] = x[src + 2 j] for j &lt; n (a copy, so both forms give the same values). */
    static void evens(float[] x, int src, float[] dst, int d, int n) {
        int j = evensByVectors && vector() && VectorRows.evensReady() ? VectorRows.evens(x, src, dst, d, n) : 0;
        evensPlain(x, src, dst, d, j, n);
    }

    /** {@link #evens} for j in [from, n), in plain Java. */
    static void evensPlain(float[] x, int src, float[] dst, int d, int from, int n) {
        for (int j = from; j < n; j++) {
            dst[d + j] = x[src + 2 * j];
        }
    }

    /** v[vo + i] = the largest of x[offs[r] + i] over r &lt; rows (rows &ge; 1), i &lt; n. */
    static void columnMax(float[] x, int[] offs, int rows, float[] v, int vo, int n) {
        int i = vector() ? VectorRows.columnMax(x, offs, rows, v, vo, n) : 0;
        columnMaxPlain(x, offs, rows, v, vo, i, n);
    }

    /** {@link #columnMax} for i in [from, n), in plain Java. */
    static void columnMaxPlain(float[] x, int[] offs, int rows, float[] v, int vo, int from, int n) {
        int o0 = offs[0];
        for (int i = from; i < n; i++) {
            v[vo + i] = x[o0 + i];
        }
        for (int r = 1; r < rows; r++) {
            int o = offs[r];
            for (int i = from; i < n; i++) {
                v[vo + i] = Math.max(v[vo + i], x[o + i]);
            }
        }
    }

    /** out[oo + i] = the largest of v[i + t d] over taps t &lt; k, i &lt; n (v holds n + (k - 1) d elements). */
    static void windowMax(float[] v, int n, int k, int d, float[] out, int oo) {
        int i = vector() ? VectorRows.windowMax(v, n, k, d, out, oo) : 0;
        windowMaxPlain(v, i, n, k, d, out, oo);
    }

    /** {@link #windowMax} for i in [from, n), in plain Java. */
    static void windowMaxPlain(float[] v, int from, int n, int k, int d, float[] out, int oo) {
        for (int i = from; i < n; i++) {
            out[oo + i] = v[i];
        }
        for (int t = 1; t < k; t++) {
            int o = t * d;
            for (int i = from; i < n; i++) {
                out[oo + i] = Math.max(out[oo + i], v[i + o]);
            }
        }
    }

    /**
     * acc[ao + j] = fma(a_r, B[r][j], acc[ao + j]) for r = 0 .. rows - 1 in order (rows 1 to 4, row r of B at
     * bo + r ldb), j &lt; n.
     */
    static void axpy4(float[] b, int bo, int ldb, int rows, float[] acc, int ao, float a0, float a1, float a2,
                      float a3, int n) {
        int j = vector() ? VectorRows.axpy4(b, bo, ldb, rows, acc, ao, a0, a1, a2, a3, n) : 0;
        axpy4Plain(b, bo, ldb, rows, acc, ao, a0, a1, a2, a3, j, n);
    }

    /** {@link #axpy4} for j in [from, n), in plain Java. */
    static void axpy4Plain(float[] b, int bo, int ldb, int rows, float[] acc, int ao, float a0, float a1, float a2,
                           float a3, int from, int n) {
        if (rows == 4) {
            int r1 = bo + ldb;
            int r2 = r1 + ldb;
            int r3 = r2 + ldb;
            for (int j = from; j < n; j++) {
                acc[ao + j] = Math.fma(a3, b[r3 + j], Math.fma(a2, b[r2 + j],
                        Math.fma(a1, b[r1 + j], Math.fma(a0, b[bo + j], acc[ao + j]))));
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            float a = r == 0 ? a0 : r == 1 ? a1 : a2;
            int ro = bo + r * ldb;
            for (int j = from; j < n; j++) {
                acc[ao + j] = Math.fma(a, b[ro + j], acc[ao + j]);
            }
        }
    }

    /**
     * out[oo + t] = (float) (sum / count), sum = 0 + the taps x[offs[r] + start + t s + i] (rows r &lt; rows
     * outer, taps i &lt; k inner) added in that order in double, t &lt; n: the inside windows of an output row of
     * AveragePool (dilation 1). Plain Java only: the Vector API of JDK 17 converted floats to double lanes far
     * slower than these loops (measured 2 to 4 times slower on the 3 x 3 case).
     */
    static void windowAverage(float[] x, int[] offs, int rows, int k, int start, int s, int n, double count,
                              float[] out, int oo) {
        // one expression per window, the stride a constant in each loop (C2 removes the bounds checks of indices
        // t * constant + invariant only), so the loop unrolls and the outputs' addition chains overlap
        if (k == 3 && rows == 3) {
            int q0 = offs[0] + start;
            int q1 = offs[1] + start;
            int q2 = offs[2] + start;
            if (s == 1) {
                for (int t = 0; t < n; t++) {
                    out[oo + t] = (float) (sum3x3(x, q0 + t, q1 + t, q2 + t) / count);
                }
            } else if (s == 2) {
                for (int t = 0; t < n; t++) {
                    out[oo + t] = (float) (sum3x3(x, q0 + 2 * t, q1 + 2 * t, q2 + 2 * t) / count);
                }
            } else {
                for (int t = 0; t < n; t++) {
                    out[oo + t] = (float) (sum3x3(x, q0 + s * t, q1 + s * t, q2 + s * t) / count);
                }
            }
        } else if (k == 2 && rows == 2) {
            // a 2 x 2 window's count is 4 unless a dilation is counted: then the sum times 0.25, which is the quotient
            // exactly (a power of two scales a double exactly: the sums of floats are at least 2^-149 or 0, far from
            // double's subnormals; NaN and infinities pass alike), without a division per output: 4.3 -> 1.5 ns per
            // output at stride 2
            boolean quarter = count == 4.0;
            int q0 = offs[0] + start;
            int q1 = offs[1] + start;
            if (s == 1) {
                for (int t = 0; t < n; t++) {
                    double sum = sum2x2(x, q0 + t, q1 + t);
                    out[oo + t] = (float) (quarter ? sum * 0.25 : sum / count);
                }
            } else if (s == 2) {
                for (int t = 0; t < n; t++) {
                    double sum = sum2x2(x, q0 + 2 * t, q1 + 2 * t);
                    out[oo + t] = (float) (quarter ? sum * 0.25 : sum / count);
                }
            } else {
                for (int t = 0; t < n; t++) {
                    double sum = sum2x2(x, q0 + s * t, q1 + s * t);
                    out[oo + t] = (float) (quarter ? sum * 0.25 : sum / count);
                }
            }
        } else if (k == 3) {
            for (int t = 0; t < n; t++) {
                int o = start + t * s;
                double sum = 0;
                for (int r = 0; r < rows; r++) {
                    int q = offs[r] + o;
                    sum = sum + x[q] + x[q + 1] + x[q + 2];
                }
                out[oo + t] = (float) (sum / count);
            }
        } else if (k == 2) {
            for (int t = 0; t < n; t++) {
                int o = start + t * s;
                double sum = 0;
                for (int r = 0; r < rows; r++) {
                    int q = offs[r] + o;
                    sum = sum + x[q] + x[q + 1];
                }
                out[oo + t] = (float) (sum / count);
            }
        } else {
            for (int t = 0; t < n; t++) {
                int o = start + t * s;
                double sum = 0;
                for (int r = 0; r < rows; r++) {
                    int q = offs[r] + o;
                    for (int i = 0; i < k; i++) {
                        sum += x[q + i];
                    }
                }
                out[oo + t] = (float) (sum / count);
            }
        }
    }

    /** 0 + the 3 x 3 taps from rows at a, b, c, row by row, left to right, in double. */
    private static double sum3x3(float[] x, int a, int b, int c) {
        return 0.0 + x[a] + x[a + 1] + x[a + 2] + x[b] + x[b + 1] + x[b + 2] + x[c] + x[c + 1] + x[c + 2];
    }

    /** 0 + the 2 x 2 taps from rows at a, b, row by row, left to right, in double. */
    private static double sum2x2(float[] x, int a, int b) {
        return 0.0 + x[a] + x[a + 1] + x[b] + x[b + 1];
    }
}
