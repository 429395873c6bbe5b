package qsh.commands.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import qsh.core.calib.CalibrationInputs;
import qsh.core.graph.Graph;
import qsh.core.graph.InputDims;
import qsh.core.metrics.OutputChange;
import qsh.core.tensor.Tensor;

/**
 * The data a model transform (fold-bn, cle, absorb-bias, the batch command's --algorithms cle) has at hand: the
 * calibration inputs of {@code --input-list} (absorption bounds c by them, and the change is measured on them), or
 * else a few seeded random inputs, only to measure the change. Every transform then says in one line how much it
 * moved the float outputs, as a fraction of the output range (issue 19: above 1e-4 it says so with the figure).
 *
 * @param inputs      the inputs
 * @param calibration whether they are calibration inputs (else random, or none when the input shape is open)
 */
public record TransformData(List<Map<String, Tensor>> inputs, boolean calibration) {
    /** The options every transform command takes. */
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.file("input-list", "L.txt", "calibration inputs: absorption bounds c by them, and the change of the"
                    + " float outputs is measured on them (without: a few random inputs, data-free c)"),
            OptionSpec.integer("samples", "N", "inputs of --input-list used").defaults(32).atLeast(1));

    /** Random inputs measured on when there is no input list. */
    static final int RANDOM_INPUTS = 4;

    /** The data of a command's {@code --input-list}/{@code --samples} for {@code g}. */
    public static TransformData of(Args args, Session session, Graph g) {
        return of(args.get("input-list").orElse(null), args.getInt("samples"), session, g);
    }

    /**
     * The data of a typed call (JavaScript's {@code qsh.cle}): the first {@code samples} inputs of {@code inputList}
     * (as typed, resolved against the session's folder), or random inputs when it is null.
     */
    public static TransformData of(String inputList, int samples, Session session, Graph g) {
        if (inputList != null) {
            return calibration(CalibrationInputs.samples(session.resolve(inputList), g, samples));
        }
        return random(g);
    }

    /** Calibration inputs. */
    public static TransformData calibration(List<Map<String, Tensor>> inputs) {
        return new TransformData(List.copyOf(inputs), true);
    }

    /** Seeded random inputs in [0, 1) at the model's input shapes; none when a shape is open. */
    public static TransformData random(Graph g) {
        if (!InputDims.allBound(g)) {
            return new TransformData(List.of(), false);
        }
        List<Map<String, Tensor>> in = new ArrayList<>();
        for (int s = 1; s <= RANDOM_INPUTS; s++) {
            in.add(ShapeProbe.randomInputs(g, s, null));
        }
        return new TransformData(in, false);
    }

    /** The inputs absorption may bound c by: the calibration inputs, else none (the data-free rule). */
    public List<Map<String, Tensor>> forAbsorption() {
        return calibration ? inputs : List.of();
    }

    /**
     * One line: how much {@code after} moved the float outputs of {@code before} on these inputs. Figures below
     * 1e-6 of the range are given as "< 1e-6" (float rounding, which differs with the CPU's vector width). Ctrl-C
     * while it runs says that nothing was applied: each transform calls it before it changes the session.
     */
    public String changeLine(Graph before, Graph after) {
        if (inputs.isEmpty()) {
            return "float outputs: not measured (the input shape is open; load with --input_dim or give --input-list)";
        }
        OutputChange c;
        try {
            c = OutputChange.measure(before, after, inputs);
        } catch (IllegalArgumentException e) {
            throw new CommandException("measuring the change of the float outputs failed: " + e.getMessage());
        } catch (qsh.core.exec.Cancelled e) { // every caller changes the session only after this line
            throw new qsh.core.exec.Cancelled("interrupted while measuring the change of the float outputs; nothing"
                    + " was applied: the model is as before");
        }
        String on = inputs.size() + (calibration ? " calibration" : " random") + " input" + (inputs.size() == 1 ? "" : "s");
        if (c.noticeable()) {
            return String.format(Locale.ROOT, "warning: this changed the float outputs by %.2g of the output range"
                    + " (max |Δ| %.3g on '%s', %s)", c.fraction(), c.maxAbs(), c.output(), on);
        }
        String figure = c.fraction() < 1e-6 ? "< 1e-6" : String.format(Locale.ROOT, "%.1e", c.fraction());
        return "float outputs on " + on + ": changed by " + figure + " of the output range (within 1e-4)";
    }
}
