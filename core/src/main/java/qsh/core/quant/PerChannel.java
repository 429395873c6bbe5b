package qsh.core.quant;

import java.util.ArrayList;
import java.util.List;
import qsh.core.tensor.Tensor;

/**
 * Per-channel encodings along any axis (spec, "Per-channel Quantization Overrides": one encoding per channel,
 * channel = index along the axis). A tensor of shape (d0 … dk) viewed along axis a is outer × C × inner with
 * C = d_a, outer = d0·…·d(a-1), inner = d(a+1)·…·dk; channel c owns the blocks [(o·C + c)·inner, +inner).
 */
public final class PerChannel {
    private PerChannel() {}

    /** The number of channels along {@code axis} (negative axes count from the end). */
    public static int channelCount(Tensor t, int axis) {
        return t.dim(t.normalizeAxis(axis));
    }

    /**
     * One encoding per channel along {@code axis}, each computed by {@code enc} over that channel's values.
     * Strided values are gathered into one reused scratch buffer (no allocation per element or per channel).
     */
    public static List<Encoding> encode(Tensor t, int axis, Encoder enc, int bitwidth, EncoderOptions options,
                                        Explanation explain) {
        Layout l = Layout.of(t.shape(), t.normalizeAxis(axis));
        float[] data = t.data();
        float[] scratch = new float[l.outer * l.inner];
        List<Encoding> out = new ArrayList<>(l.channels);
        for (int c = 0; c < l.channels; c++) {
            l.gather(data, c, scratch);
            Explanation sub = explain.enabled() ? new Explanation() : Explanation.NONE;
            Encoding e;
            try {
                e = enc.encode(scratch, 0, scratch.length, bitwidth, options, sub);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("channel " + c + " of axis " + l.axis + ": " + ex.getMessage(), ex);
            }
            out.add(e);
            if (explain.enabled()) {
                explain.step("channel " + c, e.toString());
            }
        }
        return out;
    }

    /** The outer × channels × inner view of a shape along an axis. */
    record Layout(int axis, int outer, int channels, int inner) {
        static Layout of(int[] shape, int axis) {
            if (axis < 0 || axis >= shape.length) {
                throw new IllegalArgumentException("axis " + axis + " is out of range for a rank-" + shape.length + " tensor");
            }
            int outer = 1;
            for (int i = 0; i < axis; i++) {
                outer *= shape[i];
            }
            int inner = 1;
            for (int i = axis + 1; i < shape.length; i++) {
                inner *= shape[i];
            }
            return new Layout(axis, outer, shape[axis], inner);
        }

        /** Start index of channel c's block in outer slice o. */
        int blockStart(int o, int c) {
            return (o * channels + c) * inner;
        }

        /** Copies channel c's values, in order, into dst (length outer·inner). */
        void gather(float[] src, int c, float[] dst) {
            for (int o = 0; o < outer; o++) {
                System.arraycopy(src, blockStart(o, c), dst, o * inner, inner);
            }
        }

        /** Checks that a per-channel encoding list matches the channel count. */
        void checkEncodings(List<Encoding> encodings) {
            if (encodings.size() != channels) {
                throw new IllegalArgumentException(encodings.size() + " encodings given for " + channels
                        + " channels along axis " + axis + ": give exactly one encoding per channel");
            }
        }
    }
}
