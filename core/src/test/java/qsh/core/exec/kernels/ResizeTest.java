package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import qsh.core.shape.ResizeGeometry;
import qsh.core.tensor.Tensor;

/** Golden values from the ONNX Resize operator documentation examples. */
class ResizeTest {
    private static final Tensor X = Tensor.of(new int[] {1, 1, 2, 2}, new float[] {1, 2, 3, 4});

    private static void close(float[] want, Tensor got) {
        assertArrayEquals(want, got.data(), 1e-5f);
    }

    @Test
    void linearHalfPixelUpsample() { // resize_upsample_scales_linear
        int[] out = ResizeGeometry.outputShape(X.shape(), new float[] {1, 1, 2, 2}, null);
        close(new float[] {1, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3, 3.25f, 3.75f, 4},
                Resize.resize(X, out, "linear", "half_pixel", "round_prefer_floor", -0.75f, false));
    }

    @Test
    void linearAlignCornersUpsample() { // resize_upsample_scales_linear_align_corners
        float t = 1f / 3, u = 2f / 3;
        close(new float[] {1, 1 + t, 1 + u, 2, 1 + u, 2, 2 + t, 2 + u, 2 + t, 2 + u, 3, 3 + t, 3, 3 + t, 3 + u, 4},
                Resize.resize(X, new int[] {1, 1, 4, 4}, "linear", "align_corners", "floor", -0.75f, false));
    }

    @Test
    void nearestUpsample() { // resize_upsample_scales_nearest, scales 1,1,2,3
        int[] out = ResizeGeometry.outputShape(X.shape(), new float[] {1, 1, 2, 3}, null);
        assertArrayEquals(new int[] {1, 1, 4, 6}, out);
        close(new float[] {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4},
                Resize.resize(X, out, "nearest", "half_pixel", "round_prefer_floor", -0.75f, false));
    }

    @Test
    void nearestAsymmetricDownsample() { // resize_downsample_scales_nearest: 2x4 by 0.6 -> 1x2 = [1, 3]
        Tensor x = Tensor.of(new int[] {1, 1, 2, 4}, new float[] {1, 2, 3, 4, 5, 6, 7, 8});
        float[] sc = {1, 1, 0.6f, 0.6f};
        int[] out = ResizeGeometry.outputShape(x.shape(), sc, null);
        close(new float[] {1, 3}, Resize.resize(x, out, sc, "nearest", "asymmetric", "round_prefer_floor", -0.75f, false));
    }

    @Test
    void cubicOfConstantIsConstant() {
        Tensor c = Tensor.of(new int[] {1, 1, 3, 3}, new float[] {5, 5, 5, 5, 5, 5, 5, 5, 5});
        Tensor y = Resize.resize(c, new int[] {1, 1, 7, 5}, "cubic", "half_pixel", "floor", -0.75f, true);
        for (float v : y.data()) {
            assertArrayEquals(new float[] {5}, new float[] {v}, 1e-5f);
        }
    }
}
