package qsh.commands.equalize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.Format;
import qsh.core.workflow.ModelState;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.commands.spi.TransformData;
import qsh.core.equalize.ChainObservations;
import qsh.core.equalize.ClePatternMatcher;
import qsh.core.equalize.FoldedBatchNorms;
import qsh.core.equalize.HighBiasAbsorber;

/**
 * {@code absorb-bias}: exact high-bias absorption along the CLE chains (see {@link HighBiasAbsorber}): c from the
 * calibration inputs of {@code --input-list} when given (no larger than any pre-activation seen), else the paper's
 * max(0, β − 3|γ|) from the folded batch norms; zero-padding layers take their border part as a bias map.
 */
public final class AbsorbBiasCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("absorb-bias", "equalize",
            "high-bias absorption: move c of each chain layer's bias into the next (exact; c from --input-list data, else max(0, β − 3|γ|))",
            List.of(), OptionSpec.concat(TransformData.OPTIONS,
                    List.of(OptionSpec.flag("explain", "print the formula and the numbers of the first channels"))),
            List.of("absorb-bias", "absorb-bias --input-list scripts/data/demo/input_list.txt", "absorb-bias --explain"),
            List.of("cle", "fold-bn", "undo"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        args.atMost(0);
        ModelState m = session.requireModel();
        ClePatternMatcher.Matches matches = ClePatternMatcher.match(m.graph());
        TransformData data = TransformData.of(args, session, m.graph());
        ChainObservations seen = data.calibration() ? ChainObservations.observe(m.graph(), matches.chains(), data.inputs())
                : ChainObservations.dataFree(m.graph());
        HighBiasAbsorber.Result r = HighBiasAbsorber.absorb(m.graph(), matches.chains(), m.batchNorms(), seen);
        List<String> lines = new ArrayList<>();
        if (matches.chains().isEmpty()) {
            lines.add("no CLE chain in the model (cle plan says why); nothing to absorb");
        }
        if (!r.message().isEmpty()) {
            lines.add(r.message());
            lines.add("  no batch-norm β/γ for " + EqualizeText.list(r.withoutData(), 3)
                    + ": their links were skipped (fold-bn or cle on a model with BatchNormalization nodes records them)");
        }
        int channels = 0;
        for (HighBiasAbsorber.Absorption a : r.absorptions()) {
            channels += a.channelsChanged();
            float max = 0;
            for (float c : a.absorbed()) {
                max = Math.max(max, Math.abs(c));
            }
            if (a.channelsChanged() > 0) {
                lines.add("  " + a.from() + " → " + a.to() + ": " + a.channelsChanged() + " of " + a.absorbed().length
                        + " channels, largest |c| " + Format.num(max) + (a.mapped() ? " (bias map on its zero-padded borders)" : ""));
            }
        }
        lines.add(0, (channels == 0 ? "nothing to absorb" : "absorbed high biases on " + channels + " channels") + ": "
                + r.absorptions().size() + " link" + (r.absorptions().size() == 1 ? "" : "s") + " checked"
                + (channels == 0 && !r.absorptions().isEmpty() ? (r.dataDriven()
                        ? ", every channel's pre-activation reaches 0 or below on the " + seen.inputs() + " inputs"
                        : ", β − 3|γ| ≤ 0 on every channel") : "")
                + (channels == 0 ? "; the model is unchanged" : ""));
        if (!r.unsized().isEmpty()) {
            lines.add("  " + r.unsized().size() + " link" + (r.unsized().size() == 1 ? "" : "s") + " skipped: the later layer"
                    + " zero-pads an input of open size, so its bias map cannot be made (load with --input_dim): "
                    + EqualizeText.list(r.unsized(), 2));
        }
        lines.add(r.graph() == m.graph() ? "float outputs: unchanged (the model is the same)" : data.changeLine(m.graph(), r.graph()));
        if (args.has("explain")) {
            lines.addAll(explain(r, m.batchNorms(), 3));
        }
        if (r.graph() != m.graph()) {
            session.transform(m.withGraph(r.graph(), r.batchNorms()), "absorb-bias (" + channels + " channels)");
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("absorbed_channels", channels);
        json.put("links", r.absorptions().stream().map(a -> Map.of("from", a.from(), "to", a.to(), "c", a.absorbed(),
                "bias_map", a.mapped())).toList());
        json.put("unsized_skipped", r.unsized());
        json.put("c_from", r.dataDriven() ? "calibration inputs" : "batch norms (β − 3|γ|)");
        json.put("without_data", r.withoutData());
        json.put("message", r.message());
        return Result.of(json, lines);
    }

    private static List<String> explain(HighBiasAbsorber.Result r, FoldedBatchNorms bn, int n) {
        List<String> lines = new ArrayList<>();
        lines.add("explain: (Nagel et al. 2019, §4.2) ReLU(z) − c = ReLU(z − c) where z ≥ c. " + (r.dataDriven()
                ? "c = max(0, min z) over the calibration inputs (exact on them)"
                : "A folded BN says channel i before the activation has mean β, std |γ|: c = max(0, β − 3|γ|)")
                + " after ReLU (c = β with none); b1 −= c; b2 += Σ W2·c; where layer 2 zero-pads, its border outputs"
                + " read padding, not shifted input: a bias map adds −Σ W2·c over the padded taps, so the result is exact");
        if (r.absorptions().isEmpty()) {
            return lines;
        }
        HighBiasAbsorber.Absorption a = r.absorptions().stream().filter(x -> x.channelsChanged() > 0).findFirst()
                .orElse(r.absorptions().get(0));
        FoldedBatchNorms.Params p = bn.get(a.from()).orElseThrow();
        for (int i = 0; i < Math.min(n, a.absorbed().length); i++) {
            lines.add("  " + a.from() + " channel " + i + ": β = " + Format.num(p.beta()[i]) + ", γ = " + Format.num(p.gamma()[i])
                    + " → c = " + Format.num(a.absorbed()[i]));
        }
        return lines;
    }
}
