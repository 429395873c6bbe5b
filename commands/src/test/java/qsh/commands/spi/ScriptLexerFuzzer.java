package qsh.commands.spi;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import qsh.commands.Interpreter;
import qsh.commands.fuzz.FuzzInterpreters;

/**
 * Jazzer target: the text of a {@code .qsh} script. The lexer the REPL and scripts share scans it (never throwing,
 * statements in line order, an unfinished text saying where and why); with the first byte's choice the script is
 * also run, keep-going, by {@link ScriptRunner} on an interpreter that cannot write files
 * ({@link FuzzInterpreters#safe}), and every failure it reports must be a user's error line. Corpus:
 * {@code ScriptLexerFuzzerInputs/fuzz} (seeded from the lessons in scripts/).
 */
class ScriptLexerFuzzer {
    private final Interpreter interp = FuzzInterpreters.safe();

    @FuzzTest
    void fuzz(FuzzedDataProvider data) {
        boolean run = data.consumeBoolean();
        String text = data.consumeRemainingAsString();
        int lines = text.replace("\r\n", "\n").split("\n", -1).length;
        Lexer.Scan scan = interp.lexer().scan(text, 1);
        if (scan.incomplete()) {
            requireLine(scan.unfinished().line(), lines, "unfinished");
            requireOneLine(scan.unfinished().message());
        }
        int last = 0;
        for (Lexer.Item item : scan.items()) {
            requireLine(item.line(), lines, "item");
            if (item.line() < last) {
                throw new AssertionError("items out of line order: " + item.line() + " after " + last);
            }
            last = item.line();
            if (item instanceof Lexer.Statement s) {
                if (s.source() == null || s.words() == null) {
                    throw new AssertionError("statement without source or words at line " + s.line());
                }
                if (s.error() != null) {
                    requireOneLine(s.error());
                }
            }
        }
        if (interp.isIncomplete(text) != scan.incomplete()) {
            throw new AssertionError("isIncomplete disagrees with scan");
        }
        if (run) {
            List<ScriptRunner.Failure> failures = new ArrayList<>();
            FuzzInterpreters.bounded(interp, 3000,
                    () -> new ScriptRunner(interp).run(text, "fuzz.qsh", false, true, failures::add));
            for (ScriptRunner.Failure f : failures) {
                if (FuzzInterpreters.leaksInternals(f.message())) {
                    throw new AssertionError("not a user's error line: " + f);
                }
            }
        }
    }

    private static void requireLine(int line, int lines, String what) {
        if (line < 1 || line > lines) {
            throw new AssertionError(what + " at line " + line + " of a " + lines + "-line text");
        }
    }

    private static void requireOneLine(String message) {
        if (message == null || message.isBlank()) {
            throw new AssertionError("an empty error message");
        }
    }
}
