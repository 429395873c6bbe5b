package qsh.core.exec.kernels;

import qsh.core.tensor.Tensor;

/**
 * ONNX InstanceNormalization: y = scale[c] · (x - mean) / sqrt(var + epsilon) + B[c], with mean and (biased)
 * variance over the spatial positions of each (n, c) plane (ONNX operator doc; Ulyanov et al. 2016, eq. 2).
 */
public final class InstanceNorm {
    private InstanceNorm() {
    }

    /** Normalizes each (n, c) plane of an N x C x D1 x ... tensor; scale and bias have C elements. */
    public static Tensor run(Tensor x, Tensor scale, Tensor bias, float epsilon) {
        if (x.rank() < 3) {
            throw new IllegalArgumentException("InstanceNormalization needs an N x C x D1 x ... input, got " + x.shapeString());
        }
        int c = x.dim(1);
        if (scale.size() != c || bias.size() != c) {
            throw new IllegalArgumentException("InstanceNormalization scale " + scale.shapeString() + " and B "
                    + bias.shapeString() + " must have " + c + " elements (the channels of " + x.shapeString() + ")");
        }
        int planes = x.dim(0) * c;
        int plane = planes == 0 ? 0 : x.size() / planes;
        float[] xd = x.data();
        float[] sd = scale.data();
        float[] bd = bias.data();
        float[] y = Buffers.floats(x.size());
        // three passes over each plane (sum, squared deviations, output)
        Parallel.forRange(planes, 6L * x.size(), 1 << 16, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int base = p * plane;
                double mean = Pool.planeSum(xd, base, plane) / plane;
                double var = 0;
                for (int i = base; i < base + plane; i++) {
                    double d = xd[i] - mean;
                    var += d * d;
                }
                var /= plane;
                double mul = sd[p % c] / Math.sqrt(var + epsilon);
                double add = bd[p % c] - mean * mul;
                for (int i = base; i < base + plane; i++) {
                    y[i] = (float) (xd[i] * mul + add);
                }
            }
        });
        return Tensor.of(x.shape(), y);
    }
}
