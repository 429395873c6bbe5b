package qsh.core.exec.kernels;

import qsh.core.tensor.Tensor;

/** ONNX BatchNormalization in inference mode: y = (x - mean) / sqrt(var + eps) * scale + bias, per channel (axis 1). */
public final class BatchNorm {
    private BatchNorm() {
    }

    /** Applies per-channel inference batch norm; the per-channel factor is computed in double. */
    public static Tensor inference(Tensor x, Tensor scale, Tensor bias, Tensor mean, Tensor var, float epsilon) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("BatchNormalization needs X of rank >= 2, got " + x.shapeString());
        }
        int n = x.dim(0);
        int c = x.dim(1);
        for (Tensor t : new Tensor[] {scale, bias, mean, var}) {
            if (t.size() != c) {
                throw new IllegalArgumentException("BatchNormalization parameter " + t.shapeString()
                        + " must have " + c + " elements (channels of X " + x.shapeString() + ")");
            }
        }
        int inner = c == 0 || n == 0 ? 0 : x.size() / (n * c);
        float[] xd = x.data();
        float[] y = Buffers.floats(xd.length);
        for (int ch = 0; ch < c; ch++) {
            double f = scale.get(ch) / Math.sqrt((double) var.get(ch) + epsilon);
            float mul = (float) f;
            float add = (float) (bias.get(ch) - mean.get(ch) * f);
            for (int b = 0; b < n; b++) {
                int base = (b * c + ch) * inner;
                for (int i = 0; i < inner; i++) {
                    y[base + i] = xd[base + i] * mul + add;
                }
            }
        }
        return Tensor.of(x.shape(), y);
    }
}
