package qsh.commands.spi;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * qsh's one set of input rules, shared by the REPL, {@code -c}, stdin, {@code .qsh} scripts and the command lines
 * JavaScript runs, so that a text means the same wherever it is typed:
 * <ul>
 *   <li>A statement ends at {@code ;} or at the end of a line, outside brackets and quotes.</li>
 *   <li>A {@code [ … ]} literal is one word and may span lines; the input is unfinished while one is open.</li>
 *   <li>{@code '…'} or {@code "…"} groups a word (the quotes are dropped; inside brackets they are kept) and ends on
 *       its line: an unclosed quote is an error, never a reason to read on.</li>
 *   <li>{@code #} at the start of a word starts a comment to the end of the line (brackets, quotes and {@code ;}
 *       in it mean nothing).</li>
 *   <li>A {@code \} just before a line end joins the next line (not inside a comment).</li>
 *   <li>{@code !} before a statement says it is expected to fail (lessons show bad input).</li>
 *   <li>A raw command (js) takes the rest of its statement as typed, {@code ;} and {@code #} included; the statement
 *       ends at the first line end where the command's own syntax is complete.</li>
 * </ul>
 * No escapes: a backslash elsewhere is an ordinary character (Windows paths stay as typed).
 */
public final class Lexer {
    /** One piece of input: a statement or a comment standing on its own. */
    public sealed interface Item permits Statement, Comment {
        /** The line it starts on. */
        int line();
    }

    /** A comment outside any statement, e.g. a {@code # …} line of a lesson (scripts echo it). */
    public record Comment(String text, int line) implements Item {}

    /**
     * One command to run.
     *
     * @param source         the statement as written (its {@code !} and trailing comment included), for echo
     * @param line           the line it starts on
     * @param expectsFailure whether it was marked {@code !}
     * @param words          its words (for a raw command: just the command word)
     * @param rawText        for a raw command, the text after the command word as typed; null otherwise
     * @param error          why it cannot run as written (an unbalanced {@code ]}, an unclosed quote), or null
     * @param errorLine      the line {@code error} is about
     */
    public record Statement(String source, int line, boolean expectsFailure, List<String> words, String rawText,
                            String error, int errorLine) implements Item {
        /** The statement without its {@code !} marker (what history records). */
        public String text() {
            return expectsFailure ? source.substring(1).strip() : source;
        }

        /** Whether a raw command (js) takes {@link #rawText}. */
        public boolean isRaw() {
            return rawText != null;
        }
    }

    /**
     * Where the input stops unfinished: an open bracket, a trailing {@code \}, unfinished code of a raw command.
     *
     * @param line    the line to blame (where the bracket opened)
     * @param message one line saying what is open, for when no more input will come
     */
    public record Unfinished(int line, String message) {}

    /**
     * A scanned text.
     *
     * @param items      its statements and stand-alone comments, in order (only meaningful when finished)
     * @param unfinished null when the text is complete; otherwise what is still open
     */
    public record Scan(List<Item> items, Unfinished unfinished) {
        /** True while more input is needed (the REPL shows its continuation prompt, scripts read on). */
        public boolean incomplete() {
            return unfinished != null;
        }

        /** Just the statements. */
        public List<Statement> statements() {
            List<Statement> out = new ArrayList<>();
            for (Item i : items) {
                if (i instanceof Statement s) {
                    out.add(s);
                }
            }
            return out;
        }
    }

    private static final String ENDS_AFTER_BACKSLASH = "the input ends after a '\\' that joins the next line";

    private final Function<String, RawCommand> rawCommands;

    /** A lexer where {@code rawCommands} names the raw commands (exact command word to command, or null). */
    public Lexer(Function<String, RawCommand> rawCommands) {
        this.rawCommands = rawCommands;
    }

    /** A lexer without raw commands. */
    public static Lexer plain() {
        return new Lexer(w -> null);
    }

    /** True while {@code text} needs more lines. */
    public boolean isIncomplete(String text) {
        return scan(text, 1).incomplete();
    }

    /** Scans {@code text}, whose first line is line {@code firstLine} of its source. */
    public Scan scan(String text, int firstLine) {
        return new Scanner(text.replace("\r\n", "\n"), firstLine).scan();
    }

    /** The words of one statement (a convenience for tests and single-command callers). */
    public List<String> words(String statement) {
        Scan s = scan(statement, 1);
        if (s.incomplete()) {
            throw new CommandException(s.unfinished().message());
        }
        List<Statement> st = s.statements();
        if (st.size() != 1) {
            throw new CommandException("expected one command, got " + st.size());
        }
        if (st.get(0).error() != null) {
            throw new CommandException(st.get(0).error());
        }
        return st.get(0).words();
    }

    /** One pass over one text; positions are tracked for messages. */
    private final class Scanner {
        private final String text;
        private final int n;
        private int i;
        private int line;
        private int lineStart;
        private final List<Item> items = new ArrayList<>();

        Scanner(String text, int firstLine) {
            this.text = text;
            this.n = text.length();
            this.line = firstLine;
        }

        private int column(int at) {
            return at - lineStart + 1;
        }

        private void newline(int at) {
            line++;
            lineStart = at + 1;
        }

        private boolean continuationAt(int at) {
            return text.charAt(at) == '\\' && at + 1 < n && text.charAt(at + 1) == '\n';
        }

        Scan scan() {
            while (true) {
                // between statements: blank space, empty statements and joined lines
                while (i < n) {
                    char c = text.charAt(i);
                    if (c == '\n') {
                        newline(i);
                        i++;
                    } else if (continuationAt(i)) {
                        if (i + 2 == n) {
                            return new Scan(items, new Unfinished(line, ENDS_AFTER_BACKSLASH));
                        }
                        newline(i + 1);
                        i += 2;
                    } else if (c == ';' || Character.isWhitespace(c)) {
                        i++;
                    } else {
                        break;
                    }
                }
                if (i >= n) {
                    return new Scan(items, null);
                }
                if (text.charAt(i) == '\\' && i == n - 1) {
                    return new Scan(items, new Unfinished(line, ENDS_AFTER_BACKSLASH));
                }
                if (text.charAt(i) == '#') {
                    int end = lineEnd(i);
                    items.add(new Comment(text.substring(i, end).strip(), line));
                    i = end;
                    continue;
                }
                Unfinished u = statement();
                if (u != null) {
                    return new Scan(items, u);
                }
            }
        }

        private int lineEnd(int from) {
            int end = text.indexOf('\n', from);
            return end < 0 ? n : end;
        }

        /** Scans one statement starting at {@code i}; returns what is open when the text ends inside it. */
        private Unfinished statement() {
            int start = i;
            int startLine = line;
            boolean expectsFailure = text.charAt(i) == '!';
            if (expectsFailure) {
                i++;
                while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                    i++;
                }
            }
            int wordEnd = i;
            while (wordEnd < n && !Character.isWhitespace(text.charAt(wordEnd)) && text.charAt(wordEnd) != ';') {
                wordEnd++;
            }
            RawCommand raw = wordEnd > i ? rawCommands.apply(text.substring(i, wordEnd)) : null;
            return raw != null ? rawStatement(start, startLine, expectsFailure, text.substring(i, wordEnd), wordEnd, raw)
                    : wordStatement(start, startLine, expectsFailure);
        }

        /** A raw command's statement: up to the first line end where its code is complete. */
        private Unfinished rawStatement(int start, int startLine, boolean expectsFailure, String word, int from,
                                        RawCommand raw) {
            StringBuilder body = new StringBuilder();
            int k = from;
            while (true) {
                int nl = text.indexOf('\n', k);
                int end = nl < 0 ? n : nl;
                String segment = text.substring(k, end);
                boolean joined = segment.endsWith("\\");
                body.append(joined ? segment.substring(0, segment.length() - 1) : segment);
                if (nl < 0) {
                    if (joined) {
                        return new Unfinished(line, ENDS_AFTER_BACKSLASH);
                    }
                    if (raw.isIncomplete(body + "\n")) { // checked as a line, like the lines before it
                        return new Unfinished(startLine, word + ": the code is unfinished (an open bracket, string"
                                + " or comment) where the input ends");
                    }
                    finish(start, n, startLine, expectsFailure, List.of(word), body.toString(), null, 0);
                    i = n;
                    return null;
                }
                if (joined && nl == n - 1) {
                    return new Unfinished(line, ENDS_AFTER_BACKSLASH);
                }
                if (joined || raw.isIncomplete(body + "\n")) { // a plain JS string ends at its line end
                    body.append('\n');
                    newline(nl);
                    k = nl + 1;
                    continue;
                }
                finish(start, nl, startLine, expectsFailure, List.of(word), body.toString(), null, 0);
                i = nl; // the line end is the separator; the main loop counts it
                return null;
            }
        }

        /** An ordinary statement: words split at blanks, up to {@code ;} or a line end outside brackets. */
        private Unfinished wordStatement(int start, int startLine, boolean expectsFailure) {
            List<String> words = new ArrayList<>();
            StringBuilder cur = new StringBuilder();
            boolean inWord = false;
            Deque<int[]> open = new ArrayDeque<>(); // line and column of each open '['
            char quote = 0;
            int quoteColumn = 0;
            String error = null;
            int errorLine = 0;
            int k = i;
            int end = -1;
            while (k < n) {
                char c = text.charAt(k);
                if (quote != 0) {
                    if (c == '\n') { // a quote ends on its line: the statement ends here, with an error
                        error = error != null ? error : "unclosed quote " + quote + " (column " + quoteColumn
                                + "; a quoted word ends on its line)";
                        errorLine = errorLine != 0 ? errorLine : line;
                        end = k;
                        break;
                    }
                    if (c == quote) {
                        quote = 0;
                        if (!open.isEmpty()) { // brackets keep their quotes: the literal is passed whole
                            cur.append(c);
                        }
                    } else {
                        cur.append(c);
                    }
                    k++;
                    continue;
                }
                if (c == '"' || c == '\'') {
                    quote = c;
                    quoteColumn = column(k);
                    inWord = true;
                    if (!open.isEmpty()) {
                        cur.append(c);
                    }
                    k++;
                    continue;
                }
                if (continuationAt(k)) {
                    if (k + 2 == n) {
                        return new Unfinished(line, ENDS_AFTER_BACKSLASH);
                    }
                    newline(k + 1);
                    k += 2;
                    if (!open.isEmpty()) {
                        cur.append('\n');
                    } else if (inWord) {
                        words.add(cur.toString());
                        cur.setLength(0);
                        inWord = false;
                    }
                    continue;
                }
                if (c == '\\' && k == n - 1) {
                    return new Unfinished(line, ENDS_AFTER_BACKSLASH);
                }
                boolean wordStart = open.isEmpty() ? !inWord : Character.isWhitespace(text.charAt(k - 1));
                if (c == '#' && wordStart) {
                    k = lineEnd(k); // the comment's text is not part of any word; its line end still counts
                    continue;
                }
                if (c == '\n') {
                    if (open.isEmpty()) { // the statement ends; the main loop counts the line end
                        end = k;
                        break;
                    }
                    newline(k);
                    cur.append(c);
                    k++;
                    continue;
                }
                if (c == ';' && open.isEmpty()) {
                    end = k;
                    break;
                }
                if (open.isEmpty() && Character.isWhitespace(c)) {
                    if (inWord) {
                        words.add(cur.toString());
                        cur.setLength(0);
                        inWord = false;
                    }
                    k++;
                    continue;
                }
                if (c == '[') {
                    open.push(new int[] {line, column(k)});
                } else if (c == ']') {
                    if (open.isEmpty()) {
                        if (error == null) {
                            error = "unbalanced ']' at column " + column(k);
                            errorLine = line;
                        }
                    } else {
                        open.pop();
                    }
                }
                cur.append(c);
                inWord = true;
                k++;
            }
            if (end < 0) { // the text ended inside this statement
                if (quote != 0) { // a quote never waits for more lines, even inside brackets
                    if (error == null) {
                        error = "unclosed quote " + quote + " (column " + quoteColumn
                                + "; a quoted word ends on its line)";
                        errorLine = line;
                    }
                } else if (!open.isEmpty()) {
                    int[] at = open.peek();
                    return new Unfinished(at[0], "unclosed '[' (line " + at[0] + ", column " + at[1]
                            + ") is never closed" + (open.size() > 1 ? " (" + open.size() + " brackets open)" : ""));
                }
                end = n;
            }
            if (inWord) {
                words.add(cur.toString());
            }
            if (words.isEmpty() && error == null) {
                error = expectsFailure ? "'!' needs a command after it (it marks a command expected to fail)" : null;
                errorLine = startLine;
                if (error == null) {
                    i = end;
                    return null;
                }
            }
            finish(start, end, startLine, expectsFailure, words, null, error, errorLine);
            i = end;
            if (end < n && text.charAt(end) == ';') {
                i++;
            }
            return null;
        }

        private void finish(int start, int end, int startLine, boolean expectsFailure, List<String> words,
                            String rawText, String error, int errorLine) {
            String source = text.substring(start, end).replace("\\\n", "\n").strip();
            items.add(new Statement(source, startLine, expectsFailure, List.copyOf(words), rawText, error, errorLine));
        }
    }
}
