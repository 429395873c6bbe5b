package qsh.core.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.core.adaround.AdaRound;
import qsh.core.calib.CalibrationInputs;
import qsh.core.calib.InputList;
import qsh.core.equalize.CleAlgorithm;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.modelio.OnnxReader;
import qsh.core.schema.SchemaCheck;
import qsh.core.sim.EncodingsJson;
import qsh.core.sim.EncodingsVersion;
import qsh.core.sim.ModelQuantizer;
import qsh.core.sim.QuantConfig;
import qsh.core.sim.QuantOverrides;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/** Core's workflow API on the demo: each step returns a new state, leaves its input alone, and export writes what ORT runs. */
class ModelStateWorkflowTest {
    private static final Path LIST = Path.of("..", "scripts", "data", "demo", "input_list.txt");

    private static ModelState demo() throws Exception {
        return ModelState.loaded(OnnxReader.read(ModelBuilder.DEMO), "demo");
    }

    private static long count(Graph g, String op) {
        return g.nodes().stream().filter(n -> n.opType().equals(op)).count();
    }

    @Test
    void calibrationFoldsBatchNormsIntoANewStateAndLeavesTheOldOneFloat() throws Exception {
        ModelState m0 = demo();
        long bns = count(m0.graph(), "BatchNormalization");
        assertTrue(bns > 0, "the demo has batch norms");
        CalibrationInputs in = CalibrationInputs.forGraph(InputList.read(LIST), m0.graph());
        ModelState.Step<ModelQuantizer.Outcome> s = m0.calibrate(ModelQuantizer.Converter.DEFAULTS, in, QuantConfig.DEFAULTS,
                QuantOverrides.EMPTY, d -> { });

        assertNull(m0.plan(), "the input state stays float");
        assertEquals(bns, count(m0.graph(), "BatchNormalization"), "and keeps its batch norms");
        assertEquals(0, count(s.state().graph(), "BatchNormalization"), "the converter's view: batch norms folded");
        assertEquals(bns, s.result().folds().size());
        assertEquals(s.result().graph(), s.state().graph(), "the plan's names refer to the state's graph");
        assertSame(s.result().plan(), s.state().plan());
        assertFalse(s.state().batchNorms().isEmpty(), "β, γ kept for absorption");

        ModelState.Step<ModelQuantizer.Outcome> asIs = m0.calibrate(ModelQuantizer.Converter.AS_IS, in, QuantConfig.DEFAULTS,
                QuantOverrides.EMPTY, d -> { });
        assertSame(m0.graph(), asIs.state().graph(), "--disable_batchnorm_folding: the graph as it is");
    }

    @Test
    void stepsThatNeedAPlanSaySo(@TempDir Path dir) throws Exception {
        ModelState m0 = demo();
        IllegalStateException a = assertThrows(IllegalStateException.class,
                () -> m0.adaround(List.of(), AdaRound.Options.DEFAULTS, d -> { }));
        assertEquals(ModelState.ADAROUND_NEEDS_PLAN, a.getMessage());
        IllegalStateException b = assertThrows(IllegalStateException.class, m0::correctBiasesAnalytically);
        assertEquals(ModelState.BIAS_CORRECTION_NEEDS_PLAN, b.getMessage());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> m0.export(dir.resolve("q.onnx"), false, EncodingsVersion.V0_6_1));
        assertTrue(e.getMessage().contains("not quantized"), e.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "nothing written");
        }
    }

    @Test
    void theBatchPipelineExportsWhatOnnxRuntimeRunsAsSimulated(@TempDir Path dir) throws Exception {
        ModelState m0 = demo();
        List<Map<String, Tensor>> samples = CalibrationInputs.samples(LIST, m0.graph(), 8);
        assertEquals(8, samples.size());

        ModelState.Step<CleAlgorithm.Result> cle = m0.equalize(samples);
        assertFalse(cle.result().chains().isEmpty(), "the demo has chains to equalize");
        assertNull(cle.state().plan());
        CalibrationInputs in = CalibrationInputs.forGraph(InputList.read(LIST), cle.state().graph());
        ModelState cal = cle.state().calibrate(ModelQuantizer.Converter.DEFAULTS, in, QuantConfig.DEFAULTS.withWeightBw(4),
                QuantOverrides.EMPTY, d -> { }).state();
        AdaRound.Options quick = new AdaRound.Options(30, 4, 0.01, 20, 2, 0.2, 1e-2, 1);
        ModelState.Step<AdaRound.Result> ar = cal.adaround(samples, quick, d -> { });
        assertFalse(ar.result().layers().isEmpty());
        assertSame(cal.graph(), ar.state().graph(), "rounding keeps the graph");
        ModelState done = ar.state().correctBiases(samples, d -> { }).state();

        ModelFiles.Written w = done.export(dir.resolve("q.onnx"), true, EncodingsVersion.V1_0_0);
        Graph written = OnnxReader.read(w.model());
        SchemaCheck.requireValid(written, w.model().toString());
        assertTrue(w.quantizeNodes() > 0 && w.dequantizeNodes() > 0);
        assertEquals(done.plan().encodings().size(), EncodingsJson.read(w.encodings()).size(),
                "the encodings file holds every encoding of the plan");

        String input = m0.graph().inputs().get(0).name();
        String output = m0.graph().outputs().get(0).name();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession s = env.createSession(Files.readAllBytes(w.model()), so)) {
                for (Map<String, Tensor> x : samples) {
                    Tensor t = x.get(input);
                    float[] ours = ((Tensor) Executor.run(done.simulated(), x, null).get(output)).data();
                    try (OnnxTensor ot = OnnxTensor.createTensor(env, FloatBuffer.wrap(t.data()),
                            java.util.Arrays.stream(t.shape()).asLongStream().toArray());
                         OrtSession.Result r = s.run(Map.of(input, ot))) {
                        float[] ref = new float[ours.length];
                        ((OnnxTensor) r.get(output).orElseThrow()).getFloatBuffer().get(ref);
                        assertEquals(argmax(ref), argmax(ours), "ORT runs the exported file as qsh simulates it");
                    }
                }
            }
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
