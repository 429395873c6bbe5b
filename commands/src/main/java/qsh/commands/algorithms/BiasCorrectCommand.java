package qsh.commands.algorithms;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.core.calib.CalibrationInputs;
import qsh.core.workflow.ModelState;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.biascorrect.EmpiricalBiasCorrection;
import qsh.core.tensor.Tensor;

/**
 * {@code bias-correct [--empirical LIST]}: remove each layer's quantization-induced mean output shift from its bias
 * (or the following batch norm's mean). Analytical (default, no data): the shift predicted from the preceding
 * batch norm's β, γ; empirical: measured on calibration data, layer by layer.
 */
public final class BiasCorrectCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("bias-correct", "quantization",
            "remove the mean output shift quantization causes in each layer (analytical, or --empirical on data)",
            List.of(ArgSpec.of("INPUT_LIST", ArgKind.FILE).asOptional()),
            List.of(OptionSpec.flag("empirical", "measure the shift on an input list's data instead of predicting it from batch norms"),
                    OptionSpec.integer("samples", "N", "calibration inputs used").defaults(32).atLeast(1),
                    OptionSpec.flag("explain", "print the rule and the largest corrections")),
            List.of("calibrate scripts/data/demo/input_list.txt; bias-correct; eval fashion-mnist --limit 500", "calibrate scripts/data/demo/input_list.txt; bias-correct --empirical scripts/data/demo/input_list.txt"),
            List.of("calibrate", "adaround", "cle"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        boolean empirical = args.has("empirical") || !args.positional().isEmpty();
        args.atMost(1);
        ModelState m = session.requireModel();
        if (!m.quantizesWeights()) { // before any data is read
            throw new CommandException(ModelState.BIAS_CORRECTION_NEEDS_PLAN);
        }
        ModelState.Step<EmpiricalBiasCorrection.Result> step;
        int count = 0;
        try {
            if (empirical) {
                String file = args.positional(0, "an input list (empirical bias correction measures on data)");
                List<Map<String, Tensor>> samples = CalibrationInputs.samples(session.resolve(file), m.graph(),
                        args.getInt("samples"));
                count = samples.size();
                step = m.correctBiases(samples, session.progress("bias-correct", m.plan().params().size()));
            } else {
                step = m.correctBiasesAnalytically();
            }
        } catch (IllegalStateException e) {
            throw new CommandException(e.getMessage());
        }
        EmpiricalBiasCorrection.Result r = step.result();
        session.transform(step.state(), empirical ? "bias-correct --empirical" : "bias-correct");
        List<String> lines = new ArrayList<>();
        lines.add("bias-correct " + m.source() + " (" + (empirical ? "empirical, " + count + " samples" : "analytical") + "): "
                + r.corrections().size() + " layers corrected" + (r.skipped().isEmpty() ? "" : ", " + r.skipped().size() + " skipped"));
        if (args.has("explain")) {
            lines.add(empirical
                    ? "  rule: δ_c = mean over samples and positions of (quantized − float) output of channel c, with earlier"
                    + " layers already corrected; bias_c −= δ_c, or a following BatchNormalization's mean_c += δ_c"
                    : "  rule: δ_o = Σ (W̃ − W)[o, c, h, w] · E[x_c], E[x_c] = E[act(N(β_c, γ_c²))] from the batch norm"
                    + " before the layer; bias_o −= δ_o, or a following BatchNormalization's mean_o += δ_o");
        }
        List<Map<String, Object>> json = new ArrayList<>();
        int shown = 0;
        for (EmpiricalBiasCorrection.Correction c : r.corrections()) {
            if (shown++ < 6) {
                lines.add(String.format("  %-44s → %-44s mean |δ| %.3g, max %.3g", c.layer(), c.tensor(), c.meanAbsShift(),
                        c.maxAbsShift()));
            }
            json.add(Map.of("layer", c.layer(), "tensor", c.tensor(), "mean_abs_shift", c.meanAbsShift(),
                    "max_abs_shift", c.maxAbsShift()));
        }
        if (r.corrections().size() > 6) {
            lines.add("  … " + (r.corrections().size() - 6) + " more (--json lists all)");
        }
        r.skipped().forEach((k, v) -> lines.add("  skipped " + k + ": " + v));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("corrections", json);
        data.put("skipped", r.skipped());
        return Result.of(data, lines);
    }
}
