package qsh.core.exec.kernels;

/**
 * Direct depthwise 2-D convolution (group == C, channel multiplier mult): each output plane reads one input
 * plane. Per input row and kernel column kx the kernel keeps a shifted (and strided, zero-padded) copy of the
 * row that lines up with the output columns, in a ring of the rows the window spans; every output row is then
 * a sum of {@code acc[j] += w * shifted[j]} loops, which C2 vectorizes (the direct form, reading x and writing
 * y at different offsets, ran scalar). Summation order is ky, then kx, as in the direct loop.
 */
final class Depthwise {
    private Depthwise() {
    }

    /** Writes y[n][c*mult][oh][ow] = ep(conv + bias[oc]) (bias nullable); parallel over output planes. */
    static void run(float[] x, float[] w, float[] bias, Epilogue ep, float[] y, int n, int c, int h, int wd, int mult, int kh,
                    int kw, int oh, int ow, int sh, int sw, int pt, int pl, int dh, int dw) {
        int m = c * mult;
        int span = (kh - 1) * dh + 1; // input rows one output row's window covers: distinct mod span
        Parallel.forRange(n * m, (long) n * m * oh * ow * kh * kw, 1 << 16, (p0, p1) -> {
            float[][][] ring = new float[span][kw][ow];
            int[] loaded = new int[span];
            float[] acc = new float[ow];
            for (int plane = p0; plane < p1; plane++) {
                int b = plane / m;
                int oc = plane % m;
                int xc = (b * c + oc / mult) * h * wd;
                int yc = plane * oh * ow;
                int wc = oc * kh * kw;
                java.util.Arrays.fill(loaded, -1);
                for (int oy = 0; oy < oh; oy++) {
                    java.util.Arrays.fill(acc, 0f);
                    for (int ky = 0; ky < kh; ky++) {
                        int iy = oy * sh - pt + ky * dh;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int slot = iy % span;
                        float[][] rows = ring[slot];
                        if (loaded[slot] != iy) {
                            shift(x, xc + iy * wd, wd, kw, ow, sw, pl, dw, rows);
                            loaded[slot] = iy;
                        }
                        for (int kx = 0; kx < kw; kx++) {
                            float wv = w[wc + ky * kw + kx];
                            float[] s = rows[kx];
                            for (int ox = 0; ox < ow; ox++) {
                                acc[ox] += wv * s[ox];
                            }
                        }
                    }
                    int yr = yc + oy * ow;
                    if (bias != null) {
                        float bv = bias[oc];
                        for (int ox = 0; ox < ow; ox++) {
                            acc[ox] += bv;
                        }
                    }
                    System.arraycopy(acc, 0, y, yr, ow);
                }
                if (!ep.isNone()) {
                    ep.apply(y, yc, yc + oh * ow, oc); // the whole plane: one long loop per stage
                }
            }
        });
    }

    /** rows[kx][ox] = x[xr + ox * sw + kx * dw - pl], zero outside [0, wd). */
    private static void shift(float[] x, int xr, int wd, int kw, int ow, int sw, int pl, int dw, float[][] rows) {
        for (int kx = 0; kx < kw; kx++) {
            float[] s = rows[kx];
            int dx = kx * dw - pl;
            int lo = dx >= 0 ? 0 : (-dx + sw - 1) / sw;
            int hi = wd - 1 - dx < 0 ? 0 : Math.min(ow, (wd - 1 - dx) / sw + 1);
            lo = Math.min(lo, hi);
            java.util.Arrays.fill(s, 0, lo, 0f);
            if (sw == 1) {
                if (hi > lo) { // the window may miss the row entirely (the source index is then out of range)
                    System.arraycopy(x, xr + dx + lo, s, lo, hi - lo);
                }
            } else {
                for (int ox = lo; ox < hi; ox++) {
                    s[ox] = x[xr + dx + ox * sw];
                }
            }
            java.util.Arrays.fill(s, hi, ow, 0f);
        }
    }
}
