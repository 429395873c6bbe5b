package qsh.commands.js;

import java.util.LinkedHashMap;
import java.util.Map;
import org.graalvm.polyglot.Value;
import qsh.commands.spi.CommandException;

/**
 * A JS options object ({@code {perChannel: true, actBw: 16}}) as the typed values {@link qsh.commands.spi.Args#of}
 * reads: booleans, numbers (whole ones as longs), strings and null, by key. Anything else (an array, a function, a
 * nested object) is a one-line error naming the command and the key.
 */
final class JsOptions {
    private JsOptions() {}

    /** {@code options} (null or undefined: none) as key → Boolean, Long, Double, String or null. */
    static Map<String, Object> typed(String command, Value options) {
        Map<String, Object> typed = new LinkedHashMap<>();
        if (options != null && !options.isNull()) {
            if (!options.hasMembers() || options.hasArrayElements() || options.canExecute()) {
                throw new CommandException(command + ": options must be an object such as {bw: 8}");
            }
            for (String key : options.getMemberKeys()) {
                Value v = options.getMember(key);
                if (v.isNull()) {
                    typed.put(key, null);
                } else if (v.isBoolean()) {
                    typed.put(key, v.asBoolean());
                } else if (v.isNumber()) {
                    typed.put(key, v.fitsInLong() ? (Object) v.asLong() : (Object) v.asDouble());
                } else if (v.isString()) {
                    typed.put(key, v.asString());
                } else {
                    throw new CommandException(command + ": option " + key + " must be a number, string or boolean");
                }
            }
        }
        return typed;
    }
}
