package qsh.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import qsh.commands.CommandRegistry;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.Lexer;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.RawCommand;

/**
 * What the command line expects at the cursor, read from the command's spec: the command word, an option name, an
 * option's value, a subcommand word, or a positional argument. Completion and the grey hint both start here, so they
 * agree with each other and with {@link qsh.commands.spi.Args}. The text is split by the session's {@link Lexer}
 * (the rules scripts and {@code -c} follow); only the statement the cursor is in counts.
 *
 * @param what      the kind of word expected
 * @param word      the part of the word typed before the cursor ("" right after a blank)
 * @param spec      the command's spec (null while the command word is typed)
 * @param option    for {@link What#OPTION_VALUE}, the option whose value is typed
 * @param argument  for {@link What#ARGUMENT}, the argument typed; for {@link What#SUBCOMMAND}, the plain argument
 *                  that may stand instead of a subcommand word (null when a subcommand is required)
 * @param remaining for {@link What#ARGUMENT} and {@link What#SUBCOMMAND}, this argument and those after it
 * @param positional the positional words typed before the cursor's word
 * @param given     the options given before the cursor's word
 */
record SpecCursor(What what, String word, CommandSpec spec, OptionSpec option, ArgSpec argument, List<ArgSpec> remaining,
                  List<String> positional, List<String> given) {
    /** The kinds of word a cursor can be at. */
    enum What { COMMAND, OPTION, OPTION_VALUE, SUBCOMMAND, ARGUMENT, OPTIONS_ONLY, NOTHING }

    private static final SpecCursor NOTHING = new SpecCursor(What.NOTHING, "", null, null, null, List.of(), List.of(), List.of());

    /** The cursor at the end of {@code before} (the line up to the cursor). */
    static SpecCursor at(CommandRegistry registry, Lexer lexer, String before) {
        List<String> words = currentStatement(lexer, before);
        if (words == null) {
            return NOTHING;
        }
        boolean atBlank = before.isEmpty() || Character.isWhitespace(before.charAt(before.length() - 1))
                || before.stripTrailing().endsWith(";");
        String word = atBlank || words.isEmpty() ? "" : words.get(words.size() - 1);
        List<String> done = atBlank || words.isEmpty() ? words : words.subList(0, words.size() - 1);
        if (done.isEmpty()) {
            return new SpecCursor(What.COMMAND, word, null, null, null, List.of(), List.of(), List.of());
        }
        Command c = registry.find(done.get(0));
        if (c == null || c instanceof RawCommand) {
            return NOTHING;
        }
        return walk(c.spec(), done.subList(1, done.size()), word);
    }

    /**
     * The words of the statement the text ends in (so {@code cle apply; und} gives {@code [und]}), or null when the
     * cursor is in a comment, an open bracket or an unfinished quote (nothing to complete there).
     */
    private static List<String> currentStatement(Lexer lexer, String before) {
        Lexer.Scan scan = lexer.scan(before, 1);
        if (scan.incomplete()) {
            return null;
        }
        String trimmed = before.stripTrailing();
        if (trimmed.isEmpty() || trimmed.endsWith(";") || before.endsWith("\n")) {
            return List.of();
        }
        List<Lexer.Item> items = scan.items();
        if (items.isEmpty() || !(items.get(items.size() - 1) instanceof Lexer.Statement s)) {
            return null; // a comment
        }
        if (s.error() != null || s.source().contains("#") && commentEnds(s.source(), trimmed)) {
            return null;
        }
        List<String> words = new ArrayList<>(s.words());
        if (s.expectsFailure() && !words.isEmpty() && words.get(0).startsWith("!")) {
            words.set(0, words.get(0).substring(1));
        }
        return words;
    }

    /** Whether the statement's text ends inside a trailing {@code # comment}. */
    private static boolean commentEnds(String source, String trimmed) {
        for (String w : source.split("\\s+")) {
            if (w.startsWith("#")) {
                return trimmed.endsWith(source.strip());
            }
        }
        return false;
    }

    /** Walks the words after the command name with the spec, as {@link qsh.commands.spi.Args} reads them. */
    private static SpecCursor walk(CommandSpec spec, List<String> words, String word) {
        List<String> positional = new ArrayList<>();
        List<String> given = new ArrayList<>();
        OptionSpec pending = null;
        int pendingLeft = 0;
        for (String w : words) {
            if (pendingLeft > 0) {
                pendingLeft--;
                continue;
            }
            if (w.startsWith("--") && w.length() > 2) {
                String name = w.substring(2);
                int eq = name.indexOf('=');
                Optional<OptionSpec> o = spec.option(eq > 0 ? name.substring(0, eq) : name);
                if (o.isPresent()) {
                    given.add(o.get().name());
                    if (eq < 0 && !o.get().isFlag()) {
                        pending = o.get();
                        pendingLeft = o.get().arity();
                    }
                }
                continue;
            }
            positional.add(w);
        }
        if (pendingLeft > 0) {
            return new SpecCursor(What.OPTION_VALUE, word, spec, pending, null, List.of(), positional, given);
        }
        if (word.startsWith("-")) {
            return new SpecCursor(What.OPTION, word, spec, null, null, List.of(), positional, given);
        }
        if (!spec.subcommands().isEmpty() && positional.isEmpty()) {
            ArgSpec plain = spec.arguments().isEmpty() ? null : spec.arguments().get(0);
            return new SpecCursor(What.SUBCOMMAND, word, spec, null, plain, spec.arguments(), positional, given);
        }
        boolean sub = !spec.subcommands().isEmpty() && spec.subcommand(positional.get(0)).isPresent();
        List<ArgSpec> args = spec.argumentsAfter(sub ? positional.get(0) : null);
        int index = positional.size() - (sub ? 1 : 0);
        Optional<ArgSpec> a = CommandSpec.argumentAt(args, index);
        if (a.isEmpty()) {
            return new SpecCursor(What.OPTIONS_ONLY, word, spec, null, null, List.of(), positional, given);
        }
        List<ArgSpec> rest = index < args.size() ? args.subList(index, args.size()) : List.of(a.get());
        return new SpecCursor(What.ARGUMENT, word, spec, null, a.get(), rest, positional, given);
    }
}
