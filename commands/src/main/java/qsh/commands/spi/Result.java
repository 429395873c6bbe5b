package qsh.commands.spi;

import java.util.List;

/**
 * What a command returns: structured data for {@code --json} and text lines for people. The shell decides
 * which to show and how to colour it; commands never print.
 */
public interface Result {
    /** A Jackson-serializable view of the result (maps, lists, numbers, strings, records). */
    Object data();

    /** Human-readable lines (plain text; the shell may add colour). */
    List<String> lines();

    /** A result that is just text. */
    static Result text(List<String> lines) {
        return new Result() {
            @Override
            public Object data() {
                return java.util.Map.of("text", lines);
            }

            @Override
            public List<String> lines() {
                return lines;
            }
        };
    }

    /** A result with data and its text form. */
    static Result of(Object data, List<String> lines) {
        return new Result() {
            @Override
            public Object data() {
                return data;
            }

            @Override
            public List<String> lines() {
                return lines;
            }
        };
    }

    /** No output. */
    Result EMPTY = text(List.of());
}
