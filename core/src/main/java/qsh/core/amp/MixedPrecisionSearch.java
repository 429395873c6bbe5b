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
 * its highest (supported) candidate → a sensitivity per (group, candidate). Phase 2 starts from all-highest and
 * lowers groups least-sensitive first (phase2_reverse: starts from all-lowest and raises the most sensitive
 * first); each step is a point (relative BitOps, score); the chosen point is the cheapest one whose score stays
 * within the allowed drop (of the all-highest score, or of the FP32 reference), found by binary or interpolation
 * search (the curve is assumed to decline monotonically) or brute force (every point scored). BitOps = Σ MACs × act bits ×
 * param bits, float bitwidths weighted × √1.5. The result is a set of overrides (bitwidth-only integer
 * entries, dtype float entries) that the planner turns into the mixed-precision model with convert ops.
 */
public final class MixedPrecisionSearch {
    /** Phase-2 search (spec: amp_search_algo Binary, Interpolation, BruteForce). */
    public enum Search {
        BINARY, INTERPOLATION, BRUTEFORCE;

        /** The spec's name ("Binary", "interpolation", …), case-insensitive. */
        public static Search parse(String s) {
            for (Search v : values()) {
                if (v.name().equalsIgnoreCase(s.strip())) {
                    return v;
                }
            }
            throw new IllegalArgumentException("amp_search_algo '" + s + "': use Binary, Interpolation or BruteForce");
        }
    }

    /**
     * How to search.
     *
     * @param search      the phase-2 search
     * @param reverse     phase2_reverse: walk from all-lowest, raising the most sensitive groups first, and keep the
     *                    first point within the allowed drop (phase 1 is unchanged)
     * @param phase1      the phase-1 score (sensitivity), or null to use the phase-2 score
     * @param sensitivity phase-1 results of an earlier run to reuse ([group][candidate]), or null to compute them
     * @param supported   op type → candidate indices its kernels support, or null: every candidate everywhere
     *                    (spec: supported_kernels; use_all_amp_candidates ignores them)
     * @param reference   the score the allowed drop counts from — the spec's FP32 baseline — or null: the
     *                    all-highest model's score
     */
    public record Options(Search search, boolean reverse, ToDoubleFunction<Graph> phase1, double[][] sensitivity,
                          Map<String, Set<Integer>> supported, Double reference) {
        /** Binary search, forward, one score, every candidate, drop from the all-highest model. */
        public static Options of(Search search) {
            return new Options(search, false, null, null, null, null);
        }
    }

    /** One AMP candidate: activation and parameter precision (spec: [[act_bw, dtype], [param_bw, dtype]]). */
    public record Candidate(int actBw, boolean actFloat, int paramBw, boolean paramFloat) {
        /** "a8w8", "a16w8", "fp16". */
        public String label() {
            return actFloat && paramFloat && actBw == paramBw ? "fp" + actBw
                    : "a" + (actFloat ? "fp" : "") + actBw + "w" + (paramFloat ? "fp" : "") + paramBw;
        }

        /** act bits × param bits, float widths weighted × √1.5 (the BitOps factor). */
        public double bitFactor() {
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
    public record Group(String op, String opType, String output, String weight, String bias, long macs) {}

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
     * @param cached      whether phase 1 was taken from {@link Options#sensitivity()}
     */
    public record Result(List<Group> groups, double baseline, double[][] sensitivity, List<Point> pareto, Point chosen,
                         QuantOverrides overrides, int evaluations, boolean cached) {}

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
        return run(g, stats, cfg, candidates, shapes, score, allowedDrop, Options.of(search), progress);
    }

    /** Runs AMP with every option (see {@link Options}). */
    public static Result run(Graph g, CalibrationStatistics stats, QuantConfig cfg, List<Candidate> candidates,
                             Map<String, int[]> shapes, ToDoubleFunction<Graph> score, double allowedDrop, Options options,
                             IntConsumer progress) {
        if (candidates.size() < 2) {
            throw new IllegalArgumentException("AMP needs at least two candidates (the first is the highest precision)");
        }
        MixedPrecisionSearch s = new MixedPrecisionSearch(g, stats, cfg, candidates, score, shapes);
        return s.search(allowedDrop, options, progress);
    }

    /** The quantizer groups AMP forms for this model and configuration, in graph order. */
    public static List<Group> groups(Graph g, CalibrationStatistics stats, QuantConfig cfg, Map<String, int[]> shapes) {
        return groups(g, shapes, QuantizationPlanner.plan(g, stats.tensors(), cfg, QuantOverrides.EMPTY, stats));
    }

    /** Candidate indices group {@code i} may take, highest precision first (never empty). */
    private List<Integer> allowed(int i, Options o) {
        List<Integer> out = new ArrayList<>();
        Set<Integer> ok = o.supported() == null ? null : o.supported().get(groups.get(i).opType());
        for (int c = 0; c < candidates.size(); c++) {
            if (ok == null || ok.contains(c)) {
                out.add(c);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no AMP candidate is a supported kernel of " + groups.get(i).opType() + " ("
                    + groups.get(i).op() + "): add one to its supported_kernels or set use_all_amp_candidates");
        }
        out.sort(Comparator.comparingDouble((Integer c) -> -candidates.get(c).bitFactor()));
        return out;
    }

    private Result search(double allowedDrop, Options o, IntConsumer progress) {
        int n = groups.size();
        List<List<Integer>> allowed = new ArrayList<>();
        int[] top = new int[n];
        int[] bottom = new int[n];
        for (int i = 0; i < n; i++) {
            allowed.add(allowed(i, o));
            top[i] = allowed.get(i).get(0);
            bottom[i] = allowed.get(i).get(allowed.get(i).size() - 1);
        }
        double baseline = evaluate(top, score);
        double[][] sens = o.sensitivity();
        boolean cached = sens != null && sens.length == n && (n == 0 || sens[0].length == candidates.size());
        if (!cached) { // phase 1: each group alone at each of its lower candidates
            ToDoubleFunction<Graph> p1 = o.phase1() == null ? score : o.phase1();
            double base1 = o.phase1() == null ? baseline : evaluate(top, p1);
            sens = new double[n][candidates.size()];
            for (int i = 0; i < n; i++) {
                for (int c : allowed.get(i)) {
                    if (c != top[i]) {
                        int[] choice = top.clone();
                        choice[i] = c;
                        sens[i][c] = base1 - evaluate(choice, p1);
                    }
                }
                progress.accept(i + 1);
            }
        }
        List<int[]> steps = o.reverse() ? reversePath(sens, allowed, top, bottom) : forwardPath(sens, allowed, top);
        // steps[0] is all-highest and scores decline along the path (assumed monotone): find the last k within the drop
        double target = (o.reference() == null ? baseline : o.reference()) - allowedDrop;
        Map<Integer, Double> scored = new LinkedHashMap<>();
        scored.put(0, baseline);
        int last = steps.size() - 1;
        int best = 0;
        if (o.search() == Search.BRUTEFORCE) {
            for (int k = 1; k <= last; k++) {
                double sc = evaluate(steps.get(k), score);
                scored.put(k, sc);
                if (sc >= target) {
                    best = k; // the cheapest point within the drop (reverse: the first one met coming up from all-lowest)
                }
            }
        } else if (last > 0) {
            int lo = 0;
            int hi = last;
            if (o.search() == Search.INTERPOLATION) {
                double sHi = evaluate(steps.get(hi), score);
                scored.put(hi, sHi);
                if (sHi >= target) {
                    lo = hi;
                }
                while (hi - lo > 1) { // invariant: lo meets the target, hi does not
                    double sLo = scored.get(lo);
                    double f = sLo == sHi ? 0.5 : (sLo - target) / (sLo - sHi);
                    int mid = Math.max(lo + 1, Math.min(hi - 1, lo + (int) Math.round(f * (hi - lo))));
                    double sc = evaluate(steps.get(mid), score);
                    scored.put(mid, sc);
                    if (sc >= target) {
                        lo = mid;
                    } else {
                        hi = mid;
                        sHi = sc;
                    }
                }
            } else { // binary: the largest k with score(k) ≥ target
                while (lo < hi) {
                    int mid = (lo + hi + 1) / 2;
                    double sc = evaluate(steps.get(mid), score);
                    scored.put(mid, sc);
                    if (sc >= target) {
                        lo = mid;
                    } else {
                        hi = mid - 1;
                    }
                }
            }
            best = lo;
        }
        List<Point> pareto = new ArrayList<>();
        List<int[]> path = steps;
        scored.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                pareto.add(new Point(path.get(e.getKey()), relativeBitOps(path.get(e.getKey())), e.getValue())));
        Point chosen = new Point(steps.get(best), relativeBitOps(steps.get(best)), scored.get(best));
        return new Result(groups, baseline, sens, pareto, chosen, overrides(steps.get(best)), evaluations, cached);
    }

    /** From all-highest, lower (group, candidate) moves least-sensitive first (ties: most BitOps saved first). */
    private List<int[]> forwardPath(double[][] sens, List<List<Integer>> allowed, int[] top) {
        List<int[]> moves = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            for (int c : allowed.get(i)) {
                if (candidates.get(c).bitFactor() < candidates.get(top[i]).bitFactor()) {
                    moves.add(new int[] {i, c});
                }
            }
        }
        moves.sort(Comparator.<int[]>comparingDouble(m -> sens[m[0]][m[1]])
                .thenComparingDouble(m -> -groups.get(m[0]).macs() * (candidates.get(top[m[0]]).bitFactor()
                        - candidates.get(m[1]).bitFactor())));
        List<int[]> steps = new ArrayList<>();
        int[] cur = top.clone();
        steps.add(cur.clone());
        for (int[] m : moves) {
            if (candidates.get(m[1]).bitFactor() < candidates.get(cur[m[0]]).bitFactor()) {
                cur[m[0]] = m[1];
                steps.add(cur.clone());
            }
        }
        return steps;
    }

    /**
     * phase2_reverse: from all-lowest, raise groups most-sensitive first (their sensitivity at their lowest
     * candidate), one candidate up at a time, until all-highest; returned reversed (all-highest first) so that
     * one search serves both directions.
     */
    private List<int[]> reversePath(double[][] sens, List<List<Integer>> allowed, int[] top, int[] bottom) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> -sens[i][bottom[i]]));
        List<int[]> steps = new ArrayList<>();
        int[] cur = bottom.clone();
        steps.add(cur.clone());
        for (int i : order) {
            List<Integer> up = allowed.get(i);
            for (int k = up.size() - 2; k >= 0; k--) { // allowed is highest first: walk it upwards
                cur[i] = up.get(k);
                steps.add(cur.clone());
            }
        }
        java.util.Collections.reverse(steps);
        return steps;
    }

    private double evaluate(int[] choice, ToDoubleFunction<Graph> by) {
        evaluations++;
        QuantOverrides ov = overrides(choice);
        QuantizationPlan plan = QuantizationPlanner.plan(g, stats.tensors(), cfg, ov, stats);
        return by.applyAsDouble(QdqGraphBuilder.build(g, plan, true));
    }

    double relativeBitOps(int[] choice) {
        double highest = candidates.stream().mapToDouble(Candidate::bitFactor).max().orElse(1);
        double all = 0;
        double mine = 0;
        for (int i = 0; i < groups.size(); i++) {
            all += groups.get(i).macs() * highest;
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
            out.add(new Group(n.name(), n.opType(), anchor, n.input(1), bias, macs));
        }
        return out;
    }
}
