package qsh.shell;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import qsh.commands.Interpreter;
import qsh.commands.builtin.HelpCommand;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Settings;
import qsh.commands.spi.SubcommandSpec;

/**
 * Completion from the command specs ({@link SpecCursor} says what is expected at the cursor): command names, option
 * names, an option's or argument's choices, subcommand words, tensor and node names from the session, setting names
 * and values, and paths wherever a file is expected, relative to the session's folder and inside the folder typed so
 * far ({@code load scripts/models/} + Tab lists that folder).
 */
final class Completion implements Completer {
    private final Interpreter interp;

    Completion(Interpreter interp) {
        this.interp = interp;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> out) {
        // JLine replaces its current word (split at blanks) with a candidate; for the words completion deals with
        // that is the word the spec cursor reads
        out.addAll(candidates(line.line().substring(0, Math.min(line.cursor(), line.line().length()))));
    }

    /** The candidates for the line typed up to the cursor that start with the word being typed. */
    List<Candidate> candidates(String before) {
        SpecCursor at = SpecCursor.at(interp.registry(), interp.lexer(), before);
        String typed = at.word();
        List<Candidate> out = new ArrayList<>();
        switch (at.what()) {
            case COMMAND:
                for (Command c : interp.registry().all()) {
                    CommandSpec s = c.spec();
                    out.add(new Candidate(s.name(), s.name(), s.topic(), s.summary(), null, null, true));
                }
                break;
            case OPTION:
                for (OptionSpec o : at.spec().allOptions()) {
                    if (!at.given().contains(o.name()) || o.name().equals("input_dim")) {
                        out.add(new Candidate("--" + o.name(), "--" + o.name(), null, o.description(), null, null, true));
                    }
                }
                break;
            case OPTION_VALUE:
                OptionSpec o = at.option();
                o.choices().forEach(ch -> out.add(word(ch, o.description())));
                if (o.kind() != null) {
                    byKind(o.kind(), typed, at, out);
                }
                break;
            case SUBCOMMAND:
                for (SubcommandSpec sub : at.spec().subcommands()) {
                    out.add(new Candidate(sub.name(), sub.name(), null, sub.summary(), null, null, true));
                }
                if (at.argument() != null) {
                    argument(at.argument(), typed, at, out);
                }
                break;
            case ARGUMENT:
                argument(at.argument(), typed, at, out);
                break;
            default:
                break;
        }
        out.removeIf(c -> !c.value().startsWith(typed));
        return out;
    }

    private void argument(ArgSpec a, String typed, SpecCursor at, List<Candidate> out) {
        a.choices().forEach(ch -> out.add(word(ch, null)));
        byKind(a.kind(), typed, at, out);
    }

    private void byKind(ArgKind kind, String typed, SpecCursor at, List<Candidate> out) {
        switch (kind) {
            case FILE:
                files(typed, "", false, out);
                break;
            case DIR:
                files(typed, "", true, out);
                break;
            case MODEL:
                out.add(word("demo", "the built-in model"));
                files(typed, "", false, out);
                break;
            case INPUT_FILE: {
                int assign = typed.indexOf(":=");
                if (assign >= 0) {
                    files(typed.substring(assign + 2), typed.substring(0, assign + 2), false, out);
                } else {
                    interp.session().model().ifPresent(m -> m.graph().inputs().forEach(v -> out.add(new Candidate(
                            v.name() + ":=", v.name() + ":=", null, "a raw file for input " + v.name(), null, null, false))));
                    files(typed, "", false, out);
                }
                break;
            }
            case TENSOR:
                interp.session().tensorNames().forEach(n -> out.add(word(n, null)));
                break;
            case NODE:
                interp.session().model().ifPresent(m -> m.graph().nodes().forEach(n -> out.add(word(n.name(), n.opType()))));
                break;
            case COMMAND:
                interp.registry().all().forEach(c -> out.add(word(c.spec().name(), c.spec().summary())));
                HelpCommand.topicNames().forEach(t -> out.add(word(t, "concept page")));
                break;
            case SETTING:
                Settings.descriptions().forEach((k, d) -> out.add(word(k, d)));
                break;
            case SETTING_VALUE:
                if (!at.positional().isEmpty()) {
                    Settings.choices(at.positional().get(at.positional().size() - 1)).forEach(v -> out.add(word(v, null)));
                }
                break;
            default:
                break; // names, numbers and free text: nothing to offer
        }
    }

    private static Candidate word(String value, String description) {
        return new Candidate(value, value, null, description, null, null, true);
    }

    /**
     * Paths for {@code typed} (the part after {@code prefix}, e.g. after {@code NAME:=}): the entries of the folder it
     * names so far, resolved against the session's folder, whose names start with what follows its last '/'. A folder
     * is offered with a trailing '/' and no space, so Tab goes on into it.
     */
    private void files(String typed, String prefix, boolean dirsOnly, List<Candidate> out) {
        int slash = typed.lastIndexOf('/');
        String folderPart = slash >= 0 ? typed.substring(0, slash + 1) : "";
        String start = typed.substring(slash + 1);
        Path folder = folderPart.isEmpty() ? interp.session().resolve(".") : interp.session().resolve(folderPart);
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (!name.startsWith(start) || (name.startsWith(".") && !start.startsWith("."))) {
                    continue;
                }
                boolean dir = Files.isDirectory(p);
                if (dirsOnly && !dir) {
                    continue;
                }
                String value = prefix + folderPart + name + (dir ? "/" : "");
                out.add(new Candidate(value, name + (dir ? "/" : ""), null, null, null, null, !dir));
            }
        } catch (IOException | SecurityException e) {
            // an unreadable folder offers nothing, as a shell's completion does
        }
    }
}
