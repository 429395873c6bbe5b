package qsh.shell;

import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.jline.builtins.Completers;
import qsh.commands.Interpreter;
import qsh.commands.Settings;
import qsh.commands.TensorExpressions;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;

/**
 * Context-aware completion from the command specs: command names first, then the command's options,
 * option choices, tensor names, setting names, generator words, and file names for {@code run}.
 */
final class Completion implements Completer {
    private final Interpreter interp;
    private final Completer files = new Completers.FileNameCompleter();

    Completion(Interpreter interp) {
        this.interp = interp;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> out) {
        List<String> words = line.words();
        int idx = line.wordIndex();
        if (idx == 0) {
            for (Command c : interp.registry().all()) {
                CommandSpec s = c.spec();
                out.add(new Candidate(s.name(), s.name(), s.topic(), s.summary(), null, null, true));
            }
            return;
        }
        CommandSpec spec;
        try {
            spec = interp.registry().get(words.get(0)).spec();
        } catch (CommandException e) {
            return;
        }
        String prev = words.get(idx - 1);
        if (prev.startsWith("--")) {
            var opt = spec.option(prev.substring(2));
            if (opt.isPresent() && !opt.get().isFlag()) {
                for (String ch : opt.get().choices()) {
                    out.add(new Candidate(ch));
                }
                return;
            }
        }
        String cur = line.word();
        if (cur.startsWith("-")) {
            for (OptionSpec o : spec.allOptions()) {
                out.add(new Candidate("--" + o.name(), "--" + o.name(), null, o.description(), null, null, true));
            }
            return;
        }
        switch (spec.name()) {
            case "run":
                files.complete(reader, line, out);
                return;
            case "set":
                if (idx == 1) {
                    Settings.descriptions().forEach((k, d) -> out.add(new Candidate(k, k, null, d, null, null, true)));
                }
                return;
            case "cle":
                if (idx == 1) {
                    java.util.List.of("plan", "step", "apply").forEach(w -> out.add(new Candidate(w)));
                }
                return;
            case "fold-bn":
            case "absorb-bias":
            case "undo":
                return;
            case "help":
                interp.registry().all().forEach(c -> out.add(new Candidate(c.spec().name())));
                return;
            case "let":
                if (idx == 3) {
                    TensorExpressions.GENERATORS.forEach(g -> out.add(new Candidate(g)));
                }
                break;
            default:
                break;
        }
        if (spec.name().equals("node") || spec.name().equals("ranges") || (spec.name().equals("show") && idx == 2
                && words.get(1).equals("node"))) {
            interp.session().model().ifPresent(m -> m.graph().nodes().forEach(n -> out.add(new Candidate(n.name(),
                    n.name(), null, n.opType(), null, null, true))));
            return;
        }
        if (spec.name().equals("load") || spec.name().equals("save")) {
            out.add(new Candidate("demo"));
            files.complete(reader, line, out);
            return;
        }
        interp.session().tensorNames().forEach(n -> out.add(new Candidate(n)));
    }
}
