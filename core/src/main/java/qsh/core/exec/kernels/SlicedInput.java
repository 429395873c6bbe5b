package qsh.core.exec.kernels;

import java.util.Arrays;

/**
 * One group's convolution input copied into a zero-padded, stride-phase-split layout in which every im2col
 * row is a contiguous slice, as a GEMM panel source.
 *
 * <p>With padded sizes Hp x Wp and strides (sh, sw), phase (py, px) holds padded rows py, py + sh, ... and
 * columns px, px + sw, ..., in planes of Hq x Wq = ceil(Hp / sh) x ceil(Wp / sw). Kernel tap (ky, kx) at output
 * (oy, ox) reads padded position (oy sh + ky dh, ox sw + kx dw), which is phase ((ky dh) mod sh, (kx dw) mod sw)
 * at (oy + floor(ky dh / sh), ox + floor(kx dw / sw)). So, with output columns laid out Wq apart, im2col row
 * (ci, ky, kx) is the slice of oh * Wq elements starting at that tap's offset; the Wq - ow extra columns of each
 * output row read whatever follows and are discarded by the caller. Only the phases some tap uses are built.
 */
final class SlicedInput implements Sgemm.DirectSource {
    /** Whether {@link #compactPays} may choose the compact rows ({@link Conv#compactRows}, for A/B benchmarks). */
    static volatile boolean compact = true;

    /** Row width of the layout, and so of the GEMM's output rows (ow plus garbage columns). */
    final int wq;
    private final float[] xq;
    private final int[] rowStart;

    SlicedInput(float[] x, int xOff, int cg, int h, int w, int kh, int kw, int sh, int sw, int pt, int pl, int pb,
                int pr, int dh, int dw, int oh) {
        int hp = h + pt + pb;
        int wp = w + pl + pr;
        wq = (wp + sw - 1) / sw;
        int hq = (hp + sh - 1) / sh;
        int[] phaseIndex = new int[sh * sw];
        Arrays.fill(phaseIndex, -1);
        int phases = 0;
        for (int ky = 0; ky < kh; ky++) {
            for (int kx = 0; kx < kw; kx++) {
                int ph = (ky * dh % sh) * sw + kx * dw % sw;
                if (phaseIndex[ph] < 0) {
                    phaseIndex[ph] = phases++;
                }
            }
        }
        int planeSize = Math.multiplyExact(hq, wq);
        // the last slice of the last plane runs past its end by at most floor((kw - 1) dw / sw) garbage columns
        int slack = (kw - 1) * dw / sw + 1;
        int body = Math.multiplyExact(Math.multiplyExact(cg, phases), planeSize);
        xq = Buffers.floats(Math.addExact(body, slack));
        Arrays.fill(xq, body, xq.length, 0f);
        int fPhases = phases;
        int fWq = wq;
        float[] dst = xq;
        // (channel, phase) planes in parallel: copying a 96 x 82 x 82 layout took 0.3 ms on one core, and a
        // 3-channel input has 4 phases per channel when strided
        int[] phaseOf = new int[phases]; // phase index -> phase (py * sw + px)
        for (int ph = 0; ph < phaseIndex.length; ph++) {
            if (phaseIndex[ph] >= 0) {
                phaseOf[phaseIndex[ph]] = ph;
            }
        }
        Parallel.forRange(cg * phases, (long) body, 1 << 16, (u0, u1) -> {
            for (int u = u0; u < u1; u++) {
                int ci = u / fPhases;
                int phase = u % fPhases;
                fillPhase(x, xOff, ci, ci + 1, h, w, sh, sw, pt, pl, hq, fWq, phaseOf[phase], phase, fPhases, planeSize,
                        dst);
            }
        });
        rowStart = new int[cg * kh * kw];
        for (int ci = 0; ci < cg; ci++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    int ph = (ky * dh % sh) * sw + kx * dw % sw;
                    rowStart[(ci * kh + ky) * kw + kx] = (ci * phases + phaseIndex[ph]) * planeSize
                            + (ky * dh / sh) * wq + kx * dw / sw;
                }
            }
        }
        if (oh > hq) {
            throw new IllegalStateException("output height " + oh + " exceeds the phase plane height " + hq);
        }
    }

    /** Writes phase ph (index phase in the layout) of channels [c0, c1); {@link DepthwisePlanes} too, per channel. */
    static void fillPhase(float[] x, int xOff, int c0, int c1, int h, int w, int sh, int sw, int pt, int pl,
                                  int hq, int wq, int ph, int phase, int phases, int planeSize, float[] xq) {
        int py = ph / sw;
        int px = ph % sw;
        // columns j of this phase read input column px + j sw - pl, valid for j in [lo, hi)
        int lo = Math.max(0, Math.floorDiv(pl - px + sw - 1, sw));
        int hi = Math.min(wq, Math.floorDiv(w - 1 + pl - px, sw) + 1);
        lo = Math.min(lo, hi);
        for (int ci = c0; ci < c1; ci++) {
            int base = (ci * phases + phase) * planeSize;
            int xc = xOff + ci * h * w;
            for (int i = 0; i < hq; i++) {
                int iy = py + i * sh - pt;
                int d = base + i * wq;
                if (iy < 0 || iy >= h) {
                    Arrays.fill(xq, d, d + wq, 0f);
                    continue;
                }
                int xr = xc + iy * w + px - pl; // input index of column j is xr + j sw
                Arrays.fill(xq, d, d + lo, 0f);
                if (sw == 1) {
                    System.arraycopy(x, xr + lo, xq, d + lo, hi - lo);
                } else if (sw == 2) { // a column phase of stride 2: every other element
                    RowKernels.evens(x, xr + 2 * lo, xq, d + lo, hi - lo);
                } else {
                    for (int j = lo; j < hi; j++) {
                        xq[d + j] = x[xr + j * sw];
                    }
                }
                Arrays.fill(xq, d + hi, d + wq, 0f);
            }
        }
    }

    @Override
    public void row(int p, int j0, int len, float[] dst) {
        System.arraycopy(xq, rowStart[p] + j0, dst, 0, len);
    }

    @Override
    public float[] array() {
        return xq;
    }

    @Override
    public int rowOffset(int p) {
        return rowStart[p];
    }

    /**
     * The im2col rows without the layout's garbage columns: row p's column j is output position (j / ow, j % ow).
     * The GEMM then writes straight into Y and computes no discarded columns; each packed row is gathered from oh
     * runs of ow elements, so it pays where the garbage is a large share of a row ({@link #compactPays}).
     */
    Sgemm.PanelSource compact(int ow) {
        return (p, j0, len, dst) -> {
            int base = rowStart[p];
            int oy = j0 / ow;
            int ox = j0 % ow;
            int d = 0;
            while (d < len) {
                int run = Math.min(ow - ox, len - d);
                System.arraycopy(xq, base + oy * wq + ox, dst, d, run);
                d += run;
                oy++;
                ox = 0;
            }
        };
    }

    /**
     * Whether the compact rows are worth their gathering: when the garbage columns are at least an eighth of the
     * output row (a 5 x 5 plane computes 7 columns per row, a 10 x 10 plane 12), or when there are garbage columns
     * and no more im2col rows than output channels (a first layer's 27 rows for 32-64 channels): gathering costs a
     * copy per im2col row and output row, dropping the garbage after the GEMM one per output channel and row.
     * Measured by alternating on and off in one JVM (3 x 3 convolutions, 2 threads, best of 20 x 150 ms):
     * 512 x 5 x 5 -> 512 0.73x the time, 960 x 5 x 5 -> 160 0.84x, 96 x 10 x 10 -> 576 0.86x, 256 x 10 x 10 -> 256
     * 0.93x; first layers 3 -> 64 and 3 -> 32, 3 x 3 stride 2 on 160 x 160, 0.73x and 0.82x.
     */
    boolean compactPays(int ow, int rows, int outChannels) {
        return compact && (wq != ow && rows <= outChannels || (wq - ow) * 8 >= ow);
    }

    /** Returns the layout's buffer to the pool. */
    void release() {
        Buffers.recycle(xq);
    }
}
