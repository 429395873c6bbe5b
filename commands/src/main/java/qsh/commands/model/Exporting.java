package qsh.commands.model;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.sim.EncodingsVersion;
import qsh.core.workflow.ModelFiles;
import qsh.core.workflow.ModelState;

/**
 * Writing the session's quantized model ({@link ModelState#export}) with typed arguments: what {@code export} and
 * JavaScript's {@code qsh.export} both call. The session is not changed.
 */
public final class Exporting {
    private Exporting() {}

    /** Writes the model to {@code file} (resolved against the session's folder) and OUT.encodings beside it. */
    public static Result export(Session session, String file, boolean pack4, EncodingsVersion version) {
        ModelState m = session.requireModel();
        if (!m.quantized()) {
            throw new CommandException("the model is not quantized: run calibrate (or calibrate --float-fallback) first,"
                    + " or save it as float with: save " + file);
        }
        ModelFiles.Written w = write(m, session.resolve(file), pack4, version);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("model", w.model().toString());
        data.put("encodings", w.encodings().toString());
        data.put("bytes", w.bytes());
        data.put("opset", w.opset());
        return Result.of(data, List.of("exported " + m.source() + " (" + m.plan().label() + ") to " + file
                + ": " + w.bytes() + " bytes, opset " + w.opset() + ", " + w.quantizeNodes() + " QuantizeLinear / "
                + w.dequantizeNodes() + " DequantizeLinear nodes; encodings in " + w.encodings().getFileName()));
    }

    /** Writes {@code m}'s quantized model and its encodings ({@link ModelState#export}); one line on failure. */
    private static ModelFiles.Written write(ModelState m, Path out, boolean pack4, EncodingsVersion version) {
        try {
            return m.export(out, pack4, version);
        } catch (IllegalArgumentException e) {
            throw new CommandException("cannot export: " + e.getMessage());
        }
    }
}
