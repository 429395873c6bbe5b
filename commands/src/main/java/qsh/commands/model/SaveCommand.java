package qsh.commands.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import qsh.commands.ModelState;
import qsh.commands.Session;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.Result;
import qsh.core.graph.Graph;
import qsh.core.onnx.OnnxWriter;
import qsh.core.opset.SchemaCheck;

/** {@code save FILE.onnx}: writes the session's model (temporary file, then rename: never a half-written file). */
public final class SaveCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("save", "model", "write the model to an ONNX file",
            "FILE.onnx", List.of(), List.of("save /tmp/model.onnx"), List.of("load"), true);

    /**
     * Writes {@code g} to {@code out}, re-reads the file and checks every node against its opset's ONNX schema
     * ({@link SchemaCheck}); a model that breaks a schema is deleted again and reported as one line starting with
     * {@code prefix}, so no command leaves a file behind that ONNX Runtime would reject.
     */
    static void writeChecked(Graph g, Path out, String prefix) {
        try {
            OnnxWriter.write(g, out);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new CommandException("cannot write " + out + ": " + e.getMessage());
        }
        try {
            SchemaCheck.requireValidFile(out);
        } catch (IllegalArgumentException e) {
            try {
                java.nio.file.Files.deleteIfExists(out);
            } catch (java.io.IOException ignored) {
                // the message below says the file is invalid either way
            }
            throw new CommandException(prefix + e.getMessage() + "; nothing was written");
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
