package qsh.core.shape;

import java.util.Arrays;

/** The output shape of ONNX Resize (and Upsample), shared by the Resize kernel and static shape inference. */
public final class ResizeGeometry {
    private ResizeGeometry() {
    }

    /** Output shape: sizes when given, otherwise floor(in * scale) per axis. */
    public static int[] outputShape(int[] inShape, float[] scales, int[] sizes) {
        if (sizes != null && sizes.length > 0) {
            if (sizes.length != inShape.length) {
                throw new IllegalArgumentException("Resize sizes " + Arrays.toString(sizes) + " must have one entry per axis of "
                        + Arrays.toString(inShape));
            }
            return sizes.clone();
        }
        if (scales == null || scales.length != inShape.length) {
            throw new IllegalArgumentException("Resize needs scales or sizes with one entry per axis of "
                    + Arrays.toString(inShape));
        }
        int[] out = new int[inShape.length];
        for (int d = 0; d < out.length; d++) {
            if (!(scales[d] > 0)) {
                throw new IllegalArgumentException("Resize scale " + scales[d] + " on axis " + d + " must be > 0");
            }
            out[d] = (int) Math.floor((double) inShape[d] * scales[d]);
        }
        return out;
    }
}
