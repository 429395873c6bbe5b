package qsh.core.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import qsh.core.quant.Encoding;

/**
 * Keeps a 32-bit bias on its int32 grid. The spec's 32-bit bias has scale = input scale × weight scale and offset 0;
 * when a bias value is larger than (2^31 - 1) of those steps it would be clipped, and the layer's output shifts by
 * the clipped amount. That happens with 16-bit activations (a small input scale) and with BatchNorm folded into
 * per-channel weights (small weight scales next to large folded biases): on PaddleOCR v3 rec at W8A16 it took
 * the export from about 24 dB to 1 dB.
 *
 * <p>As TFLite's and ONNX Runtime's quantizers do, the weight scale (per channel where the weights are per channel)
 * is widened instead, by the ratio that makes the bias fit: s_w' = s_w · r with r = 1.0001 · |b|max / (2^31 - 1) /
 * (s_in · s_w) when r > 1; the weight grid keeps its zero point. The weights then lose a little resolution, which
 * costs far less than a clipped bias.
 */
final class BiasRange {
    /** Slack so that the largest bias lands strictly inside the grid after rounding (ONNX Runtime uses the same). */
    static final double EPSILON = 1.0001;
    private static final double INT32_MAX = 2147483647.0;

    private BiasRange() {
    }

    /**
     * The weight precision with every scale widened so that {@code bias} fits on an int32 grid of scale
     * inputScale × weight scale; {@code wp} itself when nothing needs widening. Records the largest ratio used
     * under {@code weightName} in {@code widened}.
     */
    static TensorPrecision widenWeightsToFit(TensorPrecision wp, double inputScale, float[] bias, String weightName,
            Map<String, Double> widened) {
        List<Encoding> encs = wp.encodings();
        boolean perChannel = encs.size() > 1;
        if (perChannel && encs.size() != bias.length) {
            return wp; // not one bias per channel: leave it to the planner's own checks
        }
        double tensorAbsMax = 0;
        for (float b : bias) {
            tensorAbsMax = Math.max(tensorAbsMax, Math.abs((double) b));
        }
        List<Encoding> out = new ArrayList<>(encs.size());
        double largest = 1;
        for (int c = 0; c < encs.size(); c++) {
            Encoding e = encs.get(c);
            double absMax = perChannel ? Math.abs((double) bias[c]) : tensorAbsMax;
            double smallestValid = EPSILON * absMax / INT32_MAX;
            double candidate = inputScale * e.scale();
            if (candidate > 0 && candidate < smallestValid) {
                double ratio = smallestValid / candidate;
                largest = Math.max(largest, ratio);
                out.add(Encoding.fromScaleAndZeroPoint(e.bitwidth(), e.scale() * ratio, e.zeroPoint(), e.symmetric()));
            } else {
                out.add(e);
            }
        }
        if (largest == 1) {
            return wp;
        }
        widened.merge(weightName, largest, Math::max);
        return TensorPrecision.integer(out, wp.axis());
    }

    /** One line on the widened weights, or empty when none were. */
    static Optional<String> describe(Map<String, Double> widened) {
        if (widened.isEmpty()) {
            return Optional.empty();
        }
        Map.Entry<String, Double> worst = widened.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        return Optional.of(String.format(Locale.ROOT, "widened the weight scale of %d layer(s) so that their 32-bit"
                + " bias (scale = input scale × weight scale) fits in int32 instead of being clipped, as TFLite and"
                + " ONNX Runtime do; the most: '%s' ×%.3g", widened.size(), worst.getKey(), worst.getValue()));
    }
}
