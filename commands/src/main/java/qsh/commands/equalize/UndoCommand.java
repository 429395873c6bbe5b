package qsh.commands.equalize;

import java.util.List;
import java.util.Map;
import qsh.commands.Session;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.Result;

/** {@code undo}: reverts the last model transform (fold-bn, cle step/apply, absorb-bias, bias-correct, adaround). */
public final class UndoCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("undo", "equalize",
            "revert the last model transform (fold-bn, cle step, cle apply, absorb-bias)", "", List.of(),
            List.of("undo", "cle apply; undo"), List.of("cle", "fold-bn", "absorb-bias"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        args.atMost(0);
        return session.undo()
                .map(what -> Result.of(Map.of("undone", what, "left", session.undoDepth()),
                        List.of("undid " + what + (session.undoDepth() == 0 ? "; nothing more to undo"
                                : "; " + session.undoDepth() + " more to undo"))))
                .orElseGet(() -> Result.of(Map.of("undone", "", "left", 0),
                        List.of("nothing to undo: no model transform (fold-bn, cle step/apply, absorb-bias, bias-correct, adaround) since the model was loaded")));
    }
}
