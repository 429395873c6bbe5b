package qsh.commands.algorithms;

import java.util.List;
import qsh.commands.Session;
import qsh.commands.spi.Args;
import qsh.commands.spi.OptionSpec;
import qsh.core.sim.QuantConfig;

/** The quantizer flags of {@code calibrate}, for algorithm commands in this package. */
final class QuantOptionsBridge {
    private QuantOptionsBridge() {}

    static List<OptionSpec> specs(List<OptionSpec> own) {
        return qsh.commands.model.CalibrateCommand.withQuantizerOptions(own);
    }

    static QuantConfig config(Args args, Session session) {
        return qsh.commands.model.CalibrateCommand.quantConfig(args, session);
    }
}
