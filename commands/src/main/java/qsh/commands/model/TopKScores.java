package qsh.commands.model;

import java.util.LinkedHashMap;
import java.util.Map;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.Session;
import qsh.core.graph.Graph;
import qsh.core.metrics.TopK;
import qsh.core.tensor.Tensor;

/** Top-1/top-5 scoring as {@code eval} and {@code evaluate} run and report it: one line and one {@code --json} object. */
final class TopKScores {
    private TopKScores() {}

    static TopK.Result score(Graph g, int n, java.util.function.IntFunction<Map<String, Tensor>> sample, int[] labels,
                             Session session, String task) {
        try {
            return TopK.evaluate(g, n, sample, labels, session.progress(task, n));
        } catch (IllegalStateException e) {
            throw new CommandException(e.getMessage());
        }
    }

    static String line(String what, TopK.Result r, int n) {
        return String.format("%-9s top-1 %6.2f%%  top-5 %6.2f%%  (%d images)", what, r.top1Percent(), r.top5Percent(), n);
    }

    static Map<String, Object> json(TopK.Result r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("top1", r.top1Percent());
        o.put("top5", r.top5Percent());
        o.put("correct", r.top1());
        return o;
    }
}
