package qsh.commands.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * Laying text out in a fixed number of columns ({@link Session#columns()}), so that no printed row wraps: long names
 * are cut in the middle, and pieces that do not fit after a row's head go to indented continuation lines.
 * Widths count code points: every character qsh prints in these rows (box drawing, arrows, ×, …) is one column.
 */
public final class TextFit {
    private TextFit() {}

    /** The columns {@code s} takes (one per code point). */
    public static int width(String s) {
        return s.codePointCount(0, s.length());
    }

    /** {@code s} padded with spaces to {@code w} columns (unchanged when already as wide). */
    public static String pad(String s, int w) {
        int n = width(s);
        return n >= w ? s : s + " ".repeat(w - n);
    }

    /**
     * {@code s} cut to at most {@code max} columns by replacing its middle with "…": the start (where a name says
     * which block it is in) and the longer end (what the node is) both stay readable.
     */
    public static String middle(String s, int max) {
        int n = width(s);
        if (n <= max) {
            return s;
        }
        if (max <= 1) {
            return "…";
        }
        int keep = max - 1;
        int head = keep / 3;
        int tail = keep - head;
        int[] cps = s.codePoints().toArray();
        return new String(cps, 0, head) + "…" + new String(cps, n - tail, tail);
    }

    /**
     * Lines of at most {@code columns}: {@code head}, then each piece after {@code sep} while it fits on the current
     * line, else on a new line indented by {@code indent} spaces; a piece too wide for a line of its own is cut in
     * the middle. A head wider than {@code columns} is cut the same way.
     */
    public static List<String> pack(String head, List<String> pieces, String sep, int indent, int columns) {
        List<String> lines = new ArrayList<>();
        String pad = " ".repeat(indent);
        int room = Math.max(1, columns - indent);
        StringBuilder line = new StringBuilder(middle(head, columns));
        boolean fresh = false; // the current line holds only its indent
        for (String piece : pieces) {
            if (piece.isEmpty()) {
                continue;
            }
            String between = fresh ? "" : sep;
            if (width(line.toString()) + width(between) + width(piece) <= columns) {
                line.append(between).append(piece);
                fresh = false;
                continue;
            }
            if (!fresh) {
                lines.add(line.toString().stripTrailing());
                line = new StringBuilder(pad);
            }
            line.append(middle(piece, room));
            fresh = false;
        }
        lines.add(line.toString().stripTrailing());
        return lines;
    }

    /** {@code text} word-wrapped to {@code columns}, continuation lines indented by {@code indent} spaces. */
    public static List<String> wrap(String text, int indent, int columns) {
        int lead = 0;
        while (lead < text.length() && text.charAt(lead) == ' ') {
            lead++;
        }
        String[] words = text.substring(lead).split(" ");
        List<String> pieces = new ArrayList<>(List.of(words).subList(1, words.length));
        return pack(text.substring(0, lead) + words[0], pieces, " ", indent, columns);
    }

    /** Every line of {@code lines} that is wider than {@code columns} word-wrapped, its continuation 2 columns in. */
    public static List<String> wrapAll(List<String> lines, int columns) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (width(l) <= columns) {
                out.add(l);
            } else {
                int lead = 0;
                while (lead < l.length() && l.charAt(lead) == ' ') {
                    lead++;
                }
                out.addAll(wrap(l, lead + 2, columns));
            }
        }
        return out;
    }
}
