package qsh.core.exec.kernels;

import qsh.core.tensor.Tensor;

/**
 * ONNX LRN (local response normalization across channels, AlexNet/GoogLeNet):
 * square_sum[n, c, ...] = Σ x[n, c', ...]² over c' in [c - floor((size-1)/2), c + ceil((size-1)/2)] ∩ [0, C),
 * y = x / (bias + alpha / size · square_sum)^beta (ONNX operator doc, LRN-13).
 */
public final class Lrn {
    private Lrn() {
    }

    /** LRN of an N x C x ... tensor; the window of {@code size} channels is clipped at the channel ends. */
    public static Tensor lrn(Tensor x, int size, float alpha, float beta, float bias) {
        if (x.rank() < 3) {
            throw new IllegalArgumentException("LRN needs an N x C x D1 x ... input, got " + x.shapeString());
        }
        if (size < 1) {
            throw new IllegalArgumentException("LRN size must be at least 1, got " + size);
        }
        int n = x.dim(0);
        int c = x.dim(1);
        int planes = n * c;
        int plane = planes == 0 ? 0 : x.size() / planes;
        int before = (size - 1) / 2;
        int after = size - 1 - before; // ceil((size - 1) / 2)
        double k = (double) alpha / size;
        float[] xd = x.data();
        float[] y = Buffers.floats(x.size());
        // each output element reads `size` channels (multiply-add) and takes one pow: ~ (size + 20) units
        Parallel.forRange(planes, (long) x.size() * (size + 20), 1 << 16, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int b = p / c;
                int ch = p % c;
                int lo = Math.max(0, ch - before);
                int hi = Math.min(c - 1, ch + after);
                int base = p * plane;
                for (int s = 0; s < plane; s++) {
                    double sum = 0;
                    for (int q = lo; q <= hi; q++) {
                        double v = xd[(b * c + q) * plane + s];
                        sum += v * v;
                    }
                    y[base + s] = (float) (xd[base + s] / Math.pow(bias + k * sum, beta));
                }
            }
        });
        return Tensor.of(x.shape(), y);
    }
}
