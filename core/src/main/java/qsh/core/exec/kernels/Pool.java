package qsh.core.exec.kernels;

import qsh.core.tensor.Tensor;

/** ONNX MaxPool / AveragePool / GlobalAveragePool / GlobalMaxPool for 1-D, 2-D and 3-D spatial inputs (3-D: {@link Pool3d}). */
public final class Pool {
    private Pool() {
    }

    /** MaxPool; padded positions never win (they are -infinity per ONNX). */
    public static Tensor maxPool(Tensor x, int[] kernel, int[] strides, int[] pads, int[] dilations, boolean ceilMode) {
        return pool(x, kernel, strides, pads, dilations, ceilMode, true, false);
    }

    /** AveragePool; countIncludePad counts padding (but not ceil_mode overhang) in the divisor, as ONNX does. */
    public static Tensor averagePool(Tensor x, int[] kernel, int[] strides, int[] pads, boolean countIncludePad,
                                     boolean ceilMode) {
        return pool(x, kernel, strides, pads, null, ceilMode, false, countIncludePad);
    }

    /** Mean over all spatial positions, output N,C,1,... */
    public static Tensor globalAveragePool(Tensor x) {
        return global(x, false);
    }

    /** Max over all spatial positions, output N,C,1,... */
    public static Tensor globalMaxPool(Tensor x) {
        return global(x, true);
    }

    private static Tensor global(Tensor x, boolean max) {
        if (x.rank() < 3) {
            throw new IllegalArgumentException("global pooling needs N,C,spatial..., got " + x.shapeString());
        }
        int planes = x.dim(0) * x.dim(1);
        int size = x.size() / Math.max(1, planes);
        float[] xd = x.data();
        float[] y = Buffers.floats(planes);
        Parallel.forRange(planes, (long) planes * size, 1 << 16, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                y[p] = max ? planeMax(xd, p * size, size) : (float) (planeSum(xd, p * size, size) / size);
            }
        });
        int[] shape = new int[x.rank()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = x.dim(0);
        shape[1] = x.dim(1);
        return Tensor.of(shape, y);
    }

    /**
     * The sum of x[from, from + n) in double, in four interleaved partial sums (element i goes to sum i mod 4,
     * added up as (s0 + s1) + (s2 + s3)): one chain of dependent double additions ran at one element per
     * addition latency (0.4 ms for the detector's 96 x 80 x 80 input); four chains overlap. The double sum's
     * rounding differs from one chain's only in its last bits, far below the float mean's precision.
     */
    static double planeSum(float[] x, int from, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        int end = from + n;
        for (; i + 3 < end; i += 4) {
            s0 += x[i];
            s1 += x[i + 1];
            s2 += x[i + 2];
            s3 += x[i + 3];
        }
        for (; i < end; i++) {
            s0 += x[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * How many of the taps 0, d, 2d, ... (k taps) lie before {@code limit} (a window starting at 0): the first
     * valid tap of a window starting at x0 is tapsBefore(-x0, ...), the end of the valid ones tapsBefore(size - x0, ...).
     */
    static int tapsBefore(int limit, int d, int k) {
        if (limit <= 0) {
            return 0;
        }
        return Math.min(k, (limit + d - 1) / d);
    }

    /** The largest of x[from, from + n) (NaN if any is NaN, as Math.max), -infinity when n is 0. */
    static float planeMax(float[] x, int from, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = from; i < from + n; i++) {
            m = Math.max(m, x[i]);
        }
        return m;
    }

    private static Tensor pool(Tensor x, int[] kernel, int[] strides, int[] pads, int[] dilations, boolean ceilMode,
                               boolean max, boolean countIncludePad) {
        int r = x.rank() - 2;
        if (r == 3 && kernel.length == 3) {
            return Pool3d.pool(x, kernel, strides, pads, dilations, ceilMode, max, countIncludePad);
        }
        if ((r != 1 && r != 2) || kernel.length != r) {
            throw new IllegalArgumentException("pooling supports 1-D/2-D/3-D spatial inputs with one kernel size per axis,"
                    + " got X " + x.shapeString() + " kernel " + java.util.Arrays.toString(kernel));
        }
        int[] p = pads == null ? new int[2 * r] : pads;
        int n = x.dim(0);
        int c = x.dim(1);
        int h = r == 2 ? x.dim(2) : 1;
        int w = x.dim(x.rank() - 1);
        int kh = r == 2 ? kernel[0] : 1;
        int kw = kernel[r - 1];
        int sh = r == 2 ? ConvGeometry.at(strides, 0) : 1;
        int sw = ConvGeometry.at(strides, r - 1);
        int dh = r == 2 ? ConvGeometry.at(dilations, 0) : 1;
        int dw = ConvGeometry.at(dilations, r - 1);
        int pt = r == 2 ? p[0] : 0;
        int pb = r == 2 ? p[2] : 0;
        int pl = p[r - 1];
        int pr = p[2 * r - 1];
        int[] o = ConvGeometry.outputSize(new int[] {h, w}, new int[] {kh, kw}, new int[] {sh, sw},
                new int[] {pt, pl, pb, pr}, new int[] {dh, dw}, ceilMode);
        int oh = o[0];
        int ow = o[1];
        float[] xd = x.data();
        float[] y = Buffers.floats(Math.toIntExact(Tensor.checkedSize(new int[] {n, c, oh, ow})));
        // each output column's window range [kxLo, kxHi) of taps inside the input, computed once
        int[] kxLo = new int[ow];
        int[] kxHi = new int[ow];
        for (int ox = 0; ox < ow; ox++) {
            int x0 = ox * sw - pl;
            kxLo[ox] = tapsBefore(-x0, dw, kw);
            kxHi[ox] = tapsBefore(w - x0, dw, kw);
        }
        boolean quad = kh == 2 && kw == 2 && dh == 1 && dw == 1;
        // about 4 units of work per window element (compare or add, index, loop)
        Parallel.forRange(n * c, 4L * y.length * kh * kw, 1 << 16, (p0, p1) -> {
            for (int plane = p0; plane < p1; plane++) {
                int xb = plane * h * w;
                int yb = plane * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    int y0 = oy * sh - pt;
                    int kyLo = tapsBefore(-y0, dh, kh);
                    int kyHi = tapsBefore(h - y0, dh, kh);
                    for (int ox = 0; ox < ow; ox++) {
                        int x0 = ox * sw - pl;
                        int lo = kxLo[ox];
                        int hi = kxHi[ox];
                        if (max && quad && lo == 0 && hi == 2 && kyLo == 0 && kyHi == 2) {
                            // the common 2 x 2 window inside the input; max is exact in any order
                            int row = xb + y0 * w + x0;
                            y[yb + oy * ow + ox] = Math.max(Math.max(xd[row], xd[row + 1]),
                                    Math.max(xd[row + w], xd[row + w + 1]));
                            continue;
                        }
                        if (max) {
                            float best = Float.NEGATIVE_INFINITY;
                            for (int ky = kyLo; ky < kyHi; ky++) {
                                int row = xb + (y0 + ky * dh) * w + x0;
                                for (int kx = lo; kx < hi; kx++) {
                                    best = Math.max(best, xd[row + kx * dw]);
                                }
                            }
                            y[yb + oy * ow + ox] = best;
                            continue;
                        }
                        double sum = 0;
                        for (int ky = kyLo; ky < kyHi; ky++) {
                            int row = xb + (y0 + ky * dh) * w + x0;
                            for (int kx = lo; kx < hi; kx++) {
                                sum += xd[row + kx * dw];
                            }
                        }
                        int count = Math.max(0, kyHi - kyLo) * Math.max(0, hi - lo);
                        if (countIncludePad) {
                            // window clipped to the padded extent [-pad_begin, in + pad_end)
                            int hy = Math.min(y0 + (kh - 1) * dh + 1, h + pb) - Math.max(y0, -pt);
                            int hx = Math.min(x0 + (kw - 1) * dw + 1, w + pr) - Math.max(x0, -pl);
                            count = hy * hx;
                        }
                        y[yb + oy * ow + ox] = count == 0 ? 0f : (float) (sum / count);
                    }
                }
            }
        });
        int[] shape = r == 2 ? new int[] {n, c, oh, ow} : new int[] {n, c, ow};
        return Tensor.of(shape, y);
    }
}
