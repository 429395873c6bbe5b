package qsh.commands.equalize;

import java.util.List;
import java.util.Map;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;

/**
 * {@code undo}: reverts the last model transform. Overrides loaded after it are kept; a quantization made after it
 * belongs to the transformed weights and is dropped, with a line saying so.
 */
public final class UndoCommand implements Command {
    /** The commands whose change {@code undo} reverts. */
    static final String UNDOABLE = "fold-bn, cle step/apply, absorb-bias, calibrate's batch-norm fold, bias-correct,"
            + " adaround, amp, autoquant";
    private static final CommandSpec SPEC = new CommandSpec("undo", "equalize",
            "revert the last model transform (" + UNDOABLE + ")", List.of(), List.of(),
            List.of("undo", "cle apply; undo"), List.of("cle", "fold-bn", "absorb-bias"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        args.atMost(0);
        return session.undo()
                .map(u -> {
                    List<String> lines = new java.util.ArrayList<>();
                    lines.add("undid " + u.what() + (session.undoDepth() == 0 ? "; nothing more to undo"
                            : "; " + session.undoDepth() + " more to undo"));
                    u.kept().forEach(k -> lines.add("  kept " + k));
                    u.discarded().forEach(d -> lines.add("  discarded " + d));
                    return Result.of(Map.of("undone", u.what(), "left", session.undoDepth(), "kept", u.kept(),
                            "discarded", u.discarded()), lines);
                })
                .orElseGet(() -> Result.of(Map.of("undone", "", "left", 0, "kept", List.of(), "discarded", List.of()),
                        List.of("nothing to undo: no model transform (" + UNDOABLE + ") since the model was loaded")));
    }
}
