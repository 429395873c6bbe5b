package qsh.core.exec.kernels;

import java.util.Arrays;
import qsh.core.tensor.Tensor;

/** ONNX Pad (constant, reflect, edge) for any rank; pads are (begin..., end...) and may be negative (crop). */
public final class Pad {
    private Pad() {
    }

    /** Pads x; reflect mirrors without repeating the edge element (numpy 'reflect'). */
    public static Tensor pad(Tensor x, int[] pads, String mode, float value) {
        int r = x.rank();
        if (pads.length != 2 * r) {
            throw new IllegalArgumentException("Pad needs " + 2 * r + " pads for " + x.shapeString() + ", got "
                    + Arrays.toString(pads));
        }
        String m = mode == null ? "constant" : mode;
        if (!m.equals("constant") && !m.equals("reflect") && !m.equals("edge")) {
            throw new IllegalArgumentException("unknown Pad mode '" + mode + "' (use constant, reflect or edge)");
        }
        int[] in = x.shape();
        int[] out = new int[r];
        for (int d = 0; d < r; d++) {
            out[d] = in[d] + pads[d] + pads[d + r];
            if (out[d] < 0) {
                throw new IllegalArgumentException("Pad " + Arrays.toString(pads) + " crops axis " + d + " of "
                        + x.shapeString() + " below zero");
            }
            if (m.equals("reflect") && in[d] < 2 && (pads[d] > 0 || pads[d + r] > 0)) {
                throw new IllegalArgumentException("reflect Pad needs axis " + d + " of " + x.shapeString()
                        + " to have at least 2 elements");
            }
            if (m.equals("edge") && in[d] == 0 && out[d] > 0) {
                throw new IllegalArgumentException("edge Pad cannot extend empty axis " + d);
            }
        }
        float[] y = Buffers.floats(Math.toIntExact(Tensor.checkedSize(out)));
        int[] inStrides = x.strides();
        float[] xd = x.data();
        int[] idx = new int[r];
        for (int o = 0; o < y.length; o++) {
            int src = 0;
            boolean outside = false;
            for (int d = 0; d < r; d++) {
                int i = idx[d] - pads[d];
                int n = in[d];
                if (i < 0 || i >= n) {
                    if (m.equals("constant")) {
                        outside = true;
                        break;
                    } else if (m.equals("edge")) {
                        i = i < 0 ? 0 : n - 1;
                    } else { // reflect with period 2(n-1)
                        int period = 2 * (n - 1);
                        i = Math.floorMod(i, period);
                        if (i >= n) {
                            i = period - i;
                        }
                    }
                }
                src += i * inStrides[d];
            }
            y[o] = outside ? value : xd[src];
            for (int d = r - 1; d >= 0; d--) {
                if (++idx[d] < out[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return Tensor.of(out, y);
    }
}
