package qsh.commands.equalize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.Args;
import qsh.commands.spi.ChannelRanges;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.commands.spi.TextFit;
import qsh.commands.spi.TransformData;
import qsh.core.equalize.CleChain;
import qsh.core.equalize.CrossLayerEqualizer;
import qsh.core.equalize.CrossLayerEqualizer.ChainPlan;
import qsh.core.exec.Cancelled;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.tensor.Tensor;
import qsh.core.workflow.ModelState;

/**
 * Cross-layer equalization of the session's model with typed arguments (plan, step, apply): what {@code cle} and
 * JavaScript's {@code qsh.cle} both call, so the session changes the same way (one undo step per step or apply) and
 * the lines and data are the same.
 */
public final class Equalizing {
    private Equalizing() {}

    /** cle step's whisker axes on a wide terminal; a narrower one (80 columns: scripts, transcripts) gets what fits. */
    public static final int DEFAULT_WIDTH = 24;

    /** The spec's patterns ("Enhanced Quantization Techniques: Limitations"; r = required, o = optional). */
    static final String NO_CHAIN = "no chain to equalize: CLE needs Conv → BN → (ReLU) → Conv, or Conv → BN → (ReLU) →"
            + " DepthwiseConv → BN → (ReLU) → Conv, on a single branch (BN is required for the full algorithm: without its"
            + " β, γ absorb-bias says \"" + qsh.core.equalize.HighBiasAbsorber.INVALID_MODEL + "\")";

    /**
     * What to do.
     *
     * @param step      plan, step or apply (checked when the model is there, so a missing model is said first)
     * @param keepRelu6 leave ReLU6 activations alone (their chains are skipped)
     * @param explain   add the formula and the numbers of the first channels
     * @param rows      channels shown per chain
     * @param width     cle step's whisker axis width, or null for what fits the terminal
     * @param png       cle step: a PNG of the channel ranges to draw (as typed, resolved against the session), or null
     * @param inputList calibration inputs the change of the float outputs is measured on, or null for random ones
     * @param samples   inputs of {@code inputList} used
     */
    public record Request(String step, boolean keepRelu6, boolean explain, int rows, Integer width, String png,
                          String inputList, int samples) {}

    /** The request {@code cle}'s arguments describe (typed words, or {@link Args#of} for a JS call). */
    public static Request request(Args args) {
        String step = args.positional(0, "plan, step or apply");
        args.atMost(1);
        // plan shows a table per chain, step one layer's whiskers: each its own default number of rows
        int rows = args.getInt("rows", step.equals("plan") ? 4 : 8);
        Integer width = args.get("width").isPresent() ? args.getInt("width", DEFAULT_WIDTH) : null;
        return new Request(step, args.has("keep-relu6"), args.has("explain"), rows, width, args.get("png").orElse(null),
                args.get("input-list").orElse(null), args.getInt("samples"));
    }

    /** Plans, steps or applies CLE as {@code r} asks; step and apply make the equalized model the session's (undoable). */
    public static Result run(Session session, Request r) {
        ModelState m = session.requireModel();
        ClePreparation prep = ClePreparation.of(m, r.keepRelu6());
        switch (r.step()) {
            case "plan": return plan(m, prep, r);
            case "step": return step(m, prep, r, session);
            case "apply": return apply(m, prep, r, session);
            default: throw new CommandException("cle: unknown step '" + r.step() + "': use plan, step or apply");
        }
    }

    private static Result plan(ModelState m, ClePreparation prep, Request r) {
        List<ChainPlan> plans = CrossLayerEqualizer.plan(prep.graph(), prep.matches().chains());
        List<String> lines = new ArrayList<>();
        long done = plans.stream().filter(ChainPlan::isEqualized).count();
        lines.add("CLE plan for " + m.source() + ": " + plans.size() + " chain" + (plans.size() == 1 ? "" : "s")
                + (done > 0 ? " (" + done + " already equalized)" : ""));
        prep.describe(false).forEach(l -> lines.add("  " + l));
        for (int k = 0; k < plans.size(); k++) {
            ChainPlan p = plans.get(k);
            lines.add("chain " + (k + 1) + ": " + p.chain().describe() + "  (" + EqualizeText.shape(p) + ")"
                    + (p.isEqualized() ? "  equalized" : ""));
            lines.addAll(EqualizeText.table(p, r.rows()));
        }
        if (plans.isEmpty()) {
            lines.add(NO_CHAIN);
        } else if (r.explain()) {
            lines.addAll(EqualizeText.explain(plans.get(0), 3));
        }
        lines.addAll(EqualizeText.skipped(prep.matches().skipped(), 20));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("folds", prep.folds().size());
        data.put("replaced_relu6", prep.replaced());
        data.put("chains", plans.stream().map(EqualizeText::json).toList());
        data.put("skipped", prep.matches().skipped());
        return Result.of(data, lines);
    }

    private static Result step(ModelState m, ClePreparation prep, Request r, Session session) {
        List<CleChain> chains = prep.matches().chains();
        Graph g = prep.graph();
        int index = -1;
        for (int k = 0; k < chains.size() && index < 0; k++) {
            if (!CrossLayerEqualizer.plan(g, chains.get(k)).isEqualized()) {
                index = k;
            }
        }
        if (index < 0) {
            return nothingToDo(chains, prep);
        }
        CrossLayerEqualizer.Applied a = CrossLayerEqualizer.apply(g, chains.get(index));
        ChainPlan p = a.plans().get(0);
        // the picture: the depthwise layer of a triplet (the paper's Fig. 2), else the first conv of the pair
        Node shown = g.node(p.chain().layers().get(p.chain().isTriplet() ? 1 : 0));
        ChannelRanges before = ChannelRanges.of(shown, (Tensor) g.weights().get(shown.input(1)));
        ChannelRanges after = ChannelRanges.of(shown, (Tensor) a.graph().weights().get(shown.input(1)));
        List<String> lines = new ArrayList<>(prep.describe(true));
        String label = "chain " + (index + 1) + " of " + chains.size();
        lines.add("equalized " + label + ": " + p.chain().describe() + "  (" + EqualizeText.shape(p) + ")");
        lines.add(shown.name() + " weight ranges per output channel, before and after:");
        int width = r.width() != null ? r.width()
                : ChannelRanges.sideBySideWidth(before, after, r.rows(), session.columns(), DEFAULT_WIDTH);
        lines.addAll(ChannelRanges.sideBySide(before, after, width, r.rows()));
        lines.add("  channel max|w| spread (largest/smallest): " + spread(before) + " → " + spread(after));
        if (r.explain()) {
            lines.addAll(EqualizeText.explain(p, 3));
        }
        if (r.png() != null) {
            qsh.commands.spi.Charts.channelRanges(session.resolve(r.png()), "CLE " + label + ": weight ranges of "
                    + shown.name() + ", before and after", before, after);
            lines.add("  drew " + r.png());
        }
        lines.add(data(r, session, m.graph()).changeLine(m.graph(), a.graph()));
        session.transform(m.withGraph(a.graph(), a.rescale(prep.batchNorms())), "cle step (" + label + ")");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("chain", index + 1);
        data.put("plan", EqualizeText.json(p));
        data.put("folds", prep.folds().size());
        data.put("replaced_relu6", prep.replaced());
        // the whisker rows already fit the terminal (or the --width asked for); the sentences around them wrap
        return Result.of(data, TextFit.wrapAll(lines, session.columns()));
    }

    private static Result apply(ModelState m, ClePreparation prep, Request r, Session session) {
        List<CleChain> chains = prep.matches().chains();
        List<CleChain> todo = new ArrayList<>();
        for (CleChain c : chains) {
            stopIfCancelled("planning");
            if (!CrossLayerEqualizer.plan(prep.graph(), c).isEqualized()) {
                todo.add(c);
            }
        }
        if (todo.isEmpty()) {
            return nothingToDo(chains, prep);
        }
        CrossLayerEqualizer.Applied a = CrossLayerEqualizer.apply(prep.graph(), todo);
        List<String> lines = new ArrayList<>(prep.describe(true));
        lines.add("equalized " + todo.size() + " chain" + (todo.size() == 1 ? "" : "s")
                + (todo.size() < chains.size() ? " (" + (chains.size() - todo.size()) + " already were)" : "") + ":");
        List<Map<String, Object>> json = new ArrayList<>();
        for (ChainPlan p : a.plans()) {
            stopIfCancelled("describing the chains");
            Node shown = prep.graph().node(p.chain().layers().get(p.chain().isTriplet() ? 1 : 0));
            ChannelRanges before = ChannelRanges.of(shown, (Tensor) prep.graph().weights().get(shown.input(1)));
            ChannelRanges after = ChannelRanges.of(shown, (Tensor) a.graph().weights().get(shown.input(1)));
            lines.add("  " + p.chain().describe() + ": channel spread of " + shown.name() + " " + spread(before) + " → " + spread(after));
            json.add(EqualizeText.json(p));
        }
        if (r.explain()) {
            lines.addAll(EqualizeText.explain(a.plans().get(0), 3));
        }
        lines.addAll(EqualizeText.skipped(prep.matches().skipped(), 20));
        lines.add(data(r, session, m.graph()).changeLine(m.graph(), a.graph()));
        lines.add("next: absorb-bias moves high biases on (needs the folded batch norms' β, γ); undo reverts");
        session.transform(m.withGraph(a.graph(), a.rescale(prep.batchNorms())), "cle apply (" + todo.size() + " chains)");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("folds", prep.folds().size());
        data.put("replaced_relu6", prep.replaced());
        data.put("chains", json);
        data.put("skipped", prep.matches().skipped());
        return Result.of(data, lines);
    }

    /** The inputs the change of the float outputs is measured on (read after equalizing, as the command always did). */
    private static TransformData data(Request r, Session session, Graph g) {
        return TransformData.of(r.inputList(), r.samples(), session, g);
    }

    /** Ctrl-C in a loop over chains: the model is changed only at the end, so stopping here leaves it as it was. */
    private static void stopIfCancelled(String doing) {
        if (Cancelled.requested()) {
            throw new Cancelled("cle interrupted while " + doing + "; nothing was applied: the model is as before");
        }
    }

    /** Nothing changes: no chain, or every chain already equalized. */
    private static Result nothingToDo(List<CleChain> chains, ClePreparation prep) {
        List<String> lines = new ArrayList<>();
        lines.add(chains.isEmpty() ? NO_CHAIN + "; the model is unchanged"
                : "all " + chains.size() + " chains are already equalized; the model is unchanged");
        lines.addAll(EqualizeText.skipped(prep.matches().skipped(), 20));
        return Result.of(Map.of("chains", chains.size(), "changed", false, "skipped", prep.matches().skipped()), lines);
    }

    /** largest / smallest per-channel max|w|, the ratio CLE shrinks (a per-tensor grid must cover the largest). */
    private static String spread(ChannelRanges r) {
        float big = 0;
        float small = Float.POSITIVE_INFINITY;
        for (int c = 0; c < r.channels(); c++) {
            big = Math.max(big, r.absMax(c));
            small = Math.min(small, r.absMax(c));
        }
        return small > 0 ? String.format(java.util.Locale.ROOT, "%.1f×", big / small) : "∞ (a channel is all zero)";
    }
}
