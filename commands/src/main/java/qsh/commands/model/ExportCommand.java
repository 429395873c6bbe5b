package qsh.commands.model;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.ModelState;
import qsh.commands.Session;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.core.graph.Graph;
import qsh.core.io.AtomicFile;
import qsh.core.sim.EncodingsJson;
import qsh.core.sim.EncodingsVersion;
import qsh.core.sim.QdqGraphBuilder;

/**
 * {@code export OUT.onnx}: the quantized model as a QDQ ONNX model (QuantizeLinear/DequantizeLinear around float
 * ops, integer weights; opset 13, or 21 for 4/16-bit) plus {@code OUT.encodings} (AIMET JSON) next to it.
 */
public final class ExportCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("export", "quantization",
            "write the quantized model as QDQ ONNX (ONNX Runtime runs it) and OUT.encodings", List.of(ArgSpec.of("OUT.onnx", ArgKind.FILE)),
            List.of(OptionSpec.flag("pack-4-bit-weights", "store 4-bit weights packed as int4/uint4 (opset 21)"),
                    OptionSpec.choice("version", "encodings JSON version", "0.4.0", "0.5.0", "0.6.1", "1.0.0")
                            .defaults(EncodingsVersion.V0_6_1.text())),
            List.of("calibrate scripts/data/demo/input_list.txt; export /tmp/demo_w8a8.onnx", "export /tmp/demo_w4.onnx --pack-4-bit-weights"),
            List.of("calibrate", "encodings", "save"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        String file = args.positional(0, "an output file (OUT.onnx)");
        args.atMost(1);
        ModelState m = session.requireModel();
        if (!m.quantized()) {
            throw new CommandException("the model is not quantized: run calibrate (or calibrate --float-fallback) first,"
                    + " or save it as float with: save " + file);
        }
        Written w = write(m, session.resolve(file), args.has("pack-4-bit-weights"),
                CalibrateCommand.versionOf(args.getOrDefault("version")));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("model", w.model().toString());
        data.put("encodings", w.encodings().toString());
        data.put("bytes", w.bytes());
        data.put("opset", w.opset());
        return Result.of(data, List.of("exported " + m.source() + " (" + m.plan().label() + ") to " + file
                + ": " + w.bytes() + " bytes, opset " + w.opset() + ", " + w.quantizeNodes() + " QuantizeLinear / "
                + w.dequantizeNodes() + " DequantizeLinear nodes; encodings in " + w.encodings().getFileName()));
    }

    /** What {@link #write} produced. */
    record Written(Path model, Path encodings, long bytes, long opset, long quantizeNodes, long dequantizeNodes) {}

    /** Writes the QDQ model and its encodings; on failure neither file is left behind half-written. */
    static Written write(ModelState m, Path out, boolean pack4, EncodingsVersion version) {
        Graph qdq;
        try {
            qdq = QdqGraphBuilder.export(m.graph(), m.plan(), pack4);
        } catch (IllegalArgumentException e) {
            throw new CommandException("cannot export: " + e.getMessage());
        }
        Path enc = encodingsPath(out);
        byte[] model = SaveCommand.checkedBytes(qdq, out, "cannot export: ");
        Map<Path, byte[]> pair = new LinkedHashMap<>();
        pair.put(out, model);
        pair.put(enc, EncodingsJson.toJson(m.plan().encodings(), version).getBytes(StandardCharsets.UTF_8));
        try {
            AtomicFile.writeAll(pair); // both or neither (see AtomicFile for the window a kill leaves)
        } catch (IllegalArgumentException e) {
            throw new CommandException("cannot export: " + e.getMessage() + "; nothing was written");
        }
        long q = qdq.nodes().stream().filter(n -> n.opType().equals("QuantizeLinear")).count();
        long dq = qdq.nodes().stream().filter(n -> n.opType().equals("DequantizeLinear")).count();
        return new Written(out, enc, model.length, qdq.opset(), q, dq);
    }

    /** OUT.onnx → OUT.encodings (the spec's qairt-quantizer naming). */
    static Path encodingsPath(Path model) {
        String name = model.getFileName().toString();
        String stem = name.endsWith(".onnx") ? name.substring(0, name.length() - 5) : name;
        return model.resolveSibling(stem + ".encodings");
    }
}
