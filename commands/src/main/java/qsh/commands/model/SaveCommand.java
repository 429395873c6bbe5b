package qsh.commands.model;

import java.util.List;
import java.util.Map;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.workflow.ModelFiles;
import qsh.core.workflow.ModelState;

/** {@code save FILE.onnx}: writes the session's model (temporary file, then rename: never a half-written file). */
public final class SaveCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("save", "model", "write the model to an ONNX file",
            List.of(ArgSpec.of("FILE.onnx", ArgKind.FILE)), List.of(), List.of("save /tmp/model.onnx"), List.of("load"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        String file = args.positional(0, "a file name");
        args.atMost(1);
        ModelState m = session.requireModel();
        long size;
        try {
            size = ModelFiles.save(m.graph(), session.resolve(file)); // validated, then written whole or not at all
        } catch (IllegalArgumentException e) {
            throw new CommandException("cannot save: " + e.getMessage());
        }
        return Result.of(Map.of("file", file, "bytes", size), List.of("saved " + m.source() + " to " + file + " (" + size + " bytes)"));
    }
}
