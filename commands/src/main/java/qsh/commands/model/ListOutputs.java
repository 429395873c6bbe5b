package qsh.commands.model;

import java.util.List;
import qsh.commands.spi.CommandException;
import qsh.core.calib.CalibrationInputs;
import qsh.core.calib.InputList;
import qsh.core.calib.RequestedOutputs;
import qsh.core.graph.Graph;

/**
 * The input list's {@code #} output-layer and {@code %} output-tensor lines (spec, "qairt-quantizer") for
 * {@code calibrate} and {@code qairt-quantizer}: the named tensors become graph outputs before calibration.
 */
public final class ListOutputs {
    private ListOutputs() {}

    /** {@code g} with the list's requested outputs; a bad name is one line naming the list file and line. */
    public static RequestedOutputs.Result apply(Graph g, InputList list, CalibrationInputs inputs) {
        try {
            return RequestedOutputs.apply(g, list, () -> inputs.load(0));
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        }
    }

    /** One line saying which tensors were kept as outputs, or none when the list had no output lines. */
    public static List<String> describe(RequestedOutputs.Result r) {
        if (r.none()) {
            return List.of();
        }
        int n = r.added().size() + r.already().size();
        return List.of("  input list: " + n + " requested output(s) kept as graph outputs (each its own"
                + " quantization point)"
                + (r.added().isEmpty() ? "" : "; added: " + String.join(", ", r.added()))
                + (r.already().isEmpty() ? "" : "; already outputs: " + String.join(", ", r.already())));
    }
}
