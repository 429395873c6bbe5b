package qsh.commands.zoo;

import java.util.Map;
import qsh.core.tensor.Tensor;

/**
 * Deterministic image-like inputs, bit-identical to scripts/zoo/zoo_inputs.py: a smooth random field
 * ((GRID+1)² uniform values per channel, bilinearly interpolated); for the text families (the OCR models) a page
 * background with dark glyphs in lines of words (a page of stroke glyphs for the detectors, one line of glyph
 * outlines for the recognizers and the classifier); plus uniform pixel noise, clamped to [0, 1],
 * normalized per channel. Every step is the Python side's float64 operation in the same order, rounded once to
 * float32, so qsh and the ONNX Runtime reference script see the same bytes (ort-reference.json keeps a checksum).
 */
final class ZooInputs {
    static final int GRID = 4;
    static final double NOISE = 0.1;
    /** From this height on an image is a page of text lines (the detectors); below, one text line. */
    static final int PAGE_HEIGHT = 64;
    /** Pixels per line of a page. */
    static final int PAGE_PITCH = 20;
    /** Stroke width of a page's glyphs. */
    static final int STROKE = 2;
    /** Per-family normalization: {mean[3], std[3]}. */
    static final Map<String, double[][]> NORMALIZATION = Map.of(
            "imagenet", new double[][] {{0.485, 0.456, 0.406}, {0.229, 0.224, 0.225}},
            "paddle", new double[][] {{0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}});

    /** Families whose images are text-like pages. */
    static final java.util.Set<String> TEXT_FAMILIES = java.util.Set.of("paddle");

    private ZooInputs() {}

    /** Glyph rectangles in lines of words, drawn from stream 2²⁰ + seed one uniform at a time (as zoo_inputs.py). */
    static boolean[] textMask(long seed, int h, int w) {
        boolean[] mask = new boolean[h * w];
        long stream = (1L << 20) + seed;
        long[] counter = {0};
        java.util.function.DoubleSupplier u = () -> uniform(stream, counter[0]++);
        if (h >= PAGE_HEIGHT) {
            return pageMask(mask, u, h, w);
        }
        int lines = Math.max(1, h / 40);
        double pitch = (double) h / lines;
        double size = pitch * 0.5;
        for (int j = 0; j < lines; j++) {
            double top = j * pitch + pitch * 0.25;
            double x = w * 0.1 * u.getAsDouble();
            int glyphs = 0;
            while (true) {
                double gw = size * (0.3 + 0.5 * u.getAsDouble());
                if (x + gw > w * 0.95) {
                    break;
                }
                int y0 = (int) Math.floor(top + size * 0.2 * u.getAsDouble());
                int y1 = Math.min(h, (int) Math.floor(top + size));
                int x0 = (int) Math.floor(x);
                int x1 = Math.min(w, (int) Math.floor(x + gw));
                if (y1 > y0 && x1 > x0) { // the glyph's outline, one pixel wide (filled blocks do not read as text)
                    java.util.Arrays.fill(mask, y0 * w + x0, y0 * w + x1, true);
                    java.util.Arrays.fill(mask, (y1 - 1) * w + x0, (y1 - 1) * w + x1, true);
                    for (int y = y0; y < y1; y++) {
                        mask[y * w + x0] = true;
                        mask[y * w + x1 - 1] = true;
                    }
                }
                glyphs++;
                x = x + gw + size * (0.1 + 0.2 * u.getAsDouble()) + (glyphs % 5 == 0 ? size : 0.0);
            }
        }
        return mask;
    }

    /** Lines of words whose glyphs are up to three vertical and three horizontal strokes (as zoo_inputs.py). */
    private static boolean[] pageMask(boolean[] mask, java.util.function.DoubleSupplier u, int h, int w) {
        int lines = h / PAGE_PITCH;
        double pitch = (double) h / lines;
        double size = pitch * 0.6;
        for (int j = 0; j < lines; j++) {
            double top = j * pitch + pitch * 0.2;
            double x = w * 0.1 * u.getAsDouble();
            int glyphs = 0;
            while (true) {
                double gw = size * (0.5 + 0.4 * u.getAsDouble());
                if (x + gw > w * 0.95) {
                    break;
                }
                int y0 = (int) Math.floor(top);
                int y1 = Math.min(h, (int) Math.floor(top + size));
                int x0 = (int) Math.floor(x);
                int x1 = Math.min(w, (int) Math.floor(x + gw));
                for (int k = 0; k < 3; k++) {
                    double a = u.getAsDouble();
                    double b = u.getAsDouble();
                    double c = u.getAsDouble();
                    if (a < 0.7) { // a vertical stroke
                        int xx = x0 + (int) Math.floor(b * (x1 - x0 - STROKE));
                        for (int y = y0; y < y1; y++) {
                            java.util.Arrays.fill(mask, y * w + xx, y * w + Math.min(w, xx + STROKE), true);
                        }
                    }
                    if (c < 0.6) { // a horizontal stroke
                        int yy = y0 + (int) Math.floor(b * (y1 - y0 - STROKE));
                        for (int y = yy; y < Math.min(h, yy + STROKE); y++) {
                            java.util.Arrays.fill(mask, y * w + x0, y * w + x1, true);
                        }
                    }
                }
                glyphs++;
                x = x + gw + size * (0.1 + 0.2 * u.getAsDouble()) + (glyphs % 5 == 0 ? size : 0.0);
            }
        }
        return mask;
    }

    /** SplitMix64's finalizer (the Python side wraps uint64 the same way). */
    static long splitmix64(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform double in [0, 1): the top 53 bits of splitmix64(stream·2³² + i). */
    static double uniform(long stream, long i) {
        return (splitmix64((stream << 32) + i) >>> 11) * (1.0 / 9007199254740992.0);
    }

    /** Image number {@code seed}, shape [1, c, h, w], of normalization family {@code family}. */
    static Tensor image(long seed, int c, int h, int w, String family) {
        double[][] norm = NORMALIZATION.get(family);
        if (norm == null) {
            throw new IllegalArgumentException("unknown normalization '" + family + "'");
        }
        float[] out = new float[c * h * w];
        boolean[] mask = TEXT_FAMILIES.contains(family) ? textMask(seed, h, w) : null;
        int g1 = GRID + 1;
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                double ty = (double) y * GRID / Math.max(h - 1, 1);
                int y0 = Math.min((int) Math.floor(ty), GRID - 1);
                double fy = ty - y0;
                for (int x = 0; x < w; x++) {
                    double tx = (double) x * GRID / Math.max(w - 1, 1);
                    int x0 = Math.min((int) Math.floor(tx), GRID - 1);
                    double fx = tx - x0;
                    long base = (long) ch * g1 * g1;
                    double a = uniform(2 * seed, base + (long) y0 * g1 + x0);
                    double b = uniform(2 * seed, base + (long) y0 * g1 + x0 + 1);
                    double cc = uniform(2 * seed, base + (long) (y0 + 1) * g1 + x0);
                    double d = uniform(2 * seed, base + (long) (y0 + 1) * g1 + x0 + 1);
                    double v = (a * (1 - fx) + b * fx) * (1 - fy) + (cc * (1 - fx) + d * fx) * fy;
                    int i = (ch * h + y) * w + x;
                    if (mask != null) {
                        v = 0.6 + 0.4 * v;
                        v = mask[y * w + x] ? v * 0.2 : v;
                    }
                    v = v + (uniform(2 * seed + 1, i) - 0.5) * NOISE;
                    v = Math.min(Math.max(v, 0.0), 1.0);
                    out[i] = (float) ((v - norm[0][ch % 3]) / norm[1][ch % 3]);
                }
            }
        }
        return Tensor.of(new int[] {1, c, h, w}, out);
    }

    /** Sum of the values in double, the fingerprint both sides compare. */
    static double checksum(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }
}
