package qsh.commands.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.Args;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.Format;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Session;
import qsh.commands.spi.ShapeProbe;
import qsh.commands.spi.TensorExpressions;
import qsh.core.calib.RawTensorFile;
import qsh.core.exec.ShapeInference;
import qsh.core.graph.Graph;
import qsh.core.graph.InputDims;
import qsh.core.graph.ValueInfo;
import qsh.core.tensor.MemoryBudget;
import qsh.core.tensor.Tensor;

/**
 * The inputs of a model-running command ({@code infer}, {@code profile}): raw files in the spec's input-list
 * form ({@code NAME:=FILE.raw}, float32 little-endian; a bare path for a single-input model) or, with
 * {@code --random}, seeded uniform [0,1) tensors of the declared (or {@code --shape}) shape, refused before
 * allocation when the model cannot take that shape.
 */
final class ModelInputs {
    /** The options these inputs read. */
    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.flag("random", "feed seeded uniform [0,1) inputs"),
            OptionSpec.integer("seed", "N", "seed for --random").defaults(1),
            OptionSpec.value("shape", "SHAPE", "--random input shape, e.g. 1x3x48x192 (default: unknown batch 1, other unknown dims 224)"));

    /** ONNX element types fed as float32: undefined (0), FLOAT (1), FLOAT16 (10), DOUBLE (11), BFLOAT16 (16). */
    private static final java.util.Set<Integer> FLOAT_TYPES = java.util.Set.of(0, 1, 10, 11, 16);

    private ModelInputs() {
    }

    /** The inputs {@code args} name for {@code g}; {@code command} names the command in messages. */
    static Map<String, Tensor> fromArgs(Args args, Session session, Graph g, String command) {
        if (args.has("random")) {
            args.atMost(0);
        }
        return of(args.positional(), args.has("random"), args.getInt("seed"), args.get("shape").orElse(null), session, g, command);
    }

    /**
     * The inputs of a typed call: {@code files} ({@code NAME:=FILE.raw} or a bare path, as typed) or, when
     * {@code random}, seeded inputs of {@code shape} (as typed, null for the declared shape); files beside
     * {@code random} are refused by the caller's {@link Args#atMost}, as {@link #fromArgs} does.
     */
    static Map<String, Tensor> of(List<String> files, boolean random, int seed, String shape, Session session, Graph g,
                                  String command) {
        for (ValueInfo v : g.inputs()) { // every input is fed as float32: an integer one would get fractions
            if (!FLOAT_TYPES.contains(v.elemType())) {
                throw new CommandException("input '" + v.name() + "' is " + v.typeName() + ": " + command
                        + " feeds float32 values only (--random and NAME:=FILE.raw), so it cannot run this model");
            }
        }
        if (random) {
            int[] dims = shape == null ? null : TensorExpressions.parseShape(shape);
            if (dims != null && g.inputs().size() != 1) {
                throw new CommandException("--shape applies to single-input models; this one has " + g.inputs().size() + " inputs");
            }
            // Refuse shapes the model cannot take before allocating them: inference finds the first node that fails.
            Map<String, int[]> shapes = ShapeProbe.inputShapes(g, dims);
            shapes.values().forEach(Tensor::checkedSize);
            shapes.forEach((name, s) -> MemoryBudget.check("input '" + name + "'", s, Float.BYTES));
            List<String> problems = ShapeInference.infer(g, shapes).problems();
            if (!problems.isEmpty()) {
                throw new CommandException(shapes.isEmpty() ? "the model cannot run: " + problems.get(0)
                        : "input shape " + Format.shape(shapes.values().iterator().next())
                        + " does not fit the model: " + problems.get(0));
            }
            return ShapeProbe.randomInputs(g, seed, dims);
        }
        if (files.isEmpty()) {
            throw new CommandException(command + " needs inputs: " + command + " NAME:=FILE.raw …, or " + command + " --random");
        }
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (String w : files) {
            int eq = w.indexOf(":=");
            String name;
            String file;
            if (eq < 0) {
                if (g.inputs().size() != 1) {
                    throw new CommandException("the model has " + g.inputs().size() + " inputs: name them, NAME:=FILE.raw");
                }
                name = g.inputs().get(0).name();
                file = w;
            } else {
                name = w.substring(0, eq);
                file = w.substring(eq + 2);
            }
            ValueInfo vi = g.inputs().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow(() ->
                    new CommandException("'" + name + "' is not an input of the model (inputs: "
                            + g.inputs().stream().map(ValueInfo::name).toList() + ")"));
            if (!vi.isStatic()) {
                throw new CommandException(InputDims.unboundMessage(vi));
            }
            int[] declared = new int[vi.dims().length];
            for (int i = 0; i < declared.length; i++) {
                declared[i] = Math.toIntExact(vi.dims()[i]);
            }
            inputs.put(name, RawTensorFile.read(session.resolve(file), name, declared));
        }
        return inputs;
    }
}
