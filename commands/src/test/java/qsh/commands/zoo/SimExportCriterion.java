package qsh.commands.zoo;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import qsh.commands.zoo.SimExportDiff.Row;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;

/**
 * The zoo's "simulation = export" criterion (issue 14, part 6), in two parts, both needed:
 * <ol>
 *   <li><b>Outputs</b> ({@link SimExportNoise}): each gap between qsh's simulation and ONNX Runtime on the export
 *       (SQNR vs float, max output difference in output steps, top-1 disagreements) is within the larger of a fixed
 *       bar (0.2 dB, one step, 1 % of the rows) and ORT's own gap when every quantizer input of the export moves by
 *       one or two ulps up or down (the largest over those four runs). Deep nets amplify a one-code tie into output gaps of tens of steps, in ORT against itself too, so a
 *       fixed bar alone fails on rounding noise.</li>
 *   <li><b>Segments</b> ({@link SimExportDiff}, forced run on the first input): every segment between two quantizers,
 *       run on ORT's codes, gives ORT's codes up to float-rounding ties: in every quantized tensor no code is off by
 *       more than one step, each code that is off comes from a float value (qsh's QuantizeLinear input) within
 *       {@value #TIE_ULPS} ulps of the tensor's largest magnitude from the boundary between the two codes, and the
 *       folded weights equal ORT's DequantizeLinear. Two float32 summation orders of the same dot product differ by a
 *       few such ulps (measured: at most 3.5 on the PaddleOCR classifier, 38 on light_squeezenet, whose late layers
 *       sum 512 terms of 1e10); a value computed differently (a scale 3 % off, SimExportDiffTest) lands anywhere in
 *       the step, which is about 2^15 such ulps at 8 bits. At 16 bits a whole step is about 128 of them, so there the
 *       test reduces to "at most one step" and flips are frequent (up to 7 % of light_squeezenet's codes at W8A16):
 *       float32 does not fix a 16-bit code of a deep sum more finely than that. A scale that is wrong still moves
 *       16-bit codes by many steps. The output bar widened by the noise floor cannot tell a wrong scale from noise on
 *       a chaotic net (measured: the PaddleOCR classifier moves 1.2 dB and 37 steps against itself), this part can.</li>
 * </ol>
 */
final class SimExportCriterion {
    static final double SQNR_BAR_DB = 0.2;
    static final double STEPS_BAR = 1;
    static final double TOP1_BAR = 0.99;
    /** A code one step off is a tie when its float value is at most this many ulps (of the tensor's largest |x|) from the boundary. */
    static final double TIE_ULPS = 64;

    /** The outcome; {@code detail} is one line with the figures compared. */
    record Verdict(boolean pass, String detail) {}

    private SimExportCriterion() {}

    /** Measures both parts for {@code simulated} against {@code export} on {@code inputs} ({@code ref}: float outputs). */
    static Verdict check(Graph simulated, List<float[]> ref, Path export, String input, List<Tensor> inputs, boolean top1)
            throws Exception {
        SimExportNoise.Result noise = SimExportNoise.measure(simulated, ref, export, input, inputs, top1);
        SimExportDiff.Result segments = SimExportDiff.compare(simulated, export, List.of(Map.of(input, inputs.get(0))));
        return judge(noise, segments);
    }

    static Verdict judge(SimExportNoise.Result noise, SimExportDiff.Result segments) {
        SimExportNoise.Pair s = noise.simVsExport();
        SimExportNoise.Pair self = noise.selfGap();
        double sqnrBar = Math.max(SQNR_BAR_DB, self.sqnrGap());
        double stepsBar = Math.max(STEPS_BAR, Double.isNaN(self.maxSteps()) ? 0 : self.maxSteps());
        int top1Bar = Math.max((int) Math.floor((1 - TOP1_BAR) * s.rows() + 1e-9), self.top1Differ());
        boolean sqnrOk = s.sqnrGap() <= sqnrBar + 1e-9;
        boolean stepsOk = Double.isNaN(s.maxSteps()) || s.maxSteps() <= stepsBar + 1e-3; // integers up to float error
        boolean topOk = s.rows() == 0 || s.top1Differ() <= top1Bar;
        long codes = segments.rows().stream().mapToLong(Row::size).sum();
        long differ = segments.rows().stream().mapToLong(Row::forcedDiffer).sum();
        double maxCode = segments.rows().stream().mapToDouble(Row::forcedMax).max().orElse(0);
        Row wrong = segments.rows().stream()
                .filter(r -> r.forcedMax() > 1 || r.forcedDiffer() > 0 && !(r.forcedTieUlps() <= TIE_ULPS))
                .findFirst().orElse(null);
        boolean segmentsOk = wrong == null && segments.weightMismatches().isEmpty();
        String top1 = s.rows() == 0 ? "" : String.format(", top-1 differs on %d/%d (bar %d)", s.top1Differ(), s.rows(), top1Bar);
        String selfTop1 = s.rows() == 0 ? "" : String.format(", top-1 %d", self.top1Differ());
        double tie = segments.rows().stream().filter(r -> r.forcedDiffer() > 0).mapToDouble(Row::forcedTieUlps)
                .max().orElse(0);
        String seg = String.format("segments: %d of %d codes differ, max %.0f, %.3g ulps from the boundary%s%s", differ,
                codes, maxCode, tie, wrong == null ? "" : String.format(", not ties at %s (%d of %d codes, max %.0f, %.3g ulps)",
                        wrong.tensor(), wrong.forcedDiffer(), wrong.size(), wrong.forcedMax(), wrong.forcedTieUlps()),
                segments.weightMismatches().isEmpty() ? "" : ", weights differ: " + segments.weightMismatches());
        return new Verdict(sqnrOk && stepsOk && topOk && segmentsOk, String.format(
                "sim %.2f vs ORT on export %.2f dB (gap %.2f, bar %.2f), max %.3g output steps (bar %.3g)%s;"
                        + " ORT vs itself nudged 1-2 ulps: %.2f dB, %.3g steps%s; %s",
                s.sqnrA(), s.sqnrB(), s.sqnrGap(), sqnrBar, s.maxSteps(), stepsBar, top1,
                self.sqnrGap(), self.maxSteps(), selfTop1, seg));
    }
}
