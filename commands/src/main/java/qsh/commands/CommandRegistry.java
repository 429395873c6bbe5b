package qsh.commands;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.builtin.DequantizeCommand;
import qsh.commands.builtin.EncodeCommand;
import qsh.commands.builtin.HelpCommand;
import qsh.commands.builtin.HistCommand;
import qsh.commands.builtin.LetCommand;
import qsh.commands.builtin.PackCommand;
import qsh.commands.builtin.QuantizeCommand;
import qsh.commands.builtin.RecordCommand;
import qsh.commands.builtin.SaveHistoryCommand;
import qsh.commands.builtin.SetCommand;
import qsh.commands.builtin.ShowCommand;
import qsh.commands.builtin.TensorsCommand;
import qsh.commands.builtin.UnpackCommand;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandIndex;
import qsh.commands.spi.Suggest;

/** Every command by name, in help order. */
public final class CommandRegistry implements CommandIndex {
    private final Map<String, Command> commands = new LinkedHashMap<>();

    /** The built-in commands (session-level ones like run/trace/exit are added by the interpreter). */
    public static CommandRegistry standard() {
        CommandRegistry r = new CommandRegistry();
        r.add(new LetCommand());
        r.add(new ShowCommand());
        r.add(new TensorsCommand());
        r.add(new EncodeCommand());
        qsh.commands.algorithms.QairtQuantizerCommand qairt = new qsh.commands.algorithms.QairtQuantizerCommand();
        r.add(new QuantizeCommand(qairt.spec().options())); // batch flags typed after it point to qairt-quantizer
        r.add(new DequantizeCommand());
        r.add(new HistCommand());
        r.add(new PackCommand());
        r.add(new UnpackCommand());
        r.add(new qsh.commands.model.LoadCommand());
        r.add(new qsh.commands.model.GraphCommand());
        r.add(new qsh.commands.model.NodeCommand());
        r.add(new qsh.commands.model.InferCommand());
        r.add(new qsh.commands.model.ProfileCommand());
        r.add(new qsh.commands.model.RangesCommand());
        r.add(new qsh.commands.model.SaveCommand());
        r.add(new qsh.commands.model.EvalCommand());
        r.add(new qsh.commands.model.CalibrateCommand());
        r.add(new qsh.commands.model.ExportCommand());
        r.add(new qsh.commands.model.EncodingsCommand());
        r.add(new qsh.commands.model.EvaluateCommand());
        r.add(new qsh.commands.model.DatasetCommand());
        r.add(qairt);
        r.add(new qsh.commands.model.CompareCommand());
        r.add(new qsh.commands.model.TargetCommand());
        r.add(new qsh.commands.algorithms.AdaroundCommand());
        r.add(new qsh.commands.algorithms.BiasCorrectCommand());
        r.add(new qsh.commands.algorithms.AmpCommand());
        r.add(new qsh.commands.algorithms.AutoQuantCommand());
        r.add(new qsh.commands.equalize.FoldBnCommand());
        r.add(new qsh.commands.equalize.CleCommand());
        r.add(new qsh.commands.equalize.AbsorbBiasCommand());
        r.add(new qsh.commands.equalize.UndoCommand());
        r.add(new SetCommand());
        r.add(new RecordCommand());
        r.add(new qsh.commands.builtin.SweepCommand());
        r.add(new SaveHistoryCommand());
        r.add(new HelpCommand(r));
        return r;
    }

    /** Adds a command (names are unique). */
    public void add(Command c) {
        if (commands.putIfAbsent(c.spec().name(), c) != null) {
            throw new IllegalStateException("duplicate command " + c.spec().name());
        }
    }

    /** The command named {@code name}; an unambiguous prefix also works; else a one-line error with a suggestion. */
    @Override
    public Command get(String name) {
        Command c = commands.get(name);
        if (c != null) {
            return c;
        }
        List<Command> prefixed = new ArrayList<>();
        for (Map.Entry<String, Command> e : commands.entrySet()) {
            if (e.getKey().startsWith(name)) {
                prefixed.add(e.getValue());
            }
        }
        if (prefixed.size() == 1) {
            return prefixed.get(0);
        }
        throw new CommandException("unknown command '" + name + "'" + Suggest.hint(name, commands.keySet(), "")
                + "; type 'help' for the list");
    }

    /** The command named exactly {@code name}, or null. */
    public Command find(String name) {
        return commands.get(name);
    }

    /** All commands in registration order. */
    @Override
    public Collection<Command> all() {
        return commands.values();
    }
}
