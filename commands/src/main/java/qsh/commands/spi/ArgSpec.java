package qsh.commands.spi;

import java.util.List;

/**
 * One positional argument of a command.
 *
 * @param name     placeholder shown in help and hints, e.g. {@code TENSOR|LITERAL}, {@code INPUT_LIST}
 * @param kind     what the word is
 * @param choices  for {@link ArgKind#CHOICE} the allowed words; for other kinds extra words that are also
 *                 accepted and completed (e.g. {@code off} for a file, the generators of {@code let})
 * @param optional whether it may be left out
 * @param variadic whether it takes every remaining positional word
 */
public record ArgSpec(String name, ArgKind kind, List<String> choices, boolean optional, boolean variadic) {
    public ArgSpec {
        choices = List.copyOf(choices);
    }

    /** A required argument of {@code kind}. */
    public static ArgSpec of(String name, ArgKind kind) {
        return new ArgSpec(name, kind, List.of(), false, false);
    }

    /** A required choice among {@code values}; its name is the values joined by {@code |}. */
    public static ArgSpec choice(String... values) {
        return new ArgSpec(String.join("|", values), ArgKind.CHOICE, List.of(values), false, false);
    }

    /** The same argument, optional. */
    public ArgSpec asOptional() {
        return new ArgSpec(name, kind, choices, true, variadic);
    }

    /** The same argument, taking every remaining word (and optional). */
    public ArgSpec asVariadic() {
        return new ArgSpec(name, kind, choices, true, true);
    }

    /** The same argument, also accepting (and completing) {@code words}. */
    public ArgSpec orWords(String... words) {
        return new ArgSpec(name, kind, List.of(words), optional, variadic);
    }

    /** How it reads in a synopsis: {@code NAME}, {@code [NAME]} or {@code [NAME ...]}. */
    public String usage() {
        String u = variadic ? name + " ..." : name;
        return optional ? "[" + u + "]" : u;
    }

    /** Whether {@code word} is one of a choice's values (always true for other kinds). */
    public boolean accepts(String word) {
        return kind != ArgKind.CHOICE || choices.contains(word);
    }
}
