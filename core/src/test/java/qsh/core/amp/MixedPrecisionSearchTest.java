package qsh.core.amp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.amp.MixedPrecisionSearch.Candidate;
import qsh.core.amp.MixedPrecisionSearch.Options;
import qsh.core.amp.MixedPrecisionSearch.Search;
import qsh.core.calib.CalibrationInputs;
import qsh.core.calib.CalibrationStatistics;
import qsh.core.calib.Calibrator;
import qsh.core.calib.RawTensorFile;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.modelio.OnnxReader;
import qsh.core.sim.QuantConfig;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;

/**
 * The phase-2 searches on the demo model with a score that declines monotonically along every path (the number of
 * 16-bit quantizers in the simulated graph): binary and interpolation search must find the point brute force finds,
 * in both directions, and supported kernels must bound every group's candidates.
 */
class MixedPrecisionSearchTest {
    static Graph g;
    static CalibrationStatistics stats;
    static Map<String, int[]> shapes;
    static final List<Candidate> CANDS = List.of(Candidate.parse("16/16"), Candidate.parse("16/8"), Candidate.parse("8/8"));

    /** How many QuantizeLinear zero points are 16-bit: falls by one or two with every group lowered. */
    static final ToDoubleFunction<Graph> SIXTEEN_BIT = sim -> sim.weights().values().stream()
            .filter(v -> v instanceof LongTensor t && (t.dataType() == 4 || t.dataType() == 5)).count();

    @BeforeAll
    static void calibrate() throws IOException {
        g = OnnxReader.read(Path.of("..", "commands", "src", "main", "resources", "qsh", "demo", "demo.onnx"));
        List<Map<String, Tensor>> samples = new ArrayList<>();
        try (var s = Files.list(Path.of("..", "scripts", "data", "demo"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".raw")).sorted().toList()) {
                samples.add(Map.of("input", RawTensorFile.read(p, "input", new int[] {1, 1, 28, 28})));
            }
        }
        stats = Calibrator.collect(g, CalibrationInputs.of(samples, Map.of("input", new int[] {1, 1, 28, 28}), "demo"), false, 0, d -> { });
        shapes = new HashMap<>();
        Executor.run(g, samples.get(0), (name, node, v) -> {
            if (v instanceof Tensor t) {
                shapes.put(name, t.shape());
            }
        });
    }

    static MixedPrecisionSearch.Result run(Search search, boolean reverse, double drop) {
        return MixedPrecisionSearch.run(g, stats, QuantConfig.DEFAULTS, CANDS, shapes, SIXTEEN_BIT, drop,
                new Options(search, reverse, null, null, null, null), d -> { });
    }

    @ParameterizedTest
    @CsvSource({"0", "3", "10", "25", "1000"})
    void binaryAndInterpolationFindWhatBruteForceFinds(double drop) {
        for (boolean reverse : new boolean[] {false, true}) {
            MixedPrecisionSearch.Result brute = run(Search.BRUTEFORCE, reverse, drop);
            for (Search s : new Search[] {Search.BINARY, Search.INTERPOLATION}) {
                MixedPrecisionSearch.Result r = run(s, reverse, drop);
                assertArrayEquals(brute.chosen().choice(), r.chosen().choice(), s + " reverse=" + reverse + " drop " + drop);
                assertTrue(r.evaluations() <= brute.evaluations(), s + " scores no more models than brute force");
                assertTrue(r.chosen().score() >= r.baseline() - drop);
            }
        }
    }

    @Test
    void interpolationNeedsFewerScoresOnALinearCurve() {
        MixedPrecisionSearch.Result brute = run(Search.BRUTEFORCE, false, 20);
        MixedPrecisionSearch.Result interp = run(Search.INTERPOLATION, false, 20);
        int phase1 = brute.groups().size() * (CANDS.size() - 1) + 1;
        assertTrue(interp.evaluations() - phase1 <= 4, "interpolation: " + (interp.evaluations() - phase1) + " phase-2 scores");
    }

    @Test
    void cachedSensitivitiesSkipPhaseOneAndSupportedKernelsBoundTheCandidates() {
        MixedPrecisionSearch.Result first = run(Search.BINARY, false, 10);
        int n = first.groups().size();
        MixedPrecisionSearch.Result again = MixedPrecisionSearch.run(g, stats, QuantConfig.DEFAULTS, CANDS, shapes, SIXTEEN_BIT, 10,
                new Options(Search.BINARY, false, null, first.sensitivity(), null, null), d -> { });
        assertTrue(again.cached());
        assertEquals(first.evaluations() - n * (CANDS.size() - 1), again.evaluations(), "phase 1 not scored again");
        assertArrayEquals(first.chosen().choice(), again.chosen().choice());

        // Gemm supports only 16/8: it never takes 16/16 or 8/8
        MixedPrecisionSearch.Result bounded = MixedPrecisionSearch.run(g, stats, QuantConfig.DEFAULTS, CANDS, shapes, SIXTEEN_BIT, 1000,
                new Options(Search.BRUTEFORCE, false, null, null, Map.of("Gemm", Set.of(1)), null), d -> { });
        int gemm = bounded.groups().stream().map(MixedPrecisionSearch.Group::opType).toList().indexOf("Gemm");
        for (MixedPrecisionSearch.Point p : bounded.pareto()) {
            assertEquals(1, p.choice()[gemm]);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MixedPrecisionSearch.run(g, stats,
                QuantConfig.DEFAULTS, CANDS, shapes, SIXTEEN_BIT, 1, new Options(Search.BINARY, false, null, null, Map.of("Conv", Set.of()), null),
                d -> { }));
        assertTrue(e.getMessage().contains("supported_kernels"), e.getMessage());
    }
}
