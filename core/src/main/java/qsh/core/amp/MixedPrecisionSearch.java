package qsh.core.amp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.function.ToDoubleFunction;
import qsh.core.calib.CalibrationStatistics;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.quant.Encoding;
import qsh.core.sim.QdqGraphBuilder;
import qsh.core.sim.QuantConfig;
import qsh.core.sim.QuantOverrides;
import qsh.core.sim.QuantizationPlan;
import qsh.core.sim.QuantizationPlanner;
import qsh.core.tensor.Tensor;

/**
 * Automatic mixed precision (algorithms.md, "AMP"; spec, qairt-quantizer AMP): one quantizer group per weighted
 * op (its output, weight and bias). Phase 1 scores each group alone at each lower candidate, everything else at
 * the first (highest) candidate → a sensitivity per (group, candidate). Phase 2 starts from all-highest and
 * lowers groups least-sensitive first; each step is a point (relative BitOps, score); the chosen point is the
 * last one whose score stays within the allowed drop of the all-highest score, found by binary search (the
 * curve is assumed to decline monotonically) or brute force (every point scored). BitOps = Σ MACs × act bits ×
 * param bits, float bitwidths weighted × √1.5. The result is a set of overrides (bitwidth-only integer
 * entries, dtype float entries) that the planner turns into the mixed-precision model with convert ops.
 */
public final class MixedPrecisionSearch {
    /** Phase-2 search. */
    public enum Search { BINARY, BRUTEFORCE }

    /** One AMP candidate: activation and parameter precision (spec: [[act_bw, dtype], [param_bw, dtype]]). */
    public record Candidate(int actBw, boolean actFloat, int paramBw, boolean paramFloat) {
        /** "a8w8", "a16w8", "fp16". */
        public String label() {
            return actFloat && paramFloat && actBw == paramBw ? "fp" + actBw
                    : "a" + (actFloat ? "fp" : "") + actBw + "w" + (paramFloat ? "fp" : "") + paramBw;
        }

        double bitFactor() {
            return actBw * (actFloat ? Math.sqrt(1.5) : 1) * paramBw * (paramFloat ? Math.sqrt(1.5) : 1);
        }

        /** Parses "8/8", "16/8" (act/param, integer) or "fp16" (both float 16). */
        public static Candidate parse(String s) {
            String t = s.strip().toLowerCase(java.util.Locale.ROOT);
            if (t.startsWith("fp")) {
                int bw = Integer.parseInt(t.substring(2));
                return new Candidate(bw, true, bw, true);
            }
            String[] p = t.split("/");
            if (p.length != 2) {
                throw new IllegalArgumentException("candidate '" + s + "': write ACT/PARAM bitwidths such as 8/8 or 16/8, or fp16");
            }
            return new Candidate(Integer.parseInt(p[0]), false, Integer.parseInt(p[1]), false);
        }
    }

    /** A quantizer group: the weighted op, its output quantization point, weight, bias, and MACs per inference. */
    public record Group(String op, String output, String weight, String bias, long macs) {}

    /** A point of the pareto curve: candidate index per group, relative BitOps (1 = all-highest), score. */
    public record Point(int[] choice, double relativeBitOps, double score) {}

    /**
     * The outcome.
     *
     * @param groups      the quantizer groups
     * @param baseline    the all-highest score
     * @param sensitivity [group][candidate] score drop when only that group is at that candidate (0 for candidate 0)
     * @param pareto      the scored points of phase 2, in order of decreasing BitOps
     * @param chosen      the chosen point
     * @param overrides   the overrides that describe {@code chosen}
     * @param evaluations how many models were scored
     */
    public record Result(List<Group> groups, double baseline, double[][] sensitivity, List<Point> pareto, Point chosen,
                         QuantOverrides overrides, int evaluations) {}

    private final Graph g;
    private final CalibrationStatistics stats;
    private final QuantConfig cfg;
    private final List<Candidate> candidates;
    private final ToDoubleFunction<Graph> score;
    private final List<Group> groups;
    private int evaluations;

    private MixedPrecisionSearch(Graph g, CalibrationStatistics stats, QuantConfig cfg, List<Candidate> candidates,
                                 ToDoubleFunction<Graph> score, Map<String, int[]> shapes) {
        this.g = g;
        this.stats = stats;
        this.cfg = cfg;
        this.candidates = List.copyOf(candidates);
        this.score = score;
        this.groups = groups(g, shapes, QuantizationPlanner.plan(g, stats.tensors(), cfg, QuantOverrides.EMPTY, stats));
    }

    /**
     * Runs AMP. {@code candidates} start with the highest precision; {@code shapes} are value shapes of one run
     * (for MACs); {@code score} scores a simulation graph (higher is better); {@code allowedDrop} is in score units.
     */
    public static Result run(Graph g, CalibrationStatistics stats, QuantConfig cfg, List<Candidate> candidates,
                             Map<String, int[]> shapes, ToDoubleFunction<Graph> score, double allowedDrop, Search search,
                             IntConsumer progress) {
        if (candidates.size() < 2) {
            throw new IllegalArgumentException("AMP needs at least two candidates (the first is the highest precision)");
        }
        MixedPrecisionSearch s = new MixedPrecisionSearch(g, stats, cfg, candidates, score, shapes);
        return s.search(allowedDrop, search, progress);
    }

    private Result search(double allowedDrop, Search search, IntConsumer progress) {
        int n = groups.size();
        int[] all0 = new int[n];
        double baseline = evaluate(all0);
        double[][] sens = new double[n][candidates.size()];
        for (int i = 0; i < n; i++) { // phase 1
            for (int c = 1; c < candidates.size(); c++) {
                int[] choice = new int[n];
                choice[i] = c;
                sens[i][c] = baseline - evaluate(choice);
            }
            progress.accept(i + 1);
        }
        // phase 2: moves (group → lower candidate), least sensitive per BitOps saved first
        List<int[]> moves = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int c = 1; c < candidates.size(); c++) {
                if (candidates.get(c).bitFactor() < candidates.get(0).bitFactor()) {
                    moves.add(new int[] {i, c});
                }
            }
        }
        moves.sort(Comparator.<int[]>comparingDouble(m -> sens[m[0]][m[1]])
                .thenComparingDouble(m -> -groups.get(m[0]).macs() * (candidates.get(0).bitFactor()
                        - candidates.get(m[1]).bitFactor())));
        List<int[]> steps = new ArrayList<>();
        int[] cur = new int[n];
        steps.add(cur.clone());
        for (int[] m : moves) {
            if (candidates.get(m[1]).bitFactor() < candidates.get(cur[m[0]]).bitFactor()) {
                cur[m[0]] = m[1];
                steps.add(cur.clone());
            }
        }
        double target = baseline - allowedDrop;
        Map<Integer, Double> scored = new LinkedHashMap<>();
        scored.put(0, baseline);
        int best = 0;
        if (search == Search.BRUTEFORCE) {
            for (int k = 1; k < steps.size(); k++) {
                double sc = evaluate(steps.get(k));
                scored.put(k, sc);
                if (sc >= target) {
                    best = k;
                }
            }
        } else { // binary: the largest k with score(k) ≥ target, assuming a monotone decline
            int lo = 0;
            int hi = steps.size() - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) / 2;
                double sc = evaluate(steps.get(mid));
                scored.put(mid, sc);
                if (sc >= target) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            best = lo;
        }
        List<Point> pareto = new ArrayList<>();
        scored.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                pareto.add(new Point(steps.get(e.getKey()), relativeBitOps(steps.get(e.getKey())), e.getValue())));
        Point chosen = new Point(steps.get(best), relativeBitOps(steps.get(best)), scored.get(best));
        return new Result(groups, baseline, sens, pareto, chosen, overrides(steps.get(best)), evaluations);
    }

    private double evaluate(int[] choice) {
        evaluations++;
        QuantOverrides ov = overrides(choice);
        QuantizationPlan plan = QuantizationPlanner.plan(g, stats.tensors(), cfg, ov, stats);
        return score.applyAsDouble(QdqGraphBuilder.build(g, plan, true));
    }

    double relativeBitOps(int[] choice) {
        double all = 0;
        double mine = 0;
        for (int i = 0; i < groups.size(); i++) {
            all += groups.get(i).macs() * candidates.get(0).bitFactor();
            mine += groups.get(i).macs() * candidates.get(choice[i]).bitFactor();
        }
        return all == 0 ? 1 : mine / all;
    }

    /** Overrides that put each group at its chosen candidate. */
    QuantOverrides overrides(int[] choice) {
        Map<String, List<Encoding>> acts = new LinkedHashMap<>();
        Map<String, List<Encoding>> params = new LinkedHashMap<>();
        Map<String, Integer> actBw = new LinkedHashMap<>();
        Map<String, Integer> paramBw = new LinkedHashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            Group gr = groups.get(i);
            Candidate c = candidates.get(choice[i]);
            if (c.actFloat()) {
                acts.put(gr.output(), List.of(Encoding.floatingPoint(c.actBw())));
            } else {
                actBw.put(gr.output(), c.actBw());
            }
            if (c.paramFloat()) {
                params.put(gr.weight(), List.of(Encoding.floatingPoint(c.paramBw())));
            } else {
                paramBw.put(gr.weight(), c.paramBw());
            }
        }
        return new QuantOverrides(acts, params, actBw, paramBw, Map.of());
    }

    /** One group per Conv/ConvTranspose/Gemm/MatMul with a quantized float weight. */
    static List<Group> groups(Graph g, Map<String, int[]> shapes, QuantizationPlan plan) {
        List<Group> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            boolean weighted = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul").contains(n.opType());
            if (!weighted || !(g.weights().get(n.input(1)) instanceof Tensor) || plan.params().get(n.input(1)) == null) {
                continue;
            }
            String anchor = n.output(0);
            while (plan.fused().containsKey(anchor)) {
                anchor = plan.fused().get(anchor);
            }
            Tensor w = (Tensor) g.weights().get(n.input(1));
            int[] out0 = shapes.get(n.output(0));
            long outElems = 1;
            if (out0 != null) {
                for (int d : out0) {
                    outElems *= d;
                }
            }
            long perOut = n.opType().equals("Conv") ? w.size() / w.dim(0) : w.size() / Math.max(1, (int) (outElems));
            long macs = n.opType().equals("Conv") ? outElems * perOut : (long) w.size();
            String bias = n.input(2).isEmpty() ? null : n.input(2);
            out.add(new Group(n.name(), anchor, n.input(1), bias, macs));
        }
        return out;
    }
}
