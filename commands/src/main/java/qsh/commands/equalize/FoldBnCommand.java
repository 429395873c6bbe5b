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
import qsh.core.equalize.BatchNormFolder;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.tensor.Tensor;

/** {@code fold-bn}: folds inference batch norms into the Conv/Gemm before them, keeping β, γ for absorb-bias. */
public final class FoldBnCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("fold-bn", "equalize",
            "fold BatchNormalization nodes into the Conv or Gemm before them (the float function stays the same)", List.of(),
            OptionSpec.concat(List.of(OptionSpec.flag("explain", "print the formula and the numbers of the first channels"),
                    OptionSpec.integer("rows", "N", "folds listed").defaults(6).atLeast(1)), TransformData.OPTIONS),
            List.of("fold-bn", "fold-bn --explain"), List.of("cle", "absorb-bias", "undo", "graph"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        args.atMost(0);
        ModelState m = session.requireModel();
        BatchNormFolder.Result r = BatchNormFolder.fold(m.graph());
        List<String> lines = new ArrayList<>();
        int rows = args.getInt("rows");
        if (r.folds().isEmpty()) {
            lines.add("no batch norm to fold; the model is unchanged");
        } else {
            lines.add("folded " + r.folds().size() + " batch norm" + (r.folds().size() == 1 ? "" : "s") + " ("
                    + m.graph().nodes().size() + " → " + r.graph().nodes().size() + " nodes); β and γ kept for absorb-bias:");
            for (int i = 0; i < Math.min(rows, r.folds().size()); i++) {
                lines.add("  " + r.folds().get(i).batchNorm() + " → " + r.folds().get(i).layer());
            }
            if (r.folds().size() > rows) {
                lines.add("  … " + (r.folds().size() - rows) + " more (--json has all)");
            }
            if (args.has("explain")) {
                lines.addAll(explain(m.graph(), r.folds().get(0), 3));
            }
        }
        r.skipped().forEach(s -> lines.add("  not folded: " + s));
        if (!r.folds().isEmpty()) {
            lines.add(TransformData.of(args, session, m.graph()).changeLine(m.graph(), r.graph()));
            session.transform(m.withGraph(r.graph(), m.batchNorms().merge(r.batchNorms())),
                    "fold-bn (" + r.folds().size() + " batch norms)");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("folded", r.folds());
        data.put("skipped", r.skipped());
        return Result.of(data, lines);
    }

    /** A number in parentheses when negative, so "− (−0.1)" reads right. */
    private static String signed(double v) {
        return v < 0 ? "(" + Format.num(v) + ")" : Format.num(v);
    }

    /** The folding formula with the first channels' numbers, read from the graph before folding. */
    private static List<String> explain(Graph g, BatchNormFolder.Fold f, int n) {
        Node bn = g.node(f.batchNorm());
        float[] gamma = ((Tensor) g.weights().get(bn.input(1))).data();
        float[] beta = ((Tensor) g.weights().get(bn.input(2))).data();
        float[] mean = ((Tensor) g.weights().get(bn.input(3))).data();
        float[] var = ((Tensor) g.weights().get(bn.input(4))).data();
        float eps = bn.attrFloat("epsilon", 1e-5f);
        Node layer = g.node(f.layer());
        float[] bias = layer.input(2).isEmpty() ? new float[gamma.length] : ((Tensor) g.weights().get(layer.input(2))).data();
        List<String> lines = new ArrayList<>();
        lines.add("explain: BN(x) = γ·(x − μ)/√(σ² + ε) + β with x = W·in + b, so a = γ/√(σ² + ε), W' = a·W, b' = a·(b − μ) + β"
                + " (ε = " + Format.num(eps) + ")");
        for (int i = 0; i < Math.min(n, gamma.length); i++) {
            double a = gamma[i] / Math.sqrt(var[i] + eps);
            lines.add("  " + f.layer() + " channel " + i + ": a = " + Format.num(gamma[i]) + "/√(" + Format.num(var[i]) + " + ε) = "
                    + Format.num(a) + ", b' = " + Format.num(a) + "·(" + Format.num(bias[i]) + " − " + signed(mean[i]) + ") + "
                    + signed(beta[i]) + " = " + Format.num(a * (bias[i] - mean[i]) + beta[i]));
        }
        return lines;
    }
}
