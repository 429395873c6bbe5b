package qsh.commands.js;

import java.util.List;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.RawCommand;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;

/**
 * {@code js CODE} / {@code js { … }}: evaluates JavaScript in the session's long-lived sandboxed context, with
 * the {@code qsh} global (see {@link QshApi}). The rest of the line is the code, taken as typed.
 */
public final class JsCommand implements RawCommand {
    private static final CommandSpec SPEC = new CommandSpec("js", "scripting",
            "evaluate JavaScript (GraalJS, sandboxed) with the qsh global; js { … } spans lines", List.of(ArgSpec.of("CODE | { BLOCK }", ArgKind.TEXT)),
            List.of(),
            List.of("js qsh.load(\"demo\"); qsh.nodes().length",
                    "js qsh.encode(\"features.0.weight\", {bw: 4, mode: \"enhanced\"}).sqnr_db",
                    "js { for (const bw of [4, 8, 16]) console.log(bw, qsh.encode(\"features.0.weight\", {bw}).sqnr_db) }"),
            List.of("run", "set"), false);

    private final JsBridge bridge;

    /** A js command evaluating through {@code bridge}. */
    public JsCommand(JsBridge bridge) {
        this.bridge = bridge;
    }

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result runRaw(String text, Session session) {
        if (text.isBlank()) {
            throw new CommandException("js: give JavaScript to evaluate, e.g. js 1 + 2 (help js shows more)");
        }
        return bridge.eval(text.strip(), "js");
    }

    @Override
    public boolean isIncomplete(String text) {
        return JsSource.isIncomplete(text);
    }
}
