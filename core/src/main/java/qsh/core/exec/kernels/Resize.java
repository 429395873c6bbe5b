package qsh.core.exec.kernels;

import java.util.Arrays;
import qsh.core.tensor.Tensor;

/**
 * ONNX Resize (opset 11+) for nearest, linear (N-linear) and cubic modes, applied separably axis by axis.
 * Coordinate transforms per the ONNX Resize operator doc; tf_crop_and_resize (needs roi) is not supported.
 */
public final class Resize {
    private Resize() {
    }

    /** Resizes to outShape with scale = out/in per axis. */
    public static Tensor resize(Tensor x, int[] outShape, String mode, String coordinateTransformationMode,
                                String nearestMode, float cubicCoeffA, boolean excludeOutside) {
        return resize(x, outShape, null, mode, coordinateTransformationMode, nearestMode, cubicCoeffA, excludeOutside);
    }

    /** Resizes to outShape; scales (nullable) are the ONNX scales input, used in the coordinate transform when given. */
    public static Tensor resize(Tensor x, int[] outShape, float[] scales, String mode, String coordinateTransformationMode,
                                String nearestMode, float cubicCoeffA, boolean excludeOutside) {
        if (outShape.length != x.rank()) {
            throw new IllegalArgumentException("Resize output shape " + Arrays.toString(outShape) + " must have rank "
                    + x.rank() + " of X " + x.shapeString());
        }
        String m = mode == null ? "nearest" : mode;
        if (!m.equals("nearest") && !m.equals("linear") && !m.equals("cubic")) {
            throw new IllegalArgumentException("unknown Resize mode '" + mode + "' (use nearest, linear or cubic)");
        }
        String ct = coordinateTransformationMode == null ? "half_pixel" : coordinateTransformationMode;
        String nm = nearestMode == null ? "round_prefer_floor" : nearestMode;
        if (m.equals("nearest") && x.rank() >= 2) {
            Tensor planar = nearestPlanes(x, outShape, scales, ct, nm);
            if (planar != null) {
                return planar;
            }
        }
        Tensor cur = x;
        for (int d = 0; d < x.rank(); d++) {
            double scale = scales != null ? scales[d] : (double) outShape[d] / x.dim(d);
            if (outShape[d] == x.dim(d) && scale == 1.0) {
                continue;
            }
            cur = alongAxis(cur, d, outShape[d], scale, scales != null, m, ct, nm, cubicCoeffA, excludeOutside);
        }
        return cur == x ? x.copy() : cur;
    }

    /** Source coordinate of output index o (ONNX coordinate_transformation_mode). */
    static double sourceCoordinate(String ct, int o, int in, double out, double scale) {
        switch (ct) {
            case "half_pixel":
                return (o + 0.5) / scale - 0.5;
            case "pytorch_half_pixel":
                return out > 1 ? (o + 0.5) / scale - 0.5 : 0;
            case "align_corners":
                return out == 1 ? 0 : (double) o * (in - 1) / (out - 1);
            case "asymmetric":
                return o / scale;
            case "tf_half_pixel_for_nn":
                return (o + 0.5) / scale;
            default:
                throw new IllegalArgumentException("unsupported Resize coordinate_transformation_mode '" + ct
                        + "' (use half_pixel, pytorch_half_pixel, align_corners, asymmetric or tf_half_pixel_for_nn)");
        }
    }

    private static int nearest(String nm, double v) {
        switch (nm) {
            case "round_prefer_floor":
                return v - Math.floor(v) == 0.5 ? (int) Math.floor(v) : (int) Math.round(v);
            case "round_prefer_ceil":
                return (int) Math.floor(v + 0.5);
            case "floor":
                return (int) Math.floor(v);
            case "ceil":
                return (int) Math.ceil(v);
            default:
                throw new IllegalArgumentException("unknown Resize nearest_mode '" + nm
                        + "' (use round_prefer_floor, round_prefer_ceil, floor or ceil)");
        }
    }

    /** Keys cubic convolution weight for distance t (ONNX cubic with coefficient a). */
    private static double cubic(double t, double a) {
        t = Math.abs(t);
        if (t <= 1) {
            return ((a + 2) * t - (a + 3)) * t * t + 1;
        }
        if (t < 2) {
            return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
        }
        return 0;
    }

    /** Source index of every output index along one axis, for nearest mode. */
    private static int[] nearestIndex(int in, int out, double scale, boolean fromScales, String ct, String nm) {
        int[] idx = new int[out];
        for (int o = 0; o < out; o++) {
            // ONNX uses the unrounded resized length in * scale when scales are given
            double v = sourceCoordinate(ct, o, in, fromScales ? in * scale : out, scale);
            idx[o] = Math.max(0, Math.min(in - 1, nearest(nm, v)));
        }
        return idx;
    }

    /**
     * Nearest resizing of the last two axes in one pass (null when a leading axis changes too): nearest mode picks
     * one source element per axis, so the 2-D result is the same as resizing axis by axis, without the
     * intermediate tensor. Each output row is gathered from its source row once; output rows with the same
     * source row (an upsampled image repeats each row) are copies of the previous one.
     */
    private static Tensor nearestPlanes(Tensor x, int[] outShape, float[] scales, String ct, String nm) {
        int r = x.rank();
        for (int d = 0; d < r - 2; d++) {
            if (outShape[d] != x.dim(d) || (scales != null && scales[d] != 1f)) {
                return null;
            }
        }
        int h = x.dim(r - 2);
        int w = x.dim(r - 1);
        int oh = outShape[r - 2];
        int ow = outShape[r - 1];
        if ((oh == 0) != (h == 0) || (ow == 0) != (w == 0)) {
            return null;
        }
        double sH = scales != null ? scales[r - 2] : (double) oh / h;
        double sW = scales != null ? scales[r - 1] : (double) ow / w;
        int[] iy = oh == h && sH == 1.0 ? identity(h) : nearestIndex(h, oh, sH, scales != null, ct, nm);
        int[] ix = ow == w && sW == 1.0 ? identity(w) : nearestIndex(w, ow, sW, scales != null, ct, nm);
        boolean copyRows = ow == w && Arrays.equals(ix, identity(w));
        int planes = Math.toIntExact(x.size() / Math.max(1L, (long) h * w));
        int[] os = outShape.clone();
        float[] y = Buffers.floats(Math.toIntExact(Tensor.checkedSize(os)));
        float[] xd = x.data();
        Parallel.forRange(planes, (long) y.length, 1 << 16, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int xb = p * h * w;
                int yb = p * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    int yr = yb + oy * ow;
                    if (oy > 0 && iy[oy] == iy[oy - 1]) {
                        System.arraycopy(y, yr - ow, y, yr, ow);
                        continue;
                    }
                    int xr = xb + iy[oy] * w;
                    if (copyRows) {
                        System.arraycopy(xd, xr, y, yr, ow);
                    } else {
                        for (int o = 0; o < ow; o++) {
                            y[yr + o] = xd[xr + ix[o]];
                        }
                    }
                }
            }
        });
        return Tensor.of(os, y);
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private static Tensor alongAxis(Tensor x, int axis, int out, double scale, boolean fromScales, String mode,
                                    String ct, String nm, float a, boolean excludeOutside) {
        int[] s = x.shape();
        int in = s[axis];
        int taps = mode.equals("nearest") ? 1 : mode.equals("linear") ? 2 : 4;
        int[] idx = new int[out * taps];
        double[] wt = new double[out * taps];
        for (int o = 0; o < out; o++) {
            // ONNX uses the unrounded resized length in * scale when scales are given
            double v = sourceCoordinate(ct, o, in, fromScales ? in * scale : out, scale);
            if (mode.equals("nearest")) {
                idx[o] = Math.max(0, Math.min(in - 1, nearest(nm, v)));
                wt[o] = 1;
            } else if (mode.equals("linear")) {
                double c = Math.max(0, Math.min(in - 1, v));
                int i0 = (int) Math.floor(c);
                int i1 = Math.min(i0 + 1, in - 1);
                double t = c - i0;
                idx[2 * o] = i0;
                idx[2 * o + 1] = i1;
                wt[2 * o] = 1 - t;
                wt[2 * o + 1] = t;
            } else {
                int f = (int) Math.floor(v);
                double t = v - f;
                double sum = 0;
                for (int k = 0; k < 4; k++) {
                    int i = f - 1 + k;
                    double w = cubic(t - (k - 1), a);
                    if (excludeOutside && (i < 0 || i >= in)) {
                        w = 0;
                    }
                    idx[4 * o + k] = Math.max(0, Math.min(in - 1, i));
                    wt[4 * o + k] = w;
                    sum += w;
                }
                if (excludeOutside && sum != 0) {
                    for (int k = 0; k < 4; k++) {
                        wt[4 * o + k] /= sum;
                    }
                }
            }
        }
        int outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= s[d];
        }
        int inner = 1;
        for (int d = axis + 1; d < s.length; d++) {
            inner *= s[d];
        }
        int[] os = s.clone();
        os[axis] = out;
        int total = Math.toIntExact(Tensor.checkedSize(os));
        // nearest copies every element; the weighted modes accumulate into zeros
        float[] y = taps == 1 ? Buffers.floats(total) : Buffers.zeros(total);
        float[] xd = x.data();
        final int fInner = inner;
        if (taps == 1) { // nearest: every output row (or element) is a copy of one input row (element)
            Parallel.forRange(outer, y.length, 1 << 16, (b0, b1) -> {
                for (int b = b0; b < b1; b++) {
                    int xb = b * in * fInner;
                    int yb = b * out * fInner;
                    if (fInner == 1) {
                        for (int o = 0; o < out; o++) {
                            y[yb + o] = xd[xb + idx[o]];
                        }
                    } else {
                        for (int o = 0; o < out; o++) {
                            System.arraycopy(xd, xb + idx[o] * fInner, y, yb + o * fInner, fInner);
                        }
                    }
                }
            });
            return Tensor.of(os, y);
        }
        Parallel.forRange(outer, (long) y.length * taps, 1 << 16, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                int xb = b * in * fInner;
                int yb = b * out * fInner;
                for (int o = 0; o < out; o++) {
                    int yr = yb + o * fInner;
                    for (int k = 0; k < taps; k++) {
                        float w = (float) wt[o * taps + k];
                        if (w == 0f) {
                            continue;
                        }
                        int xr = xb + idx[o * taps + k] * fInner;
                        for (int i = 0; i < fInner; i++) {
                            y[yr + i] += w * xd[xr + i];
                        }
                    }
                }
            }
        });
        return Tensor.of(os, y);
    }
}
