package qsh.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.calib.CalibrationInputs;
import qsh.core.graph.Graph;
import qsh.core.graph.InputDims;
import qsh.core.graph.Node;
import qsh.core.graph.ValueInfo;
import qsh.core.modelio.OnnxReader;
import qsh.core.sim.ModelQuantizer;
import qsh.core.sim.QuantConfig;
import qsh.core.sim.QuantOverrides;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/**
 * Simulated QDQ graphs of real models run by the fused plan (every activation's QuantizeLinear → DequantizeLinear
 * one fake-quant step, in a convolution's epilogue where it follows one) give the outputs of the node-by-node
 * plan (an observed run: each op kernel alone) bit for bit, and the integer tensors inside fused pairs are still
 * there for whoever asks for them.
 */
class SimulatedFusionTest {
    /** The model, bound to one input shape, or null when it is not on this machine. */
    private static Graph model(String which) throws Exception {
        switch (which) {
            case "demo":
                return OnnxReader.read(ModelBuilder.DEMO);
            case "classifier": {
                Graph g = ModelBuilder.resource(ModelBuilder.CLASSIFIER);
                return InputDims.bind(g, Map.of(g.inputs().get(0).name(), new long[] {1, 3, 48, 192})).graph();
            }
            default:
                String env = System.getenv("QSH_ZOO_CACHE");
                Path cache = env == null || env.isBlank() ? Path.of(System.getProperty("user.home"), ".cache", "qsh-zoo")
                        : Path.of(env);
                Path file = cache.resolve("torch").resolve(which + ".onnx");
                if (!Files.isRegularFile(file)) {
                    return null;
                }
                return InputDims.bind(OnnxReader.read(file), Map.of()).graph(); // batch 1
        }
    }

    private static Map<String, Tensor> input(Graph g, long seed) {
        ValueInfo v = g.inputs().get(0);
        int[] shape = java.util.Arrays.stream(v.dims()).mapToInt(d -> (int) Math.max(d, 1)).toArray();
        return Map.of(v.name(), ModelBuilder.random(seed, -1.5, 1.5, shape));
    }

    @ParameterizedTest(name = "{0}, per-channel {1}, act_bw {2}")
    @CsvSource({"demo, false, 8", "demo, true, 16", "classifier, false, 8", "classifier, true, 8",
        "mobilenet_v2, false, 8", "shufflenet_v2_x0_5, true, 8"})
    void fusedSimulationEqualsNodeByNodeBitForBit(String which, boolean perChannel, int actBw) throws Exception {
        Graph g = model(which);
        Assumptions.assumeTrue(g != null, which + " is not in the zoo cache (scripts/zoo/export_torchvision.py)");
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put(g.inputs().get(0).name(), input(g, 0).values().iterator().next().shape());
        CalibrationInputs calib = CalibrationInputs.of(List.of(input(g, 1), input(g, 2)), shapes, "test inputs");
        QuantConfig cfg = QuantConfig.DEFAULTS.withPerChannel(perChannel).withActBw(actBw).withBiasBw(32);
        Graph sim = ModelQuantizer.calibrate(g, calib, cfg, QuantOverrides.EMPTY, i -> { }).simulated();

        Map<String, Tensor> in = input(sim, 3);
        Map<String, Object> ref = Executor.run(sim, in, (name, node, value) -> { });
        for (int run = 0; run < 2; run++) { // the second reuses the first run's buffers
            Map<String, Object> fused = Executor.run(sim, in, null);
            assertEquals(ref.keySet(), fused.keySet());
            for (String k : ref.keySet()) {
                float[] want = ((Tensor) ref.get(k)).data();
                float[] got = ((Tensor) fused.get(k)).data();
                assertEquals(want.length, got.length, k);
                for (int i = 0; i < want.length; i++) {
                    if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                        throw new AssertionError(which + " output " + k + "[" + i + "]: node by node " + want[i]
                                + ", fused " + got[i]);
                    }
                }
            }
        }

        // every activation pair is fused: no QuantizeLinear step is left on its own
        ExecutionPlan plan = ExecutionPlan.of(sim, true);
        long pairs = sim.nodes().stream().filter(n -> n.opType().equals("QuantizeLinear")).count();
        assertTrue(pairs > 0, "the simulated graph quantizes activations");
        List<String> alone = new ArrayList<>();
        for (ExecutionPlan.Step s : plan.steps) {
            if (s.label.equals("QuantizeLinear") || s.label.equals("DequantizeLinear")) {
                alone.add(s.node.name());
            }
        }
        assertEquals(List.of(), alone, "unfused Q/DQ steps");
        long inEpilogues = plan.steps.stream().filter(s -> s.label.startsWith("Conv+")
                && s.label.contains("QuantizeLinear")).count();
        assertTrue(inEpilogues > 0, "some pairs run in a convolution's epilogue");

        // the integer tensor of a fused pair exists when asked for
        Node q = sim.nodes().stream().filter(n -> n.opType().equals("QuantizeLinear")).findFirst().orElseThrow();
        assertTrue(plan.eliminated.contains(q.output(0)));
        Map<String, Object> kept = Executor.run(sim, in, null, Set.of(q.output(0)));
        assertNotNull(kept.get(q.output(0)));
        assertTrue(kept.get(q.output(0)) instanceof LongTensor);
    }
}
