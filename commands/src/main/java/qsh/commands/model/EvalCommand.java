package qsh.commands.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.ModelState;
import qsh.commands.Session;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.core.data.FashionMnist;
import qsh.core.data.IdxReader;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;

/** {@code eval fashion-mnist}: top-1 accuracy of the loaded classifier on the Fashion-MNIST test set, in float. */
public final class EvalCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("eval", "model",
            "top-1 accuracy of the loaded model on the Fashion-MNIST test images (float)", "fashion-mnist",
            List.of(OptionSpec.value("limit", "N", "use the first N test images (default all 10000)"),
                    OptionSpec.value("dir", "DIR", "folder with t10k-*-idx*-ubyte.gz (default " + FashionMnist.DEFAULT_DIR + ")")),
            List.of("eval fashion-mnist --limit 1000", "eval fashion-mnist --json"), List.of("load", "infer"), true);

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
        Graph g = m.graph();
        if (g.inputs().size() != 1) {
            throw new CommandException("eval needs a single-input model; this one has " + g.inputs().size());
        }
        Path dir = args.get("dir").map(session::resolve).orElse(FashionMnist.DEFAULT_DIR);
        int limit = args.getInt("limit", 0);
        Tensor images;
        int[] labels;
        try {
            images = IdxReader.images(FashionMnist.testImages(dir), limit);
            labels = IdxReader.labels(FashionMnist.testLabels(dir), limit);
        } catch (IOException | IllegalArgumentException e) {
            throw new CommandException(e.getMessage() + " (install the data: apt-get install -y dataset-fashion-mnist)");
        }
        String input = g.inputs().get(0).name();
        int n = images.dim(0);
        int per = 28 * 28;
        int correct = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CommandException("eval interrupted after " + i + " images");
            }
            float[] one = new float[per];
            System.arraycopy(images.data(), i * per, one, 0, per);
            Map<String, Object> out = Executor.run(g, Map.of(input, Tensor.of(new int[] {1, 1, 28, 28}, one)), null);
            float[] logits = ((Tensor) out.values().iterator().next()).data();
            int best = 0;
            for (int k = 1; k < logits.length; k++) {
                if (logits[k] > logits[best]) {
                    best = k;
                }
            }
            if (best == labels[i]) {
                correct++;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double top1 = 100.0 * correct / n;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dataset", set);
        data.put("images", n);
        data.put("correct", correct);
        data.put("top1", top1);
        data.put("seconds", seconds);
        return Result.of(data, List.of(String.format("top-1 %.2f%% (%d of %d Fashion-MNIST test images, float)",
                top1, correct, n)));
    }
}
