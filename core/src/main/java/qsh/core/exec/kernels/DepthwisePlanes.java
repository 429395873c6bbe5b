package qsh.core.exec.kernels;

import java.util.Arrays;

/**
 * Depthwise 2-D convolution by planes. Each input plane is copied once into a zero-padded plane split by row
 * phase (the {@link SlicedInput} layout for one channel, with a column stride of 1: a strided convolution is
 * computed at every column and every sw-th one kept), where every kernel tap's window over a block of output
 * rows is one contiguous slice; per tap the slice is copied to an aligned buffer and
 * added as {@code acc[j] += w * tap[j]} over the whole block (C2 vectorizes only loops whose arrays share an
 * index). Why not row by row ({@link Depthwise}, now used only for rows wider than a block): with outputs 10-40
 * wide its row loops are too short to vectorize. Measured on the detector's depthwise shapes: 1.2x (160x160) to
 * 2.9x (480 channels of 10x10, 5x5 kernel) faster, 4x on the classifier's 88 x 3x96 planes.
 *
 * <p>With the Vector API ({@link VectorDepthwise}) the taps are read from the plane in place and the
 * block's sums stay in registers.
 *
 * <p>Taps are summed ky-major, then kx, starting from zero, and the bias is added last, as in {@link Depthwise};
 * taps over padding add w * 0, so results equal its results except possibly for the sign of a zero.
 */
final class DepthwisePlanes {
    /** Floats per block of output rows (block rows x layout row width): the accumulators stay in L1. */
    private static final int BLOCK = 2048;
    /**
     * Zeros after the layout and room after the accumulators: the vector kernel computes a block's last,
     * partial vector whole (the lanes past the block read these zeros and are dropped).
     */
    private static final int PAD = 64;

    private DepthwisePlanes() {
    }

    /** Per-thread buffers, grown as needed. */
    private static final class Scratch {
        float[] plane = new float[0];
        final float[] acc = new float[BLOCK + PAD];
        final float[] tap = new float[BLOCK];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Whether this kernel suits the geometry: layout rows short enough for at least one row per block. */
    static boolean suits(int ow, int sw, int kw, int dw) {
        long wq = (long) (ow - 1) * sw + (long) (kw - 1) * dw + 1; // rows are split by row phase only
        return wq <= BLOCK;
    }

    /** Same contract as {@link Depthwise#run}. */
    static void run(float[] x, float[] w, float[] bias, Epilogue ep, float[] y, int n, int c, int h, int wd, int mult,
                    int kh, int kw, int oh, int ow, int sh, int sw, int pt, int pl, int dh, int dw) {
        // padded extents the windows actually reach (pads past them are never read)
        int hp = (oh - 1) * sh + (kh - 1) * dh + 1;
        // Only rows are split by phase: a column stride is computed at stride 1 and every sw-th column kept.
        // Splitting columns too needed a scalar gather of the whole input (0.6 ms of the detector's 3 x 3 stride-2
        // convolution of 32 x 160 x 160); this way the plane is copied row by row and the extra columns are
        // vector work. Each output still sums the same taps in the same order, so the bits do not change.
        int wq = (ow - 1) * sw + (kw - 1) * dw + 1;
        int hq = (hp + sh - 1) / sh;
        int[] phaseIndex = new int[sh];
        Arrays.fill(phaseIndex, -1);
        int phases = 0;
        for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
                int ph = ky * dh % sh;
                if (phaseIndex[ph] < 0) {
                    phaseIndex[ph] = phases++;
                }
            }
        }
        int planeSize = hq * wq;
        int[] tapOff = new int[kh * kw]; // each tap's slice start for output row 0
        for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
                tapOff[ky * kw + kx] = phaseIndex[ky * dh % sh] * planeSize + (ky * dh / sh) * wq + kx * dw;
            }
        }
        int layout = phases * planeSize + (kw - 1) * dw + 1; // slack: the last slice's garbage tail
        int blockRows = Math.max(1, Math.min(oh, BLOCK / wq));
        int fPhases = phases;
        int m = c * mult;
        boolean vector = VectorSupport.ready();
        Parallel.forRange(n * c, (long) n * m * oh * ow * kh * kw, 1 << 16, (p0, p1) -> {
            Scratch s = SCRATCH.get();
            if (s.plane.length < layout + PAD) {
                s.plane = new float[layout + PAD];
            }
            float[] xq = s.plane;
            float[] acc = s.acc;
            float[] tap = s.tap;
            for (int plane = p0; plane < p1; plane++) {
                int b = plane / c;
                int ic = plane % c;
                fill(x, (b * c + ic) * h * wd, h, wd, sh, pt, pl, hq, wq, phaseIndex, fPhases, xq, layout);
                for (int q = 0; q < mult; q++) {
                    int oc = ic * mult + q;
                    int yc = (b * m + oc) * oh * ow;
                    int wc = oc * kh * kw;
                    for (int oy0 = 0; oy0 < oh; oy0 += blockRows) {
                        int rows = Math.min(blockRows, oh - oy0);
                        int len = rows * wq;
                        if (vector) {
                            VectorDepthwise.block(xq, tapOff, oy0 * wq, w, wc, kh * kw, len, bias != null,
                                    bias == null ? 0f : bias[oc], acc);
                        } else {
                            Arrays.fill(acc, 0, len, 0f);
                            for (int t = 0; t < kh * kw; t++) {
                                System.arraycopy(xq, tapOff[t] + oy0 * wq, tap, 0, len);
                                float wv = w[wc + t];
                                for (int j = 0; j < len; j++) {
                                    acc[j] += wv * tap[j];
                                }
                            }
                            if (bias != null) {
                                float bv = bias[oc];
                                for (int j = 0; j < len; j++) {
                                    acc[j] += bv;
                                }
                            }
                        }
                        for (int r = 0; r < rows; r++) {
                            int yr = yc + (oy0 + r) * ow;
                            if (sw == 1) {
                                System.arraycopy(acc, r * wq, y, yr, ow);
                            } else {
                                for (int ox = 0, j = r * wq; ox < ow; ox++, j += sw) {
                                    y[yr + ox] = acc[j];
                                }
                            }
                        }
                    }
                    if (!ep.isNone()) {
                        ep.apply(y, yc, yc + oh * ow, oc);
                    }
                }
            }
        });
    }

    /** Copies one input plane into the phase-split padded layout (zeros outside the input, and in the slack). */
    private static void fill(float[] x, int xc, int h, int w, int sh, int pt, int pl, int hq, int wq,
                             int[] phaseIndex, int phases, float[] xq, int layout) {
        int planeSize = hq * wq;
        Arrays.fill(xq, phases * planeSize, layout + PAD, 0f);
        for (int ph = 0; ph < phaseIndex.length; ph++) {
            if (phaseIndex[ph] >= 0) { // one channel of the convolution layout
                SlicedInput.fillPhase(x, xc, 0, 1, h, w, sh, 1, pt, pl, hq, wq, ph, phaseIndex[ph], phases, planeSize, xq);
            }
        }
    }
}
