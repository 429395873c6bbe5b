package qsh.commands.model;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.core.workflow.ModelState;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.data.FashionMnist;
import qsh.core.metrics.TopK;
import qsh.core.tensor.Tensor;

/**
 * {@code eval fashion-mnist}: top-1/top-5 of the loaded classifier on the Fashion-MNIST test set, in float and,
 * after {@code calibrate}, simulated quantized (with how many predictions the two disagree on).
 */
public final class EvalCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("eval", "model",
            "top-1/top-5 of the model on the Fashion-MNIST test images: float, and quantized after calibrate", List.of(ArgSpec.choice("fashion-mnist")),
            List.of(OptionSpec.integer("limit", "N", "use the first N test images (default all 10000)").range(1, 10000),
                    OptionSpec.flag("float-only", "skip the quantized model"),
                    OptionSpec.dir("dir", "folder with t10k-*-idx*-ubyte.gz (default " + FashionMnist.DEFAULT_SOURCE + ")")),
            List.of("eval fashion-mnist --limit 1000", "eval fashion-mnist --json"), List.of("calibrate", "evaluate", "compare"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        String set = args.positional(0, "a data set (fashion-mnist)");
        args.atMost(1);
        if (!set.equals("fashion-mnist")) {
            throw new CommandException("unknown data set '" + set + "': qsh knows fashion-mnist");
        }
        ModelState m = session.requireModel();
        if (m.graph().inputs().size() != 1) {
            throw new CommandException("eval needs a single-input model; this one has " + m.graph().inputs().size());
        }
        Path dir = args.get("dir").map(session::resolve).orElse(null);
        FashionMnistImages images = FashionMnistImages.load(dir, false, args.getInt("limit", 0));
        int[] labels = images.labels();
        int n = images.size();
        java.util.function.IntFunction<Map<String, Tensor>> sample = images.samples(m.graph().inputs().get(0).name());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dataset", set);
        data.put("images", n);
        List<String> lines = new java.util.ArrayList<>();
        long t0 = System.nanoTime();
        TopK.Result f = TopKScores.score(m.graph(), n, sample, labels, session, "eval float");
        data.put("float", TopKScores.json(f));
        lines.add(TopKScores.line("float", f, n));
        if (m.quantized() && !args.has("float-only")) {
            TopK.Result q = TopKScores.score(m.simulated(), n, sample, labels, session, "eval quantized");
            Map<String, Object> qj = TopKScores.json(q);
            qj.put("config", m.plan().label());
            int differ = 0;
            for (int i = 0; i < n; i++) {
                differ += f.predictions()[i] != q.predictions()[i] ? 1 : 0;
            }
            qj.put("predictions_changed", differ);
            data.put("quantized", qj);
            lines.add(TopKScores.line(m.plan().quantizes() ? "quantized" : "simulated", q, n) + String.format("  (%s; %+.2f points, %d predictions changed)",
                    m.plan().label(), q.top1Percent() - f.top1Percent(), differ));
        }
        data.put("seconds", (System.nanoTime() - t0) / 1e9);
        return Result.of(data, lines);
    }
}
