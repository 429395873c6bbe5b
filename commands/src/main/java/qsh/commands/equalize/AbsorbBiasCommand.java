package qsh.commands.equalize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.Format;
import qsh.commands.ModelState;
import qsh.commands.Session;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.core.equalize.ClePatternMatcher;
import qsh.core.equalize.FoldedBatchNorms;
import qsh.core.equalize.HighBiasAbsorber;

/** {@code absorb-bias}: high-bias absorption along the CLE chains, using the folded batch norms' β and γ. */
public final class AbsorbBiasCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("absorb-bias", "equalize",
            "high-bias absorption: move c = max(0, β − 3|γ|) of each chain layer's bias into the next layer", "",
            List.of(OptionSpec.flag("padded", "also absorb into layers that zero-pad (the paper's way; changes border outputs)"),
                    OptionSpec.flag("explain", "print the formula and the numbers of the first channels")),
            List.of("absorb-bias", "absorb-bias --explain"), List.of("cle", "fold-bn", "undo"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        args.atMost(0);
        ModelState m = session.requireModel();
        ClePatternMatcher.Matches matches = ClePatternMatcher.match(m.graph());
        HighBiasAbsorber.Result r = HighBiasAbsorber.absorb(m.graph(), matches.chains(), m.batchNorms(), args.has("padded"));
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
                        + " channels, largest |c| " + Format.num(max));
            }
        }
        lines.add(0, (channels == 0 ? "nothing to absorb" : "absorbed high biases on " + channels + " channels") + ": "
                + r.absorptions().size() + " link" + (r.absorptions().size() == 1 ? "" : "s") + " checked"
                + (channels == 0 && !r.absorptions().isEmpty() ? ", β − 3|γ| ≤ 0 on every channel" : "")
                + (channels == 0 ? "; the model is unchanged" : ""));
        if (!r.padded().isEmpty()) {
            lines.add("  " + r.padded().size() + " link" + (r.padded().size() == 1 ? "" : "s") + " skipped because the later layer"
                    + " zero-pads its input (its border outputs would change; --padded absorbs anyway): "
                    + EqualizeText.list(r.padded(), 2));
        }
        if (args.has("explain")) {
            lines.addAll(explain(r, m.batchNorms(), 3));
        }
        if (r.graph() != m.graph()) {
            session.transform(m.withGraph(r.graph(), r.batchNorms()), "absorb-bias (" + channels + " channels)");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("absorbed_channels", channels);
        data.put("links", r.absorptions().stream().map(a -> Map.of("from", a.from(), "to", a.to(), "c", a.absorbed())).toList());
        data.put("padded_skipped", r.padded());
        data.put("without_data", r.withoutData());
        data.put("message", r.message());
        return Result.of(data, lines);
    }

    private static List<String> explain(HighBiasAbsorber.Result r, FoldedBatchNorms bn, int n) {
        List<String> lines = new ArrayList<>();
        lines.add("explain: (Nagel et al. 2019, §4.2) a folded BN says channel i before the activation has mean β, std |γ|;"
                + " c = max(0, β − 3|γ|) after ReLU (c = β with none); b1 −= c; b2 += Σ_{h,w} W2·c");
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
