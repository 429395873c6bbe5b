package qsh.core.exec.kernels;

import qsh.core.shape.ConvGeometry;
import qsh.core.tensor.Tensor;

/**
 * MaxPool / AveragePool over 3-D spatial N x C x D x H x W inputs (the ONNX operator docs' window rules, as
 * {@link Pool} applies them in 1-D and 2-D): a window's taps outside the input are skipped; MaxPool's padding
 * never wins, AveragePool divides by the taps inside the input, or with count_include_pad by the taps inside
 * the padded extent (ceil_mode overhang is never counted).
 */
final class Pool3d {
    private Pool3d() {
    }

    static Tensor pool(Tensor x, int[] kernel, int[] strides, int[] pads, int[] dilations, boolean ceilMode,
                       boolean max, boolean countIncludePad) {
        int n = x.dim(0);
        int c = x.dim(1);
        int[] in = {x.dim(2), x.dim(3), x.dim(4)};
        int[] p = pads == null ? new int[6] : pads;
        int[] s = {ConvGeometry.at(strides, 0), ConvGeometry.at(strides, 1), ConvGeometry.at(strides, 2)};
        int[] dl = {ConvGeometry.at(dilations, 0), ConvGeometry.at(dilations, 1), ConvGeometry.at(dilations, 2)};
        int[] o = ConvGeometry.outputSize(in, kernel, s, p, dl, ceilMode);
        int d = in[0];
        int h = in[1];
        int w = in[2];
        int kd = kernel[0];
        int kh = kernel[1];
        int kw = kernel[2];
        int od = o[0];
        int oh = o[1];
        int ow = o[2];
        int[] shape = {n, c, od, oh, ow};
        float[] xd = x.data();
        float[] y = Buffers.floats(Math.toIntExact(Tensor.checkedSize(shape)));
        int outPlane = od * oh * ow;
        // about 4 units of work per window element (compare or add, index, loop)
        Parallel.forRange(n * c, 4L * y.length * kd * kh * kw, 1 << 16, (p0, p1) -> {
            for (int plane = p0; plane < p1; plane++) {
                int xb = plane * d * h * w;
                int yi = plane * outPlane;
                for (int oz = 0; oz < od; oz++) {
                    int z0 = oz * s[0] - p[0];
                    int kzLo = Pool.tapsBefore(-z0, dl[0], kd);
                    int kzHi = Pool.tapsBefore(d - z0, dl[0], kd);
                    for (int oy = 0; oy < oh; oy++) {
                        int y0 = oy * s[1] - p[1];
                        int kyLo = Pool.tapsBefore(-y0, dl[1], kh);
                        int kyHi = Pool.tapsBefore(h - y0, dl[1], kh);
                        for (int ox = 0; ox < ow; ox++) {
                            int x0 = ox * s[2] - p[2];
                            int kxLo = Pool.tapsBefore(-x0, dl[2], kw);
                            int kxHi = Pool.tapsBefore(w - x0, dl[2], kw);
                            float best = Float.NEGATIVE_INFINITY;
                            double sum = 0;
                            for (int kz = kzLo; kz < kzHi; kz++) {
                                for (int ky = kyLo; ky < kyHi; ky++) {
                                    int row = xb + ((z0 + kz * dl[0]) * h + y0 + ky * dl[1]) * w + x0;
                                    for (int kx = kxLo; kx < kxHi; kx++) {
                                        float v = xd[row + kx * dl[2]];
                                        best = Math.max(best, v);
                                        sum += v;
                                    }
                                }
                            }
                            if (max) {
                                y[yi++] = best;
                                continue;
                            }
                            long count = (long) Math.max(0, kzHi - kzLo) * Math.max(0, kyHi - kyLo) * Math.max(0, kxHi - kxLo);
                            if (countIncludePad) {
                                // window clipped to the padded extent [-pad_begin, in + pad_end)
                                count = (long) (Math.min(z0 + kd, d + p[3]) - Math.max(z0, -p[0]))
                                        * (Math.min(y0 + kh, h + p[4]) - Math.max(y0, -p[1]))
                                        * (Math.min(x0 + kw, w + p[5]) - Math.max(x0, -p[2]));
                            }
                            y[yi++] = count == 0 ? 0f : (float) (sum / count);
                        }
                    }
                }
            }
        });
        return Tensor.of(shape, y);
    }
}
