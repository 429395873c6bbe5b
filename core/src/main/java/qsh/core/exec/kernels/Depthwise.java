package qsh.core.exec.kernels;

/** Direct depthwise 2-D convolution (group == C, channel multiplier mult): each output plane reads one input plane. */
final class Depthwise {
    private Depthwise() {
    }

    /** Writes y[n][c*mult][oh][ow] (bias not added); parallel over output planes, allocation-free. */
    static void run(float[] x, float[] w, float[] y, int n, int c, int h, int wd, int mult, int kh, int kw,
                    int oh, int ow, int sh, int sw, int pt, int pl, int dh, int dw) {
        int m = c * mult;
        Parallel.forRange(n * m, (p0, p1) -> {
            for (int plane = p0; plane < p1; plane++) {
                int b = plane / m;
                int oc = plane % m;
                int ic = oc / mult;
                int xc = (b * c + ic) * h * wd;
                int yc = plane * oh * ow;
                int wc = oc * kh * kw;
                for (int oy = 0; oy < oh; oy++) {
                    int yr = yc + oy * ow;
                    for (int ky = 0; ky < kh; ky++) {
                        int iy = oy * sh - pt + ky * dh;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int xr = xc + iy * wd;
                        for (int kx = 0; kx < kw; kx++) {
                            float wv = w[wc + ky * kw + kx];
                            int dx = kx * dw - pl;
                            int lo = dx >= 0 ? 0 : (-dx + sw - 1) / sw;
                            int hi = wd - 1 - dx < 0 ? 0 : Math.min(ow, (wd - 1 - dx) / sw + 1);
                            int xs = xr + dx;
                            if (sw == 1) {
                                for (int ox = lo; ox < hi; ox++) {
                                    y[yr + ox] += wv * x[xs + ox];
                                }
                            } else {
                                for (int ox = lo; ox < hi; ox++) {
                                    y[yr + ox] += wv * x[xs + ox * sw];
                                }
                            }
                        }
                    }
                }
            }
        });
    }
}
