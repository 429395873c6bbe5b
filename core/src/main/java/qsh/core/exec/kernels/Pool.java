package qsh.core.exec.kernels;

import qsh.core.tensor.Tensor;

/** ONNX MaxPool / AveragePool / GlobalAveragePool / GlobalMaxPool for 1-D and 2-D spatial NCHW inputs. */
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
        for (int p = 0; p < planes; p++) {
            if (max) {
                float m = Float.NEGATIVE_INFINITY;
                for (int i = 0; i < size; i++) {
                    m = Math.max(m, xd[p * size + i]);
                }
                y[p] = m;
            } else {
                double s = 0; // double sum: spatial planes can be large
                for (int i = 0; i < size; i++) {
                    s += xd[p * size + i];
                }
                y[p] = (float) (s / size);
            }
        }
        int[] shape = new int[x.rank()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = x.dim(0);
        shape[1] = x.dim(1);
        return Tensor.of(shape, y);
    }

    private static Tensor pool(Tensor x, int[] kernel, int[] strides, int[] pads, int[] dilations, boolean ceilMode,
                               boolean max, boolean countIncludePad) {
        int r = x.rank() - 2;
        if ((r != 1 && r != 2) || kernel.length != r) {
            throw new IllegalArgumentException("pooling supports 1-D/2-D spatial inputs with one kernel size per axis,"
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
        Parallel.forRange(n * c, (long) y.length * kh * kw, 1 << 16, (p0, p1) -> {
            for (int plane = p0; plane < p1; plane++) {
                int xb = plane * h * w;
                int yb = plane * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    int y0 = oy * sh - pt;
                    for (int ox = 0; ox < ow; ox++) {
                        int x0 = ox * sw - pl;
                        float best = Float.NEGATIVE_INFINITY;
                        double sum = 0;
                        int count = 0;
                        for (int ky = 0; ky < kh; ky++) {
                            int iy = y0 + ky * dh;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            for (int kx = 0; kx < kw; kx++) {
                                int ix = x0 + kx * dw;
                                if (ix < 0 || ix >= w) {
                                    continue;
                                }
                                float v = xd[xb + iy * w + ix];
                                best = Math.max(best, v);
                                sum += v;
                                count++;
                            }
                        }
                        if (max) {
                            y[yb + oy * ow + ox] = best;
                        } else {
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
            }
        });
        int[] shape = r == 2 ? new int[] {n, c, oh, ow} : new int[] {n, c, ow};
        return Tensor.of(shape, y);
    }
}
