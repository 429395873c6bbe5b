package qsh.commands.algorithms;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import qsh.core.workflow.ModelState;
import qsh.commands.model.FashionMnistImages;
import qsh.commands.model.QuantOptions;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.adaround.AdaRound;
import qsh.core.calib.CalibrationInputs;
import qsh.core.calib.InputList;
import qsh.core.graph.Graph;
import qsh.core.metrics.TopK;
import qsh.core.tensor.Tensor;

/**
 * {@code autoquant LIST --eval fashion-mnist} or {@code autoquant --config FILE.yaml}: the AutoQuant pipeline
 * ({@link AutoQuantPipeline}) scored by top-1 on Fashion-MNIST, or by the config's eval callback on its eval
 * dataset (the allowed drop then in that callback's units; {@link ConfiguredAutoQuant} sets that one up).
 */
public final class AutoQuantCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("autoquant", "quantization",
            "try the model as configured, then CLE, scheme search, AdaRound and AMP until the score is within the allowed drop", List.of(ArgSpec.of("INPUT_LIST", ArgKind.FILE).asOptional()),
            OptionSpec.concat(QuantOptions.SPECS, List.of(
                    OptionSpec.file("config", "FILE.yaml", "the spec's AutoQuant config: datasets with JS loaders, eval_callback, amp_candidates, optional args"),
                    OptionSpec.choice("eval", "labelled data to score top-1 on", "fashion-mnist"),
                    OptionSpec.integer("limit", "N", "test images scored").defaults(2000).range(1, 10000),
                    OptionSpec.number("allowed-drop", "POINTS", "top-1 points allowed below float").defaults(0.5).range(0, 100),
                    OptionSpec.integer("adaround-iterations", "N", "AdaRound steps per layer").defaults(500).atLeast(1))),
            List.of("autoquant scripts/data/demo/input_list.txt --eval fashion-mnist", "autoquant scripts/data/demo/input_list.txt --eval fashion-mnist --weight-bw 4 --per-channel",
                    "autoquant --config scripts/algorithms/autoquant.yaml"),
            List.of("calibrate", "cle", "adaround", "amp"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        args.atMost(1);
        ModelState m = session.requireModel();
        AutoQuantPipeline.Outcome o;
        if (args.get("config").isPresent()) {
            o = ConfiguredAutoQuant.run(session, m, ConfigRun.config(args, session), ConfigRun.optionalList(args, session),
                    QuantOptions.config(args, session));
        } else {
            String file = args.positional(0, "an input list (calibration data), or --config FILE.yaml");
            if (args.get("eval").isEmpty()) {
                throw new CommandException("autoquant needs an evaluation: give --eval fashion-mnist, or --config FILE.yaml with an eval_callback");
            }
            FashionMnistImages test = FashionMnistImages.test(args.getInt("limit"));
            var testInputs = test.samples(m.graph().inputs().get(0).name());
            ToDoubleFunction<Graph> top1 = g -> 100.0 * TopK.evaluate(g, test.size(), testInputs, test.labels(), d -> { }).top1() / test.size();
            Map<String, int[]> shapes = CalibrationInputs.shapesOf(m.graph());
            CalibrationInputs inputs = new CalibrationInputs(InputList.read(session.resolve(file)), shapes);
            List<Map<String, Tensor>> samples = new ArrayList<>();
            for (int i = 0; i < Math.min(64, inputs.size()); i++) {
                samples.add(inputs.load(i));
            }
            o = AutoQuantPipeline.run(new AutoQuantPipeline.Setup(m.graph(), m.source(), inputs, QuantOptions.config(args, session),
                    top1, v -> String.format("%.2f%%", v), args.getDouble("allowed-drop"), null, null, samples,
                    AdaRound.Options.DEFAULTS.withIterations(args.getInt("adaround-iterations")), true, null, null));
        }
        session.transform(o.model(), "autoquant");
        return Result.of(o.data(), o.lines());
    }
}
