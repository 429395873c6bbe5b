package qsh.commands.algorithms;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import qsh.core.workflow.ModelState;
import qsh.commands.spi.Session;
import qsh.core.sim.QuantConfig;

/**
 * One config-driven algorithm applied in batch mode ({@code qairt-quantizer --apply_algorithms X --config F}):
 * the model it leaves and a short report.
 */
public record AlgorithmResult(ModelState model, List<String> lines) {
    /** Applies {@code algorithm} (adaround, amp or autoquant) of {@code config} to the calibrated model {@code m}. */
    public static AlgorithmResult apply(String algorithm, Session session, ModelState m, AlgorithmConfig config, Path list,
                                        QuantConfig cfg) {
        List<String> lines = new ArrayList<>();
        switch (algorithm) {
            case "adaround" -> {
                ConfigRun.Rounded r = ConfigRun.adaround(session, m, config, list);
                lines.add("adaround: " + r.result().layers().size() + " layers rounded on " + r.samples() + " samples ("
                        + r.options().iterations() + " iterations × batch " + r.options().batchSize() + ")");
                lines.addAll(r.notes());
                return new AlgorithmResult(r.model(), lines);
            }
            case "amp" -> {
                ConfigRun.Outcome o = ConfigRun.amp(session, m, config, list);
                lines.add(String.format("amp: %d quantizer groups; chosen %.1f%% of all-%s BitOps, score %.4g (all-highest %.4g)",
                        o.amp().groups().size(), 100 * o.amp().chosen().relativeBitOps(), o.candidates().get(0).label(),
                        o.amp().chosen().score(), o.amp().baseline()));
                lines.addAll(o.notes());
                return new AlgorithmResult(o.model(), lines);
            }
            case "autoquant" -> {
                AutoQuantPipeline.Outcome o = ConfiguredAutoQuant.run(session, m, config, list, cfg);
                lines.addAll(o.lines());
                return new AlgorithmResult(o.model(), lines);
            }
            default -> throw new qsh.commands.spi.CommandException("unknown algorithm '" + algorithm + "': adaround, amp or autoquant");
        }
    }
}
