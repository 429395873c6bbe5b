package qsh.commands.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.core.io.FileAccessPolicy;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.calib.RawTensorFile;
import qsh.core.data.FashionMnist;
import qsh.core.exec.Cancelled;
import qsh.core.io.AtomicFile;
import qsh.core.io.RegularFiles;

/**
 * {@code dataset fashion-mnist --out DIR}: writes Fashion-MNIST images as raw float32 files (1×1×28×28, values in
 * [0, 1], what the demo model reads) with an {@code input_list.txt} in the spec's format and a {@code labels.txt}
 * (one integer per line, same order) — calibration data for {@code calibrate} and labelled data for
 * {@code evaluate}.
 */
public final class DatasetCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("dataset", "quantization",
            "write Fashion-MNIST images as raw files with input_list.txt and labels.txt", List.of(ArgSpec.choice("fashion-mnist")),
            List.of(OptionSpec.dir("out", "folder to write (created if missing)"),
                    OptionSpec.choice("split", "train (for calibration) or test (for evaluation)", "train", "test").defaults("train"),
                    OptionSpec.integer("count", "N", "how many images, from the first").defaults(100).range(1, 60000),
                    OptionSpec.dir("dir", "folder with the *-idx*-ubyte.gz files (default " + FashionMnist.DEFAULT_SOURCE + ")")),
            List.of("dataset fashion-mnist --out /tmp/calib --count 500", "dataset fashion-mnist --split test --out /tmp/test --count 1000"),
            List.of("calibrate", "evaluate"), true);

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
        Path out = session.resolve(args.get("out").orElseThrow(() -> new CommandException("give --out DIR")));
        int count = args.getInt("count");
        boolean train = args.getOrDefault("split").equals("train");
        Path dir = args.get("dir").map(session::resolve).orElse(null);
        FashionMnistImages images = FashionMnistImages.load(dir, train, count);
        if (images.size() < count && images.shortfall(count) == null) { // the whole split is smaller: say so, write nothing
            throw new CommandException("--count " + count + ": the " + (train ? "training" : "test") + " split has "
                    + images.size() + " images (use at most " + images.size() + ")");
        }
        FileAccessPolicy.requireWrite(out); // run by a script: only where it may write
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new CommandException(out + ": cannot create the folder (" + RegularFiles.reason(e) + ")");
        }
        int n = images.size();
        StringBuilder list = new StringBuilder();
        StringBuilder lab = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (Cancelled.requested()) {
                throw stopped(i, n, out);
            }
            String name = String.format("img%05d.raw", i);
            try {
                RawTensorFile.write(out.resolve(name), images.image(i));
            } catch (Cancelled | java.util.concurrent.CancellationException e) { // Ctrl-C inside the write
                throw stopped(i, n, out);
            }
            list.append(name).append('\n');
            lab.append(images.labels()[i]).append('\n');
        }
        AtomicFile.write(out.resolve("labels.txt"), lab.toString().getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(out.resolve("input_list.txt"), list.toString().getBytes(StandardCharsets.UTF_8));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dir", out.toString());
        data.put("images", n);
        data.put("split", train ? "train" : "test");
        List<String> lines = new ArrayList<>(List.of("wrote " + n + " Fashion-MNIST " + (train ? "training" : "test")
                + " images to " + out + " (input_list.txt, labels.txt)"));
        String shortfall = images.shortfall(count);
        if (shortfall != null) {
            lines.add("note: " + count + " asked, " + shortfall);
        }
        return Result.of(data, lines);
    }

    /** The stop after {@code done} images: the lists are written last, so a stopped run leaves none to mislead. */
    private static Cancelled stopped(int done, int n, Path out) {
        return new Cancelled("dataset interrupted after " + done + " of " + n + " images: " + out
                + " holds those image files but no input_list.txt or labels.txt (run it again to finish)");
    }
}
