package qsh.commands.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import qsh.commands.js.JsSource;

/** The one set of input rules: statements, words, comments, continuation and what stays unfinished. */
class LexerTest {
    /** A raw command like js: its statement ends where its JavaScript is complete. */
    private static final RawCommand JS = new RawCommand() {
        @Override
        public CommandSpec spec() {
            return new CommandSpec("js", "scripting", "test", List.of(qsh.commands.spi.ArgSpec.of("CODE", qsh.commands.spi.ArgKind.TEXT)), List.of(), List.of(), List.of(), false);
        }

        @Override
        public Result runRaw(String text, Session session) {
            return Result.EMPTY;
        }

        @Override
        public boolean isIncomplete(String text) {
            return JsSource.isIncomplete(text);
        }
    };

    private static final Lexer LEXER = new Lexer(w -> w.equals("js") ? JS : null);

    /** Each statement as its words joined by '|', a raw one as "js<" + its text + ">". */
    private static List<String> statements(String text) {
        Lexer.Scan scan = LEXER.scan(text, 1);
        assertFalse(scan.incomplete(), () -> "unexpectedly unfinished: " + scan.unfinished());
        List<String> out = new ArrayList<>();
        for (Lexer.Statement s : scan.statements()) {
            out.add(s.isRaw() ? s.words().get(0) + "<" + s.rawText() + ">" : String.join("|", s.words()));
        }
        return out;
    }

    static Stream<Arguments> complete() {
        return Stream.of(
                Arguments.of("let x = [1, 2]; show x", List.of("let|x|=|[1, 2]", "show|x")),
                Arguments.of("cle apply; undo", List.of("cle|apply", "undo")),
                Arguments.of("let x = [1, 2] # a; show x", List.of("let|x|=|[1, 2]")),
                Arguments.of("encode x # see [3\nshow x", List.of("encode|x", "show|x")),
                Arguments.of("# a comment with [ and ; and '\nshow x", List.of("show|x")),
                Arguments.of("let m = [[1, 2],\n         [3, 4]]\nshow m", List.of("let|m|=|[[1, 2],\n         [3, 4]]", "show|m")),
                Arguments.of("let m = [1, # first\n 2]", List.of("let|m|=|[1, \n 2]")),
                Arguments.of("show \\\n  x", List.of("show|x")),
                Arguments.of("let m = [1, \\\n 2]", List.of("let|m|=|[1, \n 2]")),
                Arguments.of("encode [1; 2]", List.of("encode|[1; 2]")),
                Arguments.of("run 'a;b.qsh'; show x", List.of("run|a;b.qsh", "show|x")),
                Arguments.of("run \"my file.qsh\"", List.of("run|my file.qsh")),
                Arguments.of("let s = ['a]', 1]", List.of("let|s|=|['a]', 1]")),
                Arguments.of("show x#y", List.of("show|x#y")),
                Arguments.of("load C:\\models\\m.onnx", List.of("load|C:\\models\\m.onnx")),
                Arguments.of("'' a", List.of("|a")),
                Arguments.of("show x\r\nshow y", List.of("show|x", "show|y")),
                Arguments.of(";; show x ;", List.of("show|x")),
                Arguments.of("show x # a trailing \\\nshow y", List.of("show|x", "show|y")),
                Arguments.of("set; js 1; 2 # js's own\nshow x", List.of("set", "js< 1; 2 # js's own>", "show|x")),
                Arguments.of("js {\n  const a = [1,\n 2]  // ]\n}\nshow x", List.of("js< {\n  const a = [1,\n 2]  // ]\n}>", "show|x")),
                Arguments.of("js 1 + \\\n 2", List.of("js< 1 + \n 2>")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("complete")
    void splitsStatementsAndWords(String text, List<String> expected) {
        assertEquals(expected, statements(text));
        assertFalse(LEXER.isIncomplete(text));
    }

    static Stream<Arguments> unfinished() {
        return Stream.of(
                Arguments.of("let x = [1,", 1, "unclosed '[' (line 1, column 9)"),
                Arguments.of("show x\nlet y = [1,\n2,\nshow z", 2, "unclosed '[' (line 2, column 9)"),
                Arguments.of("let m = [[1, 2],\n [3, 4]", 1, "unclosed '[' (line 1, column 9)"),
                Arguments.of("let m = [1, [2,", 1, "(2 brackets open)"),
                Arguments.of("show \\", 1, "ends after a '\\'"),
                Arguments.of("show \\\n", 1, "ends after a '\\'"),
                Arguments.of("show x; \\", 1, "ends after a '\\'"),
                Arguments.of("js {\n  x(", 1, "js: the code is unfinished"),
                Arguments.of("js 1 + \\\n", 1, "ends after a '\\'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unfinished")
    void reportsWhatIsStillOpenAndWhere(String text, int line, String message) {
        Lexer.Scan scan = LEXER.scan(text, 1);
        assertTrue(scan.incomplete(), text);
        assertEquals(line, scan.unfinished().line());
        assertTrue(scan.unfinished().message().contains(message), scan.unfinished().message());
    }

    @Test
    void problemsBelongToTheirStatementAndEndOnTheirLine() {
        List<Lexer.Statement> s = LEXER.scan("show x\nencode 'abc\nshow y\nencode 1]", 1).statements();
        assertEquals(4, s.size());
        assertNull(s.get(0).error());
        assertTrue(s.get(1).error().startsWith("unclosed quote '"), s.get(1).error());
        assertEquals(2, s.get(1).errorLine());
        assertEquals(List.of("show", "y"), s.get(2).words());
        assertEquals("unbalanced ']' at column 9", s.get(3).error());
        assertEquals(4, s.get(3).errorLine());
        assertFalse(LEXER.isIncomplete("let s = ['a"), "a quote never waits for more lines");
    }

    @Test
    void expectedFailuresCommentsAndSourcesAreKept() {
        Lexer.Scan scan = LEXER.scan("# title\n! encode nosuch   # shown as written\n  show x ; # after\n!", 5);
        List<Lexer.Item> items = scan.items();
        assertEquals(new Lexer.Comment("# title", 5), items.get(0));
        Lexer.Statement bad = (Lexer.Statement) items.get(1);
        assertTrue(bad.expectsFailure());
        assertEquals(List.of("encode", "nosuch"), bad.words());
        assertEquals("! encode nosuch   # shown as written", bad.source());
        assertEquals("encode nosuch   # shown as written", bad.text());
        assertEquals(6, bad.line());
        Lexer.Statement show = (Lexer.Statement) items.get(2);
        assertEquals("show x", show.source());
        assertEquals(7, show.line());
        assertEquals(new Lexer.Comment("# after", 7), items.get(3));
        assertTrue(((Lexer.Statement) items.get(4)).error().contains("'!' needs a command"));
    }
}
