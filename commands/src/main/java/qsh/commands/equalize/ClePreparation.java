package qsh.commands.equalize;

import java.util.ArrayList;
import java.util.List;
import qsh.core.equalize.BatchNormFolder;
import qsh.core.equalize.CleAlgorithm;
import qsh.core.equalize.ClePatternMatcher;
import qsh.core.equalize.FoldedBatchNorms;
import qsh.core.graph.Graph;
import qsh.core.workflow.ModelState;

/**
 * What CLE does before it scales anything (algorithms.md: fold batch norms, then replace ReLU6 by ReLU),
 * computed on a copy: {@code cle plan} shows it, {@code cle step} and {@code cle apply} keep it.
 *
 * @param graph      the folded (and ReLU-replaced) graph
 * @param batchNorms β, γ of every batch norm folded so far
 * @param folds      batch norms folded now
 * @param replaced   ReLU6 nodes replaced now
 * @param matches    the CLE chains of {@code graph}
 */
record ClePreparation(Graph graph, FoldedBatchNorms batchNorms, List<BatchNormFolder.Fold> folds, List<String> replaced,
                      ClePatternMatcher.Matches matches) {
    /** Prepares {@code m} as core's CLE does: folds what can be folded, replaces ReLU6 unless {@code keepRelu6}, matches chains. */
    static ClePreparation of(ModelState m, boolean keepRelu6) {
        CleAlgorithm.Prepared p = CleAlgorithm.prepare(m.graph(), m.batchNorms(), keepRelu6);
        return new ClePreparation(p.graph(), p.batchNorms(), p.folds(), p.replaced(), p.matches());
    }

    /** Whether preparing changed the graph. */
    boolean changed() {
        return !folds.isEmpty() || !replaced.isEmpty();
    }

    /** One line per preparation step ({@code verb} "folded" or "would fold"), plus the ReLU6 warning. */
    List<String> describe(boolean done) {
        List<String> lines = new ArrayList<>();
        if (!folds.isEmpty()) {
            lines.add((done ? "folded " : "first folds ") + folds.size() + " batch norm" + (folds.size() == 1 ? "" : "s")
                    + " into the convs before them (as fold-bn does)");
        }
        if (!replaced.isEmpty()) {
            lines.add((done ? "replaced " : "first replaces ") + replaced.size() + " ReLU6 by ReLU: " + EqualizeText.list(replaced, 3));
            lines.add("warning: ReLU6 → ReLU changes the float model wherever an activation exceeded 6; accuracy may change"
                    + " (--keep-relu6 leaves them and skips those chains)");
        }
        return lines;
    }
}
