package qsh.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import org.jline.reader.Buffer;
import org.jline.reader.History;
import org.jline.reader.LineReader;
import org.jline.reader.LineReader.SuggestionType;
import org.jline.widget.Widgets;
import qsh.commands.Interpreter;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Settings;

/**
 * The grey hint after the cursor, from the command's spec, following the cursor through the words: after
 * {@code encode } it names the operand ({@code TENSOR|LITERAL}), after {@code encode t --bw } the option's value
 * ({@code N  bitwidth, …}), after the last operand the options not given yet. A line that starts like an earlier one
 * shows that history entry instead (the fish/IPython habit), and → accepts only a history suggestion, never a hint.
 */
final class CursorHints extends Widgets {
    private static final String INSERT = "_qsh-hint-self-insert";
    private static final String DELETE_BACK = "_qsh-hint-backward-delete-char";
    private static final String DELETE = "_qsh-hint-delete-char";
    private static final String FORWARD_CHAR = "_qsh-hint-forward-char";
    private static final String END_OF_LINE = "_qsh-hint-end-of-line";
    private static final String FORWARD_WORD = "_qsh-hint-forward-word";
    private static final String ACCEPT = "_qsh-hint-accept-line";

    private final Interpreter interp;

    CursorHints(LineReader reader, Interpreter interp) {
        super(reader);
        this.interp = interp;
        addWidget(INSERT, () -> edited(LineReader.SELF_INSERT));
        addWidget(DELETE_BACK, () -> edited(LineReader.BACKWARD_DELETE_CHAR));
        addWidget(DELETE, () -> edited(LineReader.DELETE_CHAR));
        addWidget(FORWARD_CHAR, () -> move(LineReader.FORWARD_CHAR, "_autosuggest-forward-char"));
        addWidget(END_OF_LINE, () -> move(LineReader.END_OF_LINE, "_autosuggest-end-of-line"));
        addWidget(FORWARD_WORD, () -> move(LineReader.FORWARD_WORD, "_autosuggest-forward-word"));
        addWidget(ACCEPT, () -> {
            setTailTip("");
            setSuggestionType(SuggestionType.HISTORY);
            callWidget(LineReader.ACCEPT_LINE);
            return true;
        });
    }

    /** Binds the widgets (after {@link org.jline.widget.AutosuggestionWidgets#enable()}, whose accept it guards). */
    void enable() {
        aliasWidget(INSERT, LineReader.SELF_INSERT);
        aliasWidget(DELETE_BACK, LineReader.BACKWARD_DELETE_CHAR);
        aliasWidget(DELETE, LineReader.DELETE_CHAR);
        aliasWidget(FORWARD_CHAR, LineReader.FORWARD_CHAR);
        aliasWidget(END_OF_LINE, LineReader.END_OF_LINE);
        aliasWidget(FORWARD_WORD, LineReader.FORWARD_WORD);
        aliasWidget(ACCEPT, LineReader.ACCEPT_LINE);
    }

    private boolean edited(String widget) {
        callWidget(widget);
        Buffer b = buffer();
        String before = b.substring(0, b.cursor());
        String hint = b.cursor() == b.length() && !startsHistory(before) ? hint(interp, before) : "";
        if (hint.isEmpty()) {
            setTailTip("");
            setSuggestionType(SuggestionType.HISTORY);
        } else {
            setSuggestionType(SuggestionType.TAIL_TIP);
            setTailTip(hint);
        }
        return true;
    }

    /** A hint is shown, not typed: → moves (and accepts only a history suggestion). */
    private boolean move(String builtin, String autosuggest) {
        if (reader.getAutosuggestion() == SuggestionType.HISTORY && existsWidget(autosuggest)) {
            callWidget(autosuggest);
        } else {
            callWidget(builtin);
        }
        return true;
    }

    private boolean startsHistory(String before) {
        if (before.isBlank()) {
            return false;
        }
        History h = reader.getHistory();
        for (ListIterator<History.Entry> it = h.iterator(h.size() > 0 ? h.last() + 1 : 0); it.hasPrevious(); ) {
            String line = it.previous().line();
            if (line.length() > before.length() && line.startsWith(before)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The hint for the line typed up to the cursor: empty unless the cursor is right after a blank (a new word).
     */
    static String hint(Interpreter interp, String before) {
        if (before.isEmpty() || !Character.isWhitespace(before.charAt(before.length() - 1))) {
            return "";
        }
        SpecCursor at = SpecCursor.at(interp.registry(), interp.lexer(), before);
        switch (at.what()) {
            case OPTION_VALUE: {
                OptionSpec o = at.option();
                return o.valueName() + "  " + o.description();
            }
            case SUBCOMMAND:
                return at.spec().argumentUsage();
            case ARGUMENT: {
                ArgSpec a = at.argument();
                if (a.kind() == ArgKind.SETTING_VALUE && !at.positional().isEmpty()) {
                    String setting = at.positional().get(at.positional().size() - 1);
                    String d = Settings.descriptions().get(setting);
                    return d == null ? a.usage() : a.name() + "  " + d;
                }
                List<String> parts = new ArrayList<>();
                for (ArgSpec r : at.remaining()) {
                    parts.add(r.usage());
                }
                return String.join(" ", parts);
            }
            case OPTIONS_ONLY: {
                List<String> parts = new ArrayList<>();
                for (OptionSpec o : at.spec().allOptions()) {
                    if (!at.given().contains(o.name())) {
                        parts.add("[" + o.usage() + "]");
                    }
                }
                return String.join(" ", parts);
            }
            default:
                return "";
        }
    }
}
