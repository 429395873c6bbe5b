package qsh.commands.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into words: whitespace separates, a bracketed literal {@code [1, [2, 3]]} stays one
 * word, single or double quotes group, and {@code #} outside brackets/quotes starts a comment.
 */
public final class Tokenizer {
    private Tokenizer() {}

    /** The words of {@code line}; throws on an unclosed bracket or quote. */
    public static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        char quote = 0;
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
                continue;
            }
            if (depth == 0 && (c == '"' || c == '\'')) {
                quote = c;
                inWord = true;
                continue;
            }
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
                if (depth < 0) {
                    throw new CommandException("unbalanced ']' at column " + (i + 1));
                }
            } else if (depth == 0 && c == '#' && !inWord) {
                break;
            }
            if (depth == 0 && Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
                continue;
            }
            cur.append(c);
            inWord = true;
        }
        if (quote != 0) {
            throw new CommandException("unclosed quote " + quote);
        }
        if (depth > 0) {
            throw new CommandException("unclosed '[': " + depth + " bracket(s) still open");
        }
        if (inWord) {
            out.add(cur.toString());
        }
        return out;
    }

    /** Splits a line at top-level {@code ;} (outside brackets and quotes) into separate command lines. */
    public static List<String> statements(String line) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == ';' && depth == 0) {
                out.add(line.substring(start, i));
                start = i + 1;
            }
        }
        out.add(line.substring(start));
        return out;
    }

    /** True when {@code line} ends inside an open bracket (the REPL then asks for a continuation line). */
    public static boolean isIncomplete(String line) {
        int depth = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            }
        }
        return depth > 0;
    }
}
