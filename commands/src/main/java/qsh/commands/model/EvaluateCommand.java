package qsh.commands.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.core.workflow.ModelState;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.calib.CalibrationInputs;
import qsh.core.calib.InputList;
import qsh.core.io.RegularFiles;
import qsh.core.metrics.TopK;

/**
 * {@code evaluate --input_list L --labels Y}: float and quantized top-1/top-5 over an input list (spec format)
 * with one integer label per line in the same order (spec, "Quantization Impacts").
 */
public final class EvaluateCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("evaluate", "quantization",
            "top-1/top-5 of the float and the quantized model over an input list with labels", List.of(),
            List.of(OptionSpec.file("input_list", "L.txt", "inputs, one line per inference (spec format)"),
                    OptionSpec.file("labels", "Y.txt", "one integer class per line, same order as the list")),
            List.of("dataset fashion-mnist --split test --out /tmp/qsh-test --count 200; calibrate /tmp/qsh-test/input_list.txt;"
                    + " evaluate --input_list /tmp/qsh-test/input_list.txt --labels /tmp/qsh-test/labels.txt --json"),
            List.of("calibrate", "eval", "compare", "dataset"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        args.atMost(0);
        Path listFile = session.resolve(args.get("input_list").orElseThrow(() -> new CommandException("give --input_list L.txt")));
        Path labelFile = session.resolve(args.get("labels").orElseThrow(() -> new CommandException("give --labels Y.txt")));
        ModelState m = session.requireModel();
        CalibrationInputs inputs = new CalibrationInputs(InputList.read(listFile), CalibrationInputs.shapesOf(m.graph()));
        int[] labels = readLabels(labelFile, inputs.size());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("samples", inputs.size());
        List<String> lines = new ArrayList<>();
        TopK.Result f = TopKScores.score(m.graph(), inputs.size(), inputs::load, labels, session, "evaluate float");
        data.put("float", TopKScores.json(f));
        lines.add(TopKScores.line("float", f, inputs.size()));
        if (m.quantized()) {
            TopK.Result q = TopKScores.score(m.simulated(), inputs.size(), inputs::load, labels, session, "evaluate quantized");
            Map<String, Object> qj = TopKScores.json(q);
            qj.put("config", m.plan().label());
            data.put("quantized", qj);
            lines.add(TopKScores.line(m.plan().quantizes() ? "quantized" : "simulated", q, inputs.size()) + String.format("  (%s; %+.2f points)",
                    m.plan().label(), q.top1Percent() - f.top1Percent()));
        } else {
            lines.add("(the model is float: run calibrate to score a quantized model too)");
        }
        return Result.of(data, lines);
    }

    /** One integer per line (blank lines and # comments skipped); the count must match the list's. */
    static int[] readLabels(Path file, int expected) {
        List<String> text;
        try {
            text = RegularFiles.readText(file, "labels file").lines().toList();
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            String t = text.get(i).strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            try {
                out.add(Integer.parseInt(t));
            } catch (NumberFormatException e) {
                throw new CommandException(file + ":" + (i + 1) + ": '" + t + "' is not an integer class label");
            }
        }
        if (out.size() != expected) {
            throw new CommandException(file + " has " + out.size() + " labels but the input list has " + expected
                    + " lines: give one label per input line, in the same order");
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
