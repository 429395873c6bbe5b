package qsh.commands.js;

import org.graalvm.polyglot.Value;
import qsh.commands.spi.CommandException;

/**
 * Builds a command line from a JS call: {@code ("encode", "w", {bw: 4, perChannel: 0})} →
 * {@code encode w --bw 4 --per-channel 0}. true is a flag, false/null/undefined leave the option out,
 * camelCase keys become kebab-case options.
 */
final class CommandLine {
    private CommandLine() {}

    static String of(String command, String operand, Value options) {
        StringBuilder sb = new StringBuilder(command);
        if (operand != null) {
            sb.append(' ').append(quote(operand));
        }
        if (options == null || options.isNull()) {
            return sb.toString();
        }
        if (!options.hasMembers() || options.hasArrayElements()) {
            throw new CommandException(command + ": options must be an object such as {bw: 8}");
        }
        for (String key : options.getMemberKeys()) {
            Value v = options.getMember(key);
            String opt = "--" + key.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
            if (v.isBoolean()) {
                if (v.asBoolean()) {
                    sb.append(' ').append(opt);
                }
            } else if (v.isNull()) {
                continue;
            } else if (v.isNumber()) {
                sb.append(' ').append(opt).append(' ').append(v.fitsInLong() ? Long.toString(v.asLong()) : v.toString());
            } else if (v.isString()) {
                sb.append(' ').append(opt).append(' ').append(quote(v.asString()));
            } else {
                throw new CommandException(command + ": option " + key + " must be a number, string or boolean");
            }
        }
        return sb.toString();
    }

    /** Quotes a word for qsh's tokenizer when it holds spaces, quotes or brackets. */
    static String quote(String word) {
        if (!word.isEmpty() && word.chars().noneMatch(c -> Character.isWhitespace(c) || "\"';[]#\\".indexOf(c) >= 0)) {
            return word;
        }
        return word.indexOf('"') < 0 ? '"' + word + '"' : "'" + word + "'";
    }
}
