package qsh.core.exec.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 3 x 3 depthwise convolution read straight from the input planes and written straight into the output planes,
 * one column block at a time down the plane: stride 1 with pads of 1 all round, or stride 2 whose windows never
 * reach the bottom or right padding (top and left pads 0 or 1: the even-sized planes of MobileNet-style networks).
 * {@link DepthwisePlanes} copies each plane into a zero-padded layout, sums nine taps per output vector from it (nine
 * loads, mostly split across cache lines) and copies the sums out; here a column block walks down the plane and each
 * input row's taps are loaded once and feed every output row they belong to (stride 1: three loads per output
 * vector instead of nine), and the plane is neither copied in nor out. A padding row's taps are zero vectors; the
 * padding column left of the row (and, at stride 1, right of it) is one lane of the first (last) block, made by
 * moving the row's first (last) vector one lane over and zeroing that lane: separate methods for those blocks, so the
 * middle blocks are plain loads. JDK 17's masked loads are not used: they made these kernels 2-3 times slower, and a
 * method holding several masks was too big for C1, which left it interpreted with boxed vectors.
 *
 * <p>Stride 2 computes the stride-1 sums at the even and odd columns of a 2L-wide block (each tap a plain load) and
 * keeps the even ones (two permutes and a blend): the odd columns cost multiplies, not a gather.
 *
 * <p>Bits: each output is (((0 + x0 w0) + x1 w1) + ... + x8 w8) + bias, taps ky-major then kx, padding taps
 * 0 · w, a float multiply then a float add each (no fused multiply-add), as {@link VectorDepthwise#nineTaps}
 * computes it over the padded layout; so the results are the same bits. Only touched when {@link VectorSupport}
 * allows, and after their own warm-up ({@link #WARM_UP}).
 */
final class VectorDepthwiseRows {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final FloatVector Z = FloatVector.zero(S);
    // the even lanes of two vectors in one: VectorRows' shuffles and mask
    private static final VectorShuffle<Float> EVENS_LOW = VectorRows.EVENS_LOW;
    private static final VectorShuffle<Float> EVENS_HIGH = VectorRows.EVENS_HIGH;
    private static final VectorMask<Float> HIGH = VectorRows.HIGH;
    /** Lane l from lane l - 1 (lane 0 from the last: blended to zero with {@link #FIRST}). */
    private static final VectorShuffle<Float> RIGHT = VectorShuffle.fromOp(S, i -> (i + L - 1) % L);
    /** Lane l from lane l + 1 (the last from lane 0: blended to zero with {@link #LAST}). */
    private static final VectorShuffle<Float> LEFT = VectorShuffle.fromOp(S, i -> (i + 1) % L);
    private static final VectorMask<Float> FIRST = VectorMask.fromLong(S, 1L);
    private static final VectorMask<Float> LAST = VectorMask.fromLong(S, 1L << (L - 1));

    /**
     * These kernels' own warm-up (not the GEMM family's): six methods of many vectors each, which C2 compiles a
     * second or two after the GEMM kernels, later than the GEMM warm-up's last verdict (on the 2-vCPU Xeon the
     * stride-2 methods reached C2 after 3-4 s). Until it is ready, {@link Conv} takes {@link DepthwisePlanes}.
     */
    static final KernelWarmUp WARM_UP =
            KernelWarmUp.start("depthwise rows", VectorDepthwiseRows::warmUpRound, () -> { });
    private static volatile boolean use = true;

    private VectorDepthwiseRows() {
    }

    /** Whether {@link Conv} takes these kernels where they suit (the default), for one-JVM A/B benchmarks and tests. */
    static void use(boolean on) {
        use = on;
    }

    /**
     * Y = the depthwise convolution of X (n x c planes of h x w) with weights w[c][3][3], bias (nullable) and epilogue,
     * planes in parallel; the caller has checked {@link #suits} (stride s = sh = sw).
     */
    static void run(float[] x, float[] w, float[] bias, Epilogue ep, float[] y, int n, int c, int h, int wd, int oh,
                    int ow, int s, int pt, int pl) {
        Parallel.forRange(n * c, (long) n * c * oh * ow * 9, 1 << 16, (p0, p1) -> {
            for (int plane = p0; plane < p1; plane++) {
                int oc = plane % c;
                int yc = plane * oh * ow;
                plane(x, plane * h * wd, h, wd, w, oc * 9, bias == null ? -0f : bias[oc], y, yc, oh, ow, s, pt, pl);
                if (!ep.isNone()) {
                    ep.apply(y, yc, yc + oh * ow, oc);
                }
            }
        });
    }

    /**
     * Whether the geometry is one these kernels compute: a depthwise 3 x 3 of multiplier 1, output rows wider than a
     * vector (so the first block is not also the last); stride 1 with pads of 1 all round, or stride 2 whose windows
     * never reach the bottom or right padding (top and left pads 0 or 1).
     */
    static boolean suits(int mult, int h, int w, int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr,
                         int dh, int dw, int oh, int ow) {
        if (!use || !WARM_UP.ready() || mult != 1 || kh != 3 || kw != 3 || dh != 1 || dw != 1 || sh != sw || L < 8
                || ow <= L) {
            return false;
        }
        if (sh == 1) {
            return pt == 1 && pl == 1 && pb == 1 && pr == 1 && oh == h && ow == w && h >= 2;
        }
        return sh == 2 && pt <= 1 && pl <= 1 && 2 * (oh - 1) + 2 - pt <= h - 1 && 2 * (ow - 1) + 2 - pl <= w - 1;
    }

    /** Zeros (never written; replaced by a longer array when too short). */
    private static volatile float[] zeros = new float[0];

    private static float[] zeros(int n) {
        float[] z = zeros;
        if (z.length < n) {
            z = new float[n];
            zeros = z;
        }
        return z;
    }

    /**
     * y[yc + oy ow + ox] = the convolution of plane x[xc ..] (h x w) with weights wt[wc .. wc + 9) plus bias (or -0),
     * for stride s (1 or 2) and top / left pads pt, pl (1 for stride 1), as {@link #suits} allows.
     */
    static void plane(float[] x, int xc, int h, int w, float[] wt, int wc, float bias, float[] y, int yc, int oh,
                      int ow, int s, int pt, int pl) {
        int last = ow - L; // the last block's first column (it may overlap the one before: the same values again)
        if (s == 1) {
            left1(x, xc, h, w, wt, wc, bias, y, yc, 0);
            if (L < last) {
                middle1(x, xc, h, w, wt, wc, bias, y, yc, L, last);
            }
            right1(x, xc, h, w, wt, wc, bias, y, yc, last);
            return;
        }
        float[] z = zeros(2 * ow + 3 * L + 4); // a padding row above, read from column L - 1
        int from = 0;
        if (pl == 1) {
            left2(x, xc, w, wt, wc, bias, y, yc, oh, ow, pt, z);
            from = L;
        }
        if (from < last) {
            blocks2(x, xc, w, wt, wc, bias, y, yc, oh, ow, from, last, pt, pl, z);
        }
        right2(x, xc, w, wt, wc, bias, y, yc, oh, ow, last, pt, pl, z);
    }

    /**
     * Stride 1, pads 1: the output column blocks j in [from, to) (L apart), every tap inside the row. Input row iy's
     * taps complete output row iy - 1, continue row iy and start row iy + 1.
     */
    private static void middle1(float[] x, int xc, int h, int w, float[] wt, int wc, float bias, float[] y, int yc,
                                int from, int to) {
        FloatVector w0 = FloatVector.broadcast(S, wt[wc]);
        FloatVector w1 = FloatVector.broadcast(S, wt[wc + 1]);
        FloatVector w2 = FloatVector.broadcast(S, wt[wc + 2]);
        FloatVector w3 = FloatVector.broadcast(S, wt[wc + 3]);
        FloatVector w4 = FloatVector.broadcast(S, wt[wc + 4]);
        FloatVector w5 = FloatVector.broadcast(S, wt[wc + 5]);
        FloatVector w6 = FloatVector.broadcast(S, wt[wc + 6]);
        FloatVector w7 = FloatVector.broadcast(S, wt[wc + 7]);
        FloatVector w8 = FloatVector.broadcast(S, wt[wc + 8]);
        FloatVector b = FloatVector.broadcast(S, bias);
        for (int j = from; j < to; j += L) {
            FloatVector up = Z.add(Z.mul(w0)).add(Z.mul(w1)).add(Z.mul(w2)); // output row 0 after the padding row
            int r = xc + j;
            FloatVector t0 = FloatVector.fromArray(S, x, r - 1);
            FloatVector t1 = FloatVector.fromArray(S, x, r);
            FloatVector t2 = FloatVector.fromArray(S, x, r + 1);
            FloatVector mid = up.add(t0.mul(w3)).add(t1.mul(w4)).add(t2.mul(w5));
            up = Z.add(t0.mul(w0)).add(t1.mul(w1)).add(t2.mul(w2));
            int yr = yc + j;
            for (int iy = 1; iy < h; iy++) {
                r += w;
                t0 = FloatVector.fromArray(S, x, r - 1);
                t1 = FloatVector.fromArray(S, x, r);
                t2 = FloatVector.fromArray(S, x, r + 1);
                mid.add(t0.mul(w6)).add(t1.mul(w7)).add(t2.mul(w8)).add(b).intoArray(y, yr);
                mid = up.add(t0.mul(w3)).add(t1.mul(w4)).add(t2.mul(w5));
                up = Z.add(t0.mul(w0)).add(t1.mul(w1)).add(t2.mul(w2));
                yr += w;
            }
            mid.add(Z.mul(w6)).add(Z.mul(w7)).add(Z.mul(w8)).add(b).intoArray(y, yr); // the padding row below
        }
    }

    /**
     * {@link #middle1} for the block at column 0: lane 0's left tap is the padding column (the row's first vector moved
     * one lane right, lane 0 zero).
     */
    private static void left1(float[] x, int xc, int h, int w, float[] wt, int wc, float bias, float[] y, int yc,
                                int j) {
        FloatVector w0 = FloatVector.broadcast(S, wt[wc]);
        FloatVector w1 = FloatVector.broadcast(S, wt[wc + 1]);
        FloatVector w2 = FloatVector.broadcast(S, wt[wc + 2]);
        FloatVector w3 = FloatVector.broadcast(S, wt[wc + 3]);
        FloatVector w4 = FloatVector.broadcast(S, wt[wc + 4]);
        FloatVector w5 = FloatVector.broadcast(S, wt[wc + 5]);
        FloatVector w6 = FloatVector.broadcast(S, wt[wc + 6]);
        FloatVector w7 = FloatVector.broadcast(S, wt[wc + 7]);
        FloatVector w8 = FloatVector.broadcast(S, wt[wc + 8]);
        FloatVector b = FloatVector.broadcast(S, bias);
        FloatVector up = Z.add(Z.mul(w0)).add(Z.mul(w1)).add(Z.mul(w2)); // output row 0 after the padding row
        int r = xc + j;
        FloatVector t0 = FloatVector.fromArray(S, x, r).rearrange(RIGHT).blend(Z, FIRST);
        FloatVector t1 = FloatVector.fromArray(S, x, r);
        FloatVector t2 = FloatVector.fromArray(S, x, r + 1);
        FloatVector mid = up.add(t0.mul(w3)).add(t1.mul(w4)).add(t2.mul(w5));
        up = Z.add(t0.mul(w0)).add(t1.mul(w1)).add(t2.mul(w2));
        int yr = yc + j;
        for (int iy = 1; iy < h; iy++) {
            r += w;
            t0 = FloatVector.fromArray(S, x, r).rearrange(RIGHT).blend(Z, FIRST);
            t1 = FloatVector.fromArray(S, x, r);
            t2 = FloatVector.fromArray(S, x, r + 1);
            mid.add(t0.mul(w6)).add(t1.mul(w7)).add(t2.mul(w8)).add(b).intoArray(y, yr);
            mid = up.add(t0.mul(w3)).add(t1.mul(w4)).add(t2.mul(w5));
            up = Z.add(t0.mul(w0)).add(t1.mul(w1)).add(t2.mul(w2));
            yr += w;
        }
        mid.add(Z.mul(w6)).add(Z.mul(w7)).add(Z.mul(w8)).add(b).intoArray(y, yr); // the padding row below
    }

    /**
     * {@link #middle1} for the block at column j = w - L: the last lane's right tap is the padding column (the vector
     * at j moved one lane left, the last lane zero).
     */
    private static void right1(float[] x, int xc, int h, int w, float[] wt, int wc, float bias, float[] y, int yc,
                                int j) {
        FloatVector w0 = FloatVector.broadcast(S, wt[wc]);
        FloatVector w1 = FloatVector.broadcast(S, wt[wc + 1]);
        FloatVector w2 = FloatVector.broadcast(S, wt[wc + 2]);
        FloatVector w3 = FloatVector.broadcast(S, wt[wc + 3]);
        FloatVector w4 = FloatVector.broadcast(S, wt[wc + 4]);
        FloatVector w5 = FloatVector.broadcast(S, wt[wc + 5]);
        FloatVector w6 = FloatVector.broadcast(S, wt[wc + 6]);
        FloatVector w7 = FloatVector.broadcast(S, wt[wc + 7]);
        FloatVector w8 = FloatVector.broadcast(S, wt[wc + 8]);
        FloatVector b = FloatVector.broadcast(S, bias);
        FloatVector up = Z.add(Z.mul(w0)).add(Z.mul(w1)).add(Z.mul(w2)); // output row 0 after the padding row
        int r = xc + j;
        FloatVector t0 = FloatVector.fromArray(S, x, r - 1);
        FloatVector t1 = FloatVector.fromArray(S, x, r);
        FloatVector t2 = FloatVector.fromArray(S, x, r).rearrange(LEFT).blend(Z, LAST);
        FloatVector mid = up.add(t0.mul(w3)).add(t1.mul(w4)).add(t2.mul(w5));
        up = Z.add(t0.mul(w0)).add(t1.mul(w1)).add(t2.mul(w2));
        int yr = yc + j;
        for (int iy = 1; iy < h; iy++) {
            r += w;
            t0 = FloatVector.fromArray(S, x, r - 1);
            t1 = FloatVector.fromArray(S, x, r);
            t2 = FloatVector.fromArray(S, x, r).rearrange(LEFT).blend(Z, LAST);
            mid.add(t0.mul(w6)).add(t1.mul(w7)).add(t2.mul(w8)).add(b).intoArray(y, yr);
            mid = up.add(t0.mul(w3)).add(t1.mul(w4)).add(t2.mul(w5));
            up = Z.add(t0.mul(w0)).add(t1.mul(w1)).add(t2.mul(w2));
            yr += w;
        }
        mid.add(Z.mul(w6)).add(Z.mul(w7)).add(Z.mul(w8)).add(b).intoArray(y, yr); // the padding row below
    }

    /**
     * Stride 2: output column blocks o0 in [from, to) (L apart), every tap inside the row. Per output row the stride-1
     * sums at input columns 2 o0 - pl .. + 2L (two vectors) are made and their even lanes kept; the input row shared by
     * output rows oy (its ky = 2) and oy + 1 (ky = 0) is loaded once.
     */
    private static void blocks2(float[] x, int xc, int w, float[] wt, int wc, float bias, float[] y, int yc, int oh,
                               int ow, int from, int to, int pt, int pl, float[] z) {
        FloatVector w0 = FloatVector.broadcast(S, wt[wc]);
        FloatVector w1 = FloatVector.broadcast(S, wt[wc + 1]);
        FloatVector w2 = FloatVector.broadcast(S, wt[wc + 2]);
        FloatVector w3 = FloatVector.broadcast(S, wt[wc + 3]);
        FloatVector w4 = FloatVector.broadcast(S, wt[wc + 4]);
        FloatVector w5 = FloatVector.broadcast(S, wt[wc + 5]);
        FloatVector w6 = FloatVector.broadcast(S, wt[wc + 6]);
        FloatVector w7 = FloatVector.broadcast(S, wt[wc + 7]);
        FloatVector w8 = FloatVector.broadcast(S, wt[wc + 8]);
        FloatVector b = FloatVector.broadcast(S, bias);
        for (int o0 = from; o0 < to; o0 += L) {
            int c = 2 * o0 - pl; // input column of tap kx = 0 for lane 0
            // the taps of the row above output row 0's middle row: the padding row (zeros) or row 0; no branch between
            // vectors (C2 boxed the vectors of a merge of a zero vector and a load)
            float[] top = pt == 1 ? z : x;
            int r = pt == 1 ? L + c : xc + c;
            FloatVector u0 = FloatVector.fromArray(S, top, r);
            FloatVector u1 = FloatVector.fromArray(S, top, r + 1);
            FloatVector u2 = FloatVector.fromArray(S, top, r + 2);
            FloatVector v0 = FloatVector.fromArray(S, top, r + L);
            FloatVector v1 = FloatVector.fromArray(S, top, r + L + 1);
            FloatVector v2 = FloatVector.fromArray(S, top, r + L + 2);
            r = xc + c + (1 - pt) * w; // the middle row of output row 0
            int yr = yc + o0;
            for (int oy = 0; oy < oh; oy++) {
                FloatVector s = Z.add(u0.mul(w0)).add(u1.mul(w1)).add(u2.mul(w2));
                FloatVector t = Z.add(v0.mul(w0)).add(v1.mul(w1)).add(v2.mul(w2));
                s = s.add(FloatVector.fromArray(S, x, r).mul(w3))
                        .add(FloatVector.fromArray(S, x, r + 1).mul(w4))
                        .add(FloatVector.fromArray(S, x, r + 2).mul(w5));
                t = t.add(FloatVector.fromArray(S, x, r + L).mul(w3))
                        .add(FloatVector.fromArray(S, x, r + L + 1).mul(w4))
                        .add(FloatVector.fromArray(S, x, r + L + 2).mul(w5));
                r += w;
                u0 = FloatVector.fromArray(S, x, r);
                u1 = FloatVector.fromArray(S, x, r + 1);
                u2 = FloatVector.fromArray(S, x, r + 2);
                v0 = FloatVector.fromArray(S, x, r + L);
                v1 = FloatVector.fromArray(S, x, r + L + 1);
                v2 = FloatVector.fromArray(S, x, r + L + 2);
                r += w;
                s = s.add(u0.mul(w6)).add(u1.mul(w7)).add(u2.mul(w8)).add(b);
                t = t.add(v0.mul(w6)).add(v1.mul(w7)).add(v2.mul(w8)).add(b);
                s.rearrange(EVENS_LOW).blend(t.rearrange(EVENS_HIGH), HIGH).intoArray(y, yr);
                yr += ow;
            }
        }
    }

    /**
     * {@link #blocks2} for the last block: the right tap of the second vector's last lane (an odd column, not kept)
     * would read past the row, so that tap is the vector before it moved one lane left (the last lane zero).
     */
    private static void right2(float[] x, int xc, int w, float[] wt, int wc, float bias, float[] y, int yc, int oh,
                               int ow, int o0, int pt, int pl, float[] z) {
        FloatVector w0 = FloatVector.broadcast(S, wt[wc]);
        FloatVector w1 = FloatVector.broadcast(S, wt[wc + 1]);
        FloatVector w2 = FloatVector.broadcast(S, wt[wc + 2]);
        FloatVector w3 = FloatVector.broadcast(S, wt[wc + 3]);
        FloatVector w4 = FloatVector.broadcast(S, wt[wc + 4]);
        FloatVector w5 = FloatVector.broadcast(S, wt[wc + 5]);
        FloatVector w6 = FloatVector.broadcast(S, wt[wc + 6]);
        FloatVector w7 = FloatVector.broadcast(S, wt[wc + 7]);
        FloatVector w8 = FloatVector.broadcast(S, wt[wc + 8]);
        FloatVector b = FloatVector.broadcast(S, bias);
        int c = 2 * o0 - pl; // input column of tap kx = 0 for lane 0
        // the taps of the row above output row 0's middle row: the padding row (zeros) or row 0; no branch between
        // vectors (C2 boxed the vectors of a merge of a zero vector and a load)
        float[] top = pt == 1 ? z : x;
        int r = pt == 1 ? L + c : xc + c;
        FloatVector u0 = FloatVector.fromArray(S, top, r);
        FloatVector u1 = FloatVector.fromArray(S, top, r + 1);
        FloatVector u2 = FloatVector.fromArray(S, top, r + 2);
        FloatVector v0 = FloatVector.fromArray(S, top, r + L);
        FloatVector v1 = FloatVector.fromArray(S, top, r + L + 1);
        FloatVector v2 = FloatVector.fromArray(S, top, r + L + 1).rearrange(LEFT).blend(Z, LAST);
        r = xc + c + (1 - pt) * w; // the middle row of output row 0
        int yr = yc + o0;
        for (int oy = 0; oy < oh; oy++) {
            FloatVector s = Z.add(u0.mul(w0)).add(u1.mul(w1)).add(u2.mul(w2));
            FloatVector t = Z.add(v0.mul(w0)).add(v1.mul(w1)).add(v2.mul(w2));
            s = s.add(FloatVector.fromArray(S, x, r).mul(w3))
                    .add(FloatVector.fromArray(S, x, r + 1).mul(w4))
                    .add(FloatVector.fromArray(S, x, r + 2).mul(w5));
            t = t.add(FloatVector.fromArray(S, x, r + L).mul(w3))
                    .add(FloatVector.fromArray(S, x, r + L + 1).mul(w4))
                    .add(FloatVector.fromArray(S, x, r + L + 1).rearrange(LEFT).blend(Z, LAST).mul(w5));
            r += w;
            u0 = FloatVector.fromArray(S, x, r);
            u1 = FloatVector.fromArray(S, x, r + 1);
            u2 = FloatVector.fromArray(S, x, r + 2);
            v0 = FloatVector.fromArray(S, x, r + L);
            v1 = FloatVector.fromArray(S, x, r + L + 1);
            v2 = FloatVector.fromArray(S, x, r + L + 1).rearrange(LEFT).blend(Z, LAST);
            r += w;
            s = s.add(u0.mul(w6)).add(u1.mul(w7)).add(u2.mul(w8)).add(b);
            t = t.add(v0.mul(w6)).add(v1.mul(w7)).add(v2.mul(w8)).add(b);
            s.rearrange(EVENS_LOW).blend(t.rearrange(EVENS_HIGH), HIGH).intoArray(y, yr);
            yr += ow;
        }
    }

    /**
     * {@link #blocks2} for the block at output column 0 with a left pad of 1: lane 0's tap kx = 0 is the padding column
     * (the row's first vector moved one lane right, lane 0 zero).
     */
    private static void left2(float[] x, int xc, int w, float[] wt, int wc, float bias, float[] y, int yc, int oh,
                               int ow, int pt, float[] z) {
        FloatVector w0 = FloatVector.broadcast(S, wt[wc]);
        FloatVector w1 = FloatVector.broadcast(S, wt[wc + 1]);
        FloatVector w2 = FloatVector.broadcast(S, wt[wc + 2]);
        FloatVector w3 = FloatVector.broadcast(S, wt[wc + 3]);
        FloatVector w4 = FloatVector.broadcast(S, wt[wc + 4]);
        FloatVector w5 = FloatVector.broadcast(S, wt[wc + 5]);
        FloatVector w6 = FloatVector.broadcast(S, wt[wc + 6]);
        FloatVector w7 = FloatVector.broadcast(S, wt[wc + 7]);
        FloatVector w8 = FloatVector.broadcast(S, wt[wc + 8]);
        FloatVector b = FloatVector.broadcast(S, bias);
        int o0 = 0;
        int c = -1; // a left pad of 1: lane 0 reads the padding column
        // the taps of the row above output row 0's middle row: the padding row (zeros) or row 0; no branch between
        // vectors (C2 boxed the vectors of a merge of a zero vector and a load)
        float[] top = pt == 1 ? z : x;
        int r = pt == 1 ? L + c : xc + c;
        FloatVector u0 = FloatVector.fromArray(S, top, r + 1).rearrange(RIGHT).blend(Z, FIRST);
        FloatVector u1 = FloatVector.fromArray(S, top, r + 1);
        FloatVector u2 = FloatVector.fromArray(S, top, r + 2);
        FloatVector v0 = FloatVector.fromArray(S, top, r + L);
        FloatVector v1 = FloatVector.fromArray(S, top, r + L + 1);
        FloatVector v2 = FloatVector.fromArray(S, top, r + L + 2);
        r = xc + c + (1 - pt) * w; // the middle row of output row 0
        int yr = yc + o0;
        for (int oy = 0; oy < oh; oy++) {
            FloatVector s = Z.add(u0.mul(w0)).add(u1.mul(w1)).add(u2.mul(w2));
            FloatVector t = Z.add(v0.mul(w0)).add(v1.mul(w1)).add(v2.mul(w2));
            s = s.add(FloatVector.fromArray(S, x, r + 1).rearrange(RIGHT).blend(Z, FIRST).mul(w3))
                    .add(FloatVector.fromArray(S, x, r + 1).mul(w4))
                    .add(FloatVector.fromArray(S, x, r + 2).mul(w5));
            t = t.add(FloatVector.fromArray(S, x, r + L).mul(w3))
                    .add(FloatVector.fromArray(S, x, r + L + 1).mul(w4))
                    .add(FloatVector.fromArray(S, x, r + L + 2).mul(w5));
            r += w;
            u0 = FloatVector.fromArray(S, x, r + 1).rearrange(RIGHT).blend(Z, FIRST);
            u1 = FloatVector.fromArray(S, x, r + 1);
            u2 = FloatVector.fromArray(S, x, r + 2);
            v0 = FloatVector.fromArray(S, x, r + L);
            v1 = FloatVector.fromArray(S, x, r + L + 1);
            v2 = FloatVector.fromArray(S, x, r + L + 2);
            r += w;
            s = s.add(u0.mul(w6)).add(u1.mul(w7)).add(u2.mul(w8)).add(b);
            t = t.add(v0.mul(w6)).add(v1.mul(w7)).add(v2.mul(w8)).add(b);
            s.rearrange(EVENS_LOW).blend(t.rearrange(EVENS_HIGH), HIGH).intoArray(y, yr);
            yr += ow;
        }
    }


    /** The warm-up's planes: up to 4 L + 3 columns and 2 (4 L + 3) + 1 rows, two planes. */
    private static final class WarmUpData {
        static final int SIDE = 2 * (4 * L + 3) + 1;
        final float[] x = new float[2 * SIDE * SIDE];
        final float[] y = new float[2 * SIDE * SIDE];
        final float[] w = new float[18];

        WarmUpData() {
            for (int i = 0; i < x.length; i++) {
                x[i] = (i * 37 % 101 - 50) / 64f;
            }
            for (int i = 0; i < w.length; i++) {
                w[i] = (i * 13 % 17 - 8) / 16f;
            }
        }
    }

    private static final class Holder {
        static final WarmUpData DATA = new WarmUpData();
    }

    /**
     * Step i of a warm-up round: both strides, both top and left pads of stride 2, odd and even heights, one block
     * of middle blocks or several, spare rows and columns or none, so that C2 compiles every path before a model
     * runs (a branch the warm-up never took sends a kernel back to the interpreter when a model takes it).
     */
    static void exercise(int i) {
        WarmUpData d = Holder.DATA;
        int ow = L + 1 + i % (3 * L + 3); // L + 1 .. 4 L + 3: more than a vector
        int h1 = 2 + i % 7;
        plane(d.x, i % 3, h1, ow, d.w, 0, i % 3 == 0 ? -0f : 0.25f, d.y, i % 5, h1, ow, 1, 1, 1);
        int pt = i % 2;
        int pl = i / 2 % 2;
        int oh = 1 + i % 5;
        // sizes whose windows end inside the plane (what suits allows), with a spare row or column or not
        int h = 2 * (oh - 1) + 3 - pt + i / 4 % 2;
        int wd = 2 * (ow - 1) + 3 - pl + i / 8 % 2;
        plane(d.x, i % 3, h, wd, d.w, 9, 0.5f, d.y, i % 5, oh, ow, 2, pt, pl);
    }

    /**
     * A round ({@link KernelWarmUp}): 2,000 steps of {@link #exercise}, then whether both strides run compiled: the
     * best of 5 x 20 calls on a 4 L + 3 wide plane within 40 ns per output vector (about 6 compiled; interpreted or
     * boxed, hundreds).
     */
    private static java.util.function.IntPredicate warmUpRound() {
        return round -> {
            for (int i = 0; i < 2_000; i++) {
                exercise(i);
            }
            WarmUpData d = Holder.DATA;
            int ow = 4 * L + 3;
            int rows = 8;
            long vectors = 2L * rows * ((ow + L - 1) / L + 1);
            long t0 = System.nanoTime();
            plane(d.x, 0, rows, ow, d.w, 0, 0.5f, d.y, 0, rows, ow, 1, 1, 1);
            plane(d.x, 0, 2 * rows, 2 * ow, d.w, 9, 0.5f, d.y, 0, rows, ow, 2, 1, 1);
            if (System.nanoTime() - t0 > 20 * vectors * 40) {
                return false; // still interpreted: the timing below would take long
            }
            long best = Long.MAX_VALUE;
            for (int t = 0; t < 5; t++) {
                t0 = System.nanoTime();
                for (int i = 0; i < 20; i++) {
                    plane(d.x, 0, rows, ow, d.w, 0, 0.5f, d.y, 0, rows, ow, 1, 1, 1);
                    plane(d.x, 0, 2 * rows, 2 * ow, d.w, 9, 0.5f, d.y, 0, rows, ow, 2, 1, 1);
                }
                best = Math.min(best, System.nanoTime() - t0);
            }
            return best <= 20 * vectors * 40;
        };
    }
}
