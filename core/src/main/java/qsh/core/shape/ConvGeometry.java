package qsh.core.shape;

import java.util.Arrays;

/**
 * Output-size and padding arithmetic shared by the Conv, ConvTranspose and pooling kernels and static shape
 * inference (ONNX Conv/ConvTranspose/MaxPool operator docs).
 */
public final class ConvGeometry {
    private ConvGeometry() {
    }

    /** Resolves ONNX auto_pad to explicit pads (begin..., end...); NOTSET uses explicitPads (null = zeros). */
    public static int[] resolvePads(String autoPad, int[] inSpatial, int[] kernel, int[] strides,
                                    int[] dilations, int[] explicitPads) {
        int r = inSpatial.length;
        String mode = autoPad == null || autoPad.isEmpty() ? "NOTSET" : autoPad;
        int[] pads = new int[2 * r];
        switch (mode) {
            case "NOTSET":
                if (explicitPads != null) {
                    if (explicitPads.length != 2 * r) {
                        throw new IllegalArgumentException("pads " + Arrays.toString(explicitPads) + " must have "
                                + 2 * r + " entries (begin..., end...)");
                    }
                    return explicitPads.clone();
                }
                return pads;
            case "VALID":
                return pads;
            case "SAME_UPPER":
            case "SAME_LOWER":
                for (int d = 0; d < r; d++) {
                    int s = at(strides, d);
                    int out = (inSpatial[d] + s - 1) / s; // ceil(in / stride)
                    int extent = (kernel[d] - 1) * at(dilations, d) + 1;
                    int total = Math.max(0, (out - 1) * s + extent - inSpatial[d]);
                    int small = total / 2;
                    pads[d] = mode.equals("SAME_UPPER") ? small : total - small;
                    pads[d + r] = total - pads[d];
                }
                return pads;
            default:
                throw new IllegalArgumentException("unknown auto_pad '" + autoPad
                        + "' (use NOTSET, VALID, SAME_UPPER or SAME_LOWER)");
        }
    }

    /** Output spatial sizes: floor (or ceil) of (in + pads - dilated kernel) / stride + 1, per ONNX. */
    public static int[] outputSize(int[] inSpatial, int[] kernel, int[] strides, int[] pads, int[] dilations,
                                   boolean ceilMode) {
        int r = inSpatial.length;
        int[] out = new int[r];
        for (int d = 0; d < r; d++) {
            int s = at(strides, d);
            int padB = pads == null ? 0 : pads[d];
            int padE = pads == null ? 0 : pads[d + r];
            int extent = (kernel[d] - 1) * at(dilations, d) + 1;
            int span = inSpatial[d] + padB + padE - extent;
            if (span < 0) {
                throw new IllegalArgumentException("kernel extent " + extent + " exceeds padded input size "
                        + (inSpatial[d] + padB + padE) + " on spatial axis " + d);
            }
            int o = ceilMode ? Math.floorDiv(span + s - 1, s) + 1 : span / s + 1;
            // ceil_mode: the last window must start inside the input or the begin padding.
            if (ceilMode && (o - 1) * s >= inSpatial[d] + padB) {
                o--;
            }
            out[d] = o;
        }
        return out;
    }

    /**
     * Resolves pads per the ONNX ConvTranspose rules: with outputShape (or auto_pad SAME_*, where outputShape =
     * in * stride) total = s*(in-1) + outPad + (k-1)*d + 1 - out, split begin-heavy except for SAME_UPPER;
     * otherwise explicitPads (null = zeros).
     */
    public static int[] transposePads(String autoPad, int[] inSpatial, int[] kernel, int[] strides, int[] dilations,
                                      int[] outputPadding, int[] explicitPads, int[] outputShape) {
        int r = inSpatial.length;
        String mode = autoPad == null || autoPad.isEmpty() ? "NOTSET" : autoPad;
        boolean same = mode.equals("SAME_UPPER") || mode.equals("SAME_LOWER");
        if (!same && !mode.equals("NOTSET") && !mode.equals("VALID")) {
            throw new IllegalArgumentException("unknown auto_pad '" + autoPad
                    + "' (use NOTSET, VALID, SAME_UPPER or SAME_LOWER)");
        }
        int[] pads = new int[2 * r];
        if (outputShape == null && !same) {
            if (explicitPads == null || mode.equals("VALID")) {
                return pads;
            }
            if (explicitPads.length != 2 * r) {
                throw new IllegalArgumentException("ConvTranspose pads " + Arrays.toString(explicitPads)
                        + " must have " + 2 * r + " entries");
            }
            return explicitPads.clone();
        }
        for (int d = 0; d < r; d++) {
            int s = at(strides, d);
            int out = outputShape != null ? outputShape[outputShape.length - r + d] : inSpatial[d] * s;
            int total = s * (inSpatial[d] - 1) + at0(outputPadding, d)
                    + (kernel[d] - 1) * at(dilations, d) + 1 - out;
            int half = Math.floorDiv(total, 2); // ONNX rule uses floor division; negative total widens the end
            pads[d] = mode.equals("SAME_UPPER") ? half : total - half;
            pads[d + r] = total - pads[d];
        }
        return pads;
    }

    /** Entry d of a per-axis attribute, 1 when the attribute is absent. */
    public static int at(int[] values, int d) {
        return values == null || values.length == 0 ? 1 : values[d];
    }

    /** Entry d of a per-axis attribute, 0 when the attribute is absent (ConvTranspose's output_padding). */
    public static int at0(int[] values, int d) {
        return values == null || values.length == 0 ? 0 : values[d];
    }
}
