package qsh.commands.model;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
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
import qsh.commands.spi.Result;
import qsh.core.graph.Graph;
import qsh.core.io.AtomicFile;
import qsh.core.modelio.OnnxReader;
import qsh.core.modelio.OnnxWriter;
import qsh.core.schema.SchemaCheck;

/** {@code save FILE.onnx}: writes the session's model (temporary file, then rename: never a half-written file). */
public final class SaveCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("save", "model", "write the model to an ONNX file",
            List.of(ArgSpec.of("FILE.onnx", ArgKind.FILE)), List.of(), List.of("save /tmp/model.onnx"), List.of("load"), true);

    /**
     * The bytes of {@code g} as an ONNX file, re-read and checked against every node's opset schema
     * ({@link SchemaCheck}) before anything is written: a model that breaks a schema is reported as one line starting
     * with {@code prefix} and no file is touched, so no command leaves a file behind that ONNX Runtime would reject.
     */
    static byte[] checkedBytes(Graph g, Path out, String prefix) {
        byte[] bytes = OnnxWriter.toProto(g).toByteArray();
        try {
            SchemaCheck.requireValid(OnnxReader.read(new ByteArrayInputStream(bytes), out.toString()), out.toString());
        } catch (IOException | IllegalArgumentException e) {
            throw new CommandException(prefix + e.getMessage() + "; nothing was written");
        }
        return bytes;
    }

    /** Writes {@code g} to {@code out} after {@link #checkedBytes}; the file appears whole or not at all. */
    static void writeChecked(Graph g, Path out, String prefix) {
        byte[] bytes = checkedBytes(g, out, prefix);
        try {
            AtomicFile.write(out, bytes);
        } catch (IllegalArgumentException e) {
            throw new CommandException(prefix + e.getMessage());
        }
    }

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        String file = args.positional(0, "a file name");
        args.atMost(1);
        ModelState m = session.requireModel();
        writeChecked(m.graph(), session.resolve(file), "cannot save: ");
        long size = session.resolve(file).toFile().length();
        return Result.of(Map.of("file", file, "bytes", size), List.of("saved " + m.source() + " to " + file + " (" + size + " bytes)"));
    }
}
