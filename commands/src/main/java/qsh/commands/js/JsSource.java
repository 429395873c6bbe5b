package qsh.commands.js;

/**
 * Decides whether a piece of JavaScript is unfinished, so the REPL and scripts keep reading lines: an open
 * bracket, string, template or block comment. A cheap scan, not a parser: a regex literal holding a bracket can
 * fool it, and then the evaluation reports the syntax error.
 */
public final class JsSource {
    private JsSource() {}

    /** True when {@code code} ends inside a bracket, string, template or block comment. */
    public static boolean isIncomplete(String code) {
        int depth = 0;
        int n = code.length();
        for (int i = 0; i < n; i++) {
            char c = code.charAt(i);
            if (c == '/' && i + 1 < n && code.charAt(i + 1) == '/') {
                while (i < n && code.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && code.charAt(i + 1) == '*') {
                int end = code.indexOf("*/", i + 2);
                if (end < 0) {
                    return true;
                }
                i = end + 1;
            } else if (c == '"' || c == '\'' || c == '`') {
                i = endOfString(code, i, c);
                if (i < 0) {
                    return true;
                }
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            }
        }
        return depth > 0;
    }

    /** The index of the quote closing the string opened at {@code start}, or -1 when it is still open. */
    private static int endOfString(String code, int start, char quote) {
        for (int i = start + 1; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == quote) {
                return i;
            } else if (c == '\n' && quote != '`') {
                return i; // a plain string cannot span lines: let the evaluation report it
            }
        }
        return -1;
    }
}
