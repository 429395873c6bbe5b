package qsh.core.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static qsh.core.testing.ModelBuilder.ints;
import static qsh.core.testing.ModelBuilder.random;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.calib.CalibrationInputs;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.quant.Encoding;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/**
 * A 32-bit bias whose value exceeds 2^31 - 1 steps of input scale × weight scale is not clipped: the weight scale is
 * widened until it fits (BiasRange), so the layer keeps its bias. Small weights with a large bias under 16-bit
 * activations are what BatchNorm folding makes of real models (PaddleOCR v3 rec).
 */
class BiasRangeTest {
    static final int[] SHAPE = {1, 2, 5, 5};

    /** x → Conv(w: channel 0 tiny, channel 1 ordinary; b: channel 0 large) → y. */
    static Graph model() {
        Tensor w = random(1, -0.5, 0.5, 3, 2, 3, 3);
        float[] d = w.data();
        for (int i = 0; i < 18; i++) {
            d[i] *= 1e-4f; // output channel 0
        }
        Tensor b = Tensor.vector(1000f, -0.1f, 0.2f);
        return new ModelBuilder(13).input("x", 1, 2, 5, 5).init("w", w).init("b", b)
                .node("Conv", List.of("x", "w", "b"), "y", ints("pads", 1, 1, 1, 1))
                .output("y").build();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"per-tensor, false", "per-channel, true"})
    void theBiasFitsAndTheOutputKeepsIt(String label, boolean perChannel) {
        List<Map<String, Tensor>> samples = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            samples.add(Map.of("x", random(10 + i, -1, 1, SHAPE)));
        }
        QuantConfig cfg = QuantConfig.DEFAULTS.withActBw(16).withBiasBw(32).withPerChannel(perChannel);
        ModelQuantizer.Outcome q = ModelQuantizer.calibrate(model(), CalibrationInputs.of(samples, Map.of("x", SHAPE),
                "test"), cfg, QuantOverrides.EMPTY, i -> { });
        QuantizationPlan plan = q.plan();
        assertTrue(plan.warnings().stream().anyMatch(s -> s.contains("widened the weight scale of 1 layer")),
                plan.warnings().toString());

        double inScale = plan.activations().get("x").encoding().scale();
        List<Encoding> we = plan.params().get("w").encodings();
        List<Encoding> be = plan.params().get("b").encodings();
        float[] bias = ((Tensor) model().weights().get("b")).data();
        for (int c = 0; c < be.size(); c++) {
            Encoding wc = we.get(we.size() == 1 ? 0 : c);
            assertEquals(inScale * wc.scale(), be.get(c).scale(), 1e-12 * be.get(c).scale(), "bias scale = in × w");
        }
        for (int c = 0; c < bias.length; c++) {
            double step = be.get(be.size() == 1 ? 0 : c).scale();
            assertTrue(Math.abs(bias[c]) / step <= 2147483647.0, "channel " + c + " fits int32");
        }
        // the simulated output of channel 0 keeps the bias of 1000 (clipped it would be far below)
        Tensor x = random(99, -1, 1, SHAPE);
        Map<String, Tensor> in = new LinkedHashMap<>(Map.of("x", x));
        float[] sim = ((Tensor) Executor.run(q.simulated(), in, null).get("y")).data();
        float[] ref = ((Tensor) Executor.run(model(), in, null).get("y")).data();
        double outStep = plan.activations().get("y").encoding().scale();
        for (int k = 0; k < 25; k++) {
            assertEquals(ref[k], sim[k], 4 * outStep + 1e-3, "channel 0, position " + k);
        }
    }
}
