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
 *   <li><b>Segments</b> ({@link SimExportDiff}, forced run on the first input): every segment between two quantizers,
 *       run on ORT's codes, gives ORT's codes wherever qsh's float and ORT's own float (each QuantizeLinear's input,
 *       computed by the same ops from the same codes) round to the same code, and where they do not, the codes follow
 *       the floats: a code n steps off needs floats more than n - 1 steps apart, in that direction. So a wrong scale,
 *       zero point or rounding mode (codes that differ from equal floats) fails, whatever the bit width. The floats
 *       themselves must agree within {@value #FLOAT_GAP_ULPS} ulps of the tensor's largest magnitude (2^-13 of it),
 *       which two float32 summation orders of the same sum meet and a different formula does not; an 8-bit step is
 *       about 2^15 such ulps, a 16-bit step about 2^7, so at 16 bits float order alone moves many codes by a step
 *       (measured in the zoo: up to 24 % of a light model's codes). The folded weights must equal ORT's
 *       DequantizeLinear bit for bit.</li>
 *   <li><b>Outputs</b> ({@link SimExportNoise}): each gap between qsh's simulation and ONNX Runtime on the export
 *       (SQNR vs float, max output difference in output steps, top-1 disagreements) is within the larger of a fixed
 *       bar (0.2 dB, one step, 1 % of the rows) and {@value #SELF_GAP_FACTOR} times ORT's own gap when every
 *       quantizer input of the export moves by one or two ulps up or down (the largest over those four runs). Deep
 *       nets carry a one-code flip into output gaps of tens of steps, in ORT against itself too; four nudges are a
 *       thin sample of how far a flip travels (the PaddleOCR v3 recognizer at W8A8 per-channel: 44 steps against the
 *       nudges' 41, top-1 5 rows against 4, with every segment's codes explained by its floats), hence the factor.
 *       This part alone cannot tell a wrong scale from noise on a chaotic net (SimExportDiffTest); the segments can.</li>
 * </ol>
 */
final class SimExportCriterion {
    static final double SQNR_BAR_DB = 0.2;
    static final double STEPS_BAR = 1;
    static final double TOP1_BAR = 0.99;
    /** The largest |qsh's float - ORT's float| before a quantizer, in ulps of the tensor's largest magnitude. */
    static final double FLOAT_GAP_ULPS = 1024;
    /** The outputs' bar in units of ORT's gap against itself nudged (see the class comment). */
    static final double SELF_GAP_FACTOR = 2;

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
        double sqnrBar = Math.max(SQNR_BAR_DB, SELF_GAP_FACTOR * self.sqnrGap());
        double stepsBar = Math.max(STEPS_BAR, Double.isNaN(self.maxSteps()) ? 0 : SELF_GAP_FACTOR * self.maxSteps());
        int top1Bar = Math.max((int) Math.floor((1 - TOP1_BAR) * s.rows() + 1e-9), (int) (SELF_GAP_FACTOR * self.top1Differ()));
        boolean sqnrOk = s.sqnrGap() <= sqnrBar + 1e-9;
        boolean stepsOk = Double.isNaN(s.maxSteps()) || s.maxSteps() <= stepsBar + 1e-3; // integers up to float error
        boolean topOk = s.rows() == 0 || s.top1Differ() <= top1Bar;
        long codes = segments.rows().stream().mapToLong(Row::size).sum();
        long differ = segments.rows().stream().mapToLong(Row::forcedDiffer).sum();
        double maxCode = segments.rows().stream().mapToDouble(Row::forcedMax).max().orElse(0);
        Row wrong = segments.rows().stream()
                .filter(r -> r.forcedUnexplained() > 0 || r.forcedDiffer() > 0 && !(r.forcedFloatGapUlps() <= FLOAT_GAP_ULPS))
                .findFirst().orElse(null);
        boolean segmentsOk = wrong == null && segments.weightMismatches().isEmpty();
        String top1 = s.rows() == 0 ? "" : String.format(", top-1 differs on %d/%d (bar %d)", s.top1Differ(), s.rows(), top1Bar);
        String selfTop1 = s.rows() == 0 ? "" : String.format(", top-1 %d", self.top1Differ());
        double gap = segments.rows().stream().filter(r -> r.forcedDiffer() > 0).mapToDouble(Row::forcedFloatGapUlps)
                .max().orElse(0);
        String seg = String.format("segments: %d of %d codes differ, max %.0f step(s), floats %.3g ulps apart%s%s", differ,
                codes, maxCode, gap, wrong == null ? "" : String.format(", not float order at %s (%d of %d codes, max %.0f,"
                        + " %d unexplained, floats %.3g ulps apart)", wrong.tensor(), wrong.forcedDiffer(), wrong.size(),
                        wrong.forcedMax(), wrong.forcedUnexplained(), wrong.forcedFloatGapUlps()),
                segments.weightMismatches().isEmpty() ? "" : ", weights differ: " + segments.weightMismatches());
        return new Verdict(sqnrOk && stepsOk && topOk && segmentsOk, String.format(
                "sim %.2f vs ORT on export %.2f dB (gap %.2f, bar %.2f), max %.3g output steps (bar %.3g)%s;"
                        + " ORT vs itself nudged 1-2 ulps: %.2f dB, %.3g steps%s; %s",
                s.sqnrA(), s.sqnrB(), s.sqnrGap(), sqnrBar, s.maxSteps(), stepsBar, top1,
                self.sqnrGap(), self.maxSteps(), selfTop1, seg));
    }
}
