package qsh.core.exec.kernels;

import java.util.Arrays;

/**
 * Depthwise 2-D convolution with channels along the vector lanes (the NCHWc layout ONNX Runtime computes
 * depthwise convolutions in): each block of {@link VectorDepthwiseChannels#LANES} channels is copied once into a
 * zero-padded plane of channel vectors ({@code [row][column][lane]}), each output position of the block is then one
 * vector sum over the kernel's taps (a load of the tap's channel vector, a multiply by the taps' weight vector, an
 * add), and the sums are copied back to the block's output planes, where the epilogue runs on them
 * ({@link Epilogue#applyPlanes}: an activation once over the block).
 *
 * <p>Why, against {@link DepthwisePlanes} (one channel at a time, output positions along the lanes): on small planes
 * a channel's work is a few vectors and its set-up (copying the plane, reading 9 or 25 weights) dominates; on
 * EfficientNet-B0 at 160 x 160 its depthwise layers ran at 0.9-6 GMAC/s (1152 channels of 5 x 5: 0.28 ms). Here
 * strides and dilations cost nothing extra (a position's taps are any vectors of the plane), and nothing computed
 * is dropped: the phase-split planes computed every column of a strided convolution.
 *
 * <p>Same arithmetic per output as {@link DepthwisePlanes}' vector kernel: from zero, a float multiply then a float
 * add per tap (ky-major, then kx, padding taps included as w * 0), then the bias added (or -0 without one, which
 * changes nothing), so the results are the same bits. Only touched when {@link VectorSupport} allows (its class
 * loads the Vector API).
 */
final class DepthwiseChannels {
    private static final int L = VectorDepthwiseChannels.LANES;
    /** Most floats of a block's padded input (hp x wp x L), so that it and the block's sums stay in L2. */
    static final int MAX_LAYOUT = 1 << 17;

    private static volatile boolean on = true;

    /** Per-thread buffers, grown as needed. */
    private static final class Scratch {
        float[] plane = new float[0];
        float[] sums = new float[0];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private DepthwiseChannels() {
    }

    /** Turns this kernel on (the default) or off, for benchmarks and tests comparing it in one JVM (same bits). */
    static void use(boolean use) {
        on = use;
    }

    /**
     * Whether this kernel takes the convolution: one output channel per input channel, the Vector API kernels ready,
     * a block's padded input within {@link #MAX_LAYOUT}, and an output plane small enough that the copies into and
     * out of the channel layout (a gather and a scatter per position, about 8 ns per position of a block) cost less
     * than {@link DepthwisePlanes}' per-channel set-up: at most 28 x 28 positions with 25 taps or more, 14 x 14 with
     * fewer. Measured alternately in one JVM (2 threads, AVX-512, best of 20), channels / planes time: 3 x 3 on
     * 7 x 7 to 14 x 14 outputs 0.35-0.95 (strided 0.43-0.95), on 16 x 16 to 40 x 40 1.1-2.0; 5 x 5 on 5 x 5 to
     * 28 x 28 outputs 0.32-0.91. {@link Conv} asks only when {@link VectorDepthwiseRows} does not take the
     * convolution (3 x 3 outputs wider than a vector), which ran 10 x 10 to 14 x 14 outputs in a quarter to a half of
     * this kernel's time on a Zen 3 EPYC (AVX2).
     */
    static boolean suits(int mult, int oh, int ow, int kh, int kw, int sh, int sw, int dh, int dw) {
        long hp = (long) (oh - 1) * sh + (long) (kh - 1) * dh + 1;
        long wp = (long) (ow - 1) * sw + (long) (kw - 1) * dw + 1;
        long positions = (long) oh * ow;
        return on && mult == 1 && VectorSupport.ready() && VectorDepthwiseChannels.compiled()
                && hp * wp * L <= MAX_LAYOUT
                && positions <= (kh * kw >= 25 ? 28 * 28 : 14 * 14);
    }

    /**
     * The weights and bias of c channels of {@code taps} taps in this kernel's layout, made once per convolution
     * ({@link Conv.Prepared}): {weights, bias}, block q's tap t at weights[(q taps + t) L + l] and its bias at
     * bias[q L + l] for channel q L + l; 0 weights and a -0 bias in lanes past c, and -0 for no bias (x + -0 is x, bit
     * for bit: BIAS_OR_MINUS_ZERO in VectorDepthwise).
     */
    static float[][] layout(float[] w, float[] bias, int c, int taps) {
        int blocks = (c + L - 1) / L;
        float[] wv = new float[blocks * taps * L];
        float[] bv = new float[blocks * L];
        java.util.Arrays.fill(bv, -0f);
        for (int ch = 0; ch < c; ch++) {
            int q = ch / L;
            int l = ch % L;
            for (int t = 0; t < taps; t++) {
                wv[(q * taps + t) * L + l] = w[ch * taps + t];
            }
            if (bias != null) {
                bv[q * L + l] = bias[ch];
            }
        }
        return new float[][] {wv, bv};
    }

    /**
     * Same contract as {@link Depthwise#run} with mult 1, the weights and bias in the {@link #layout} of its c
     * channels.
     */
    static void run(float[] x, float[][] layout, Epilogue ep, float[] y, int n, int c, int h, int wd, int kh,
                    int kw, int oh, int ow, int sh, int sw, int pt, int pl, int dh, int dw) {
        int hp = (oh - 1) * sh + (kh - 1) * dh + 1; // padded extents the windows reach (pads past them are never read)
        int wp = (ow - 1) * sw + (kw - 1) * dw + 1;
        int taps = kh * kw;
        int[] tapOff = new int[taps];
        for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
                tapOff[ky * kw + kx] = (ky * dh * wp + kx * dw) * L;
            }
        }
        int positions = oh * ow;
        int[] posOff = new int[positions]; // each output position's window start in the layout
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                posOff[oy * ow + ox] = (oy * sh * wp + ox * sw) * L;
            }
        }
        int blocks = (c + L - 1) / L;
        int[] inLanes = new int[L]; // a lane's offset from lane 0 in the input and in the output planes
        int[] outLanes = new int[L];
        for (int l = 0; l < L; l++) {
            inLanes[l] = l * h * wd;
            outLanes[l] = l * positions;
        }
        Parallel.forRange(n * blocks, (long) n * c * positions * taps, 1 << 16, (b0, b1) -> {
            Scratch s = SCRATCH.get();
            if (s.plane.length < hp * wp * L) {
                s.plane = new float[hp * wp * L];
            }
            if (s.sums.length < positions * L) {
                s.sums = new float[positions * L];
            }
            for (int blk = b0; blk < b1; blk++) {
                int b = blk / blocks;
                int c0 = blk % blocks * L;
                int lanes = Math.min(L, c - c0);
                fill(x, (b * c + c0) * h * wd, lanes, h, wd, hp, wp, pt, pl, s.plane, inLanes);
                VectorDepthwiseChannels.sums(s.plane, posOff, positions, tapOff, taps, layout[0], c0 * taps, layout[1], c0,
                        s.sums);
                int yc = (b * c + c0) * positions;
                if (lanes == L) {
                    VectorDepthwiseChannels.scatterPlanes(s.sums, positions, y, yc, outLanes);
                } else {
                    float[] sums = s.sums;
                    for (int l = 0; l < lanes; l++) {
                        for (int p = 0; p < positions; p++) {
                            y[yc + l * positions + p] = sums[p * L + l];
                        }
                    }
                }
                if (!ep.isNone()) {
                    ep.applyPlanes(y, yc, positions, c0, lanes);
                }
            }
        });
    }

    /**
     * Channels [0, lanes) of the input planes at xc into the padded layout: xq[(iy wp + ix) L + l] = x[xc + l h wd +
     * (iy - pt) wd + ix - pl], zero outside the input and in lanes past {@code lanes}.
     */
    private static void fill(float[] x, int xc, int lanes, int h, int wd, int hp, int wp, int pt, int pl, float[] xq,
                             int[] inLanes) {
        Arrays.fill(xq, 0, hp * wp * L, 0f);
        int r1 = Math.min(h, hp - pt); // input rows and columns the windows reach (pads are >= 0)
        int x1 = Math.min(wd, wp - pl);
        for (int r = 0; r < r1; r++) {
            int dst = ((r + pt) * wp + pl) * L;
            if (lanes == L) {
                VectorDepthwiseChannels.gatherRow(x, xc + r * wd, x1, inLanes, xq, dst);
                continue;
            }
            for (int l = 0; l < lanes; l++) {
                int src = xc + l * h * wd + r * wd;
                for (int ix = 0; ix < x1; ix++) {
                    xq[dst + ix * L + l] = x[src + ix];
                }
            }
        }
    }
}
