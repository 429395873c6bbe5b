package qsh.commands.spi;

import java.util.List;

/**
 * One subcommand word of a command ({@code cle plan}, {@code encodings save FILE}) with the arguments that follow it.
 *
 * @param name      the word typed after the command
 * @param summary   one line for help and hints
 * @param arguments its positional arguments
 */
public record SubcommandSpec(String name, String summary, List<ArgSpec> arguments) {
    public SubcommandSpec {
        arguments = List.copyOf(arguments);
    }

    /** A subcommand with arguments. */
    public static SubcommandSpec of(String name, String summary, ArgSpec... arguments) {
        return new SubcommandSpec(name, summary, List.of(arguments));
    }

    /** {@code name ARG ...} as shown in a synopsis. */
    public String usage() {
        StringBuilder sb = new StringBuilder(name);
        for (ArgSpec a : arguments) {
            sb.append(' ').append(a.usage());
        }
        return sb.toString();
    }
}
