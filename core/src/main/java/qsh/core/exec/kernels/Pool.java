package qsh.core.exec.kernels;

import java.util.Arrays;
import qsh.core.shape.ConvGeometry;
import qsh.core.tensor.Tensor;

/** ONNX MaxPool / AveragePool / GlobalAveragePool / GlobalMaxPool for 1-D, 2-D and 3-D spatial inputs (3-D: {@link Pool3d}). */
public final class Pool {
    private Pool() {
    }

    /**
     * Whether the pooling and matrix-vector row kernels run their Vector API forms now (they warm up in the
     * background from the first call; benchmarks wait for this).
     */
    public static boolean vectorReady() {
        return RowKernels.vector();
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
        // on both cores from 64K elements (before Parallel's scale): a plane's sum costs about 0.1-0.3 ns an element
        Parallel.forRange(planes, (long) planes * size, 1 << 14, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                y[p] = max ? planeMax(xd, p * size, size) : (float) (planeSum(xd, p * size, size) / size);
            }
        });
        int[] shape = new int[x.rank()];
        Arrays.fill(shape, 1);
        shape[0] = x.dim(0);
        shape[1] = x.dim(1);
        return Tensor.of(shape, y);
    }

    /**
     * The sum of x[from, from + n) in double, in eight interleaved partial sums (element i goes to sum i mod 8,
     * added up as ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))): one chain of dependent double additions ran
     * at one element per addition latency (0.4 ms for the detector's 96 x 80 x 80 input); eight chains keep both
     * adders busy (0.53 -> 0.27 ns per element against four; EfficientNet-B0's 17 GlobalAveragePools took 0.8 ms a
     * run, ONNX Runtime's 0.2). The double sum's rounding differs from one chain's only in its last bits, far below
     * the float mean's precision.
     */
    static double planeSum(float[] x, int from, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double s5 = 0;
        double s6 = 0;
        double s7 = 0;
        int i = from;
        int end = from + n;
        for (; i + 7 < end; i += 8) {
            s0 += x[i];
            s1 += x[i + 1];
            s2 += x[i + 2];
            s3 += x[i + 3];
            s4 += x[i + 4];
            s5 += x[i + 5];
            s6 += x[i + 6];
            s7 += x[i + 7];
        }
        for (; i < end; i++) {
            s0 += x[i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
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
                    + " got X " + x.shapeString() + " kernel " + Arrays.toString(kernel));
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
        if (y.length > 0) {
            PoolPlanes.Geometry g = new PoolPlanes.Geometry(h, w, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, oh, ow);
            // about one unit of work per input element read per window row, and per output tap
            long work = (long) n * c * oh * ((long) kh * w + (long) kw * ow * sw);
            Parallel.forRange(n * c, work, 1 << 16, (p0, p1) -> {
                if (max) {
                    PoolPlanes.max(xd, y, p0, p1, g);
                } else {
                    PoolPlanes.average(xd, y, p0, p1, g, countIncludePad);
                }
            });
        }
        int[] shape = r == 2 ? new int[] {n, c, oh, ow} : new int[] {n, c, ow};
        return Tensor.of(shape, y);
    }
}
