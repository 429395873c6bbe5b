package qsh.commands.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.commands.Interpreter;
import qsh.commands.spi.ScriptRunner;

/**
 * Every concept page exists, is listed by 'help topics', its "Try:" commands run as a user typing them would (the
 * session's own lexer splits them, as in the REPL) and each prints something, and the worked examples the pages
 * state are what qsh computes (the docs stay true).
 */
class HelpTopicsTest {
    @Test
    void topicsAreListedWithTheirTitles() {
        Interpreter in = new Interpreter();
        List<String> lines = in.execute("help topics").result().lines();
        assertEquals(HelpTopics.all().size() + 1, lines.size());
        for (Map.Entry<String, List<String>> e : HelpTopics.all().entrySet()) {
            List<String> page = e.getValue();
            assertFalse(page.get(0).startsWith("(missing"), page.get(0));
            assertTrue(page.size() > 3, page.get(0));
            // the listing names each page with its title
            assertTrue(lines.stream().anyMatch(l -> l.contains(e.getKey()) && l.contains(page.get(0))), e.getKey() + " in " + lines);
        }
    }

    @TestFactory
    List<DynamicTest> tryLinesRun() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : HelpTopics.all().entrySet()) {
            String text = tryText(e.getValue());
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
                assertFalse(text.isBlank(), "page " + e.getKey() + " has no Try: line");
                Interpreter in = new Interpreter();
                in.session().baseDir(Path.of("..").toAbsolutePath()); // the repo root: a Try: line runs as typed there
                int statements = in.statements(text).size();
                List<Interpreter.Outcome> outcomes = new ArrayList<>();
                List<ScriptRunner.Failure> failures = new ScriptRunner(in, outcomes::add).run(text, e.getKey(), false,
                        false, f -> { });
                assertEquals(List.of(), failures, e.getKey() + ": " + text);
                assertEquals(statements, outcomes.size(), e.getKey() + ": every statement ran");
                assertTrue(statements >= 1, e.getKey());
                for (Interpreter.Outcome o : outcomes) {
                    if (!o.command().equals("let")) { // 'let' stores quietly
                        assertFalse(o.result().lines().isEmpty(), e.getKey() + ": '" + o.command() + "' printed nothing");
                    }
                }
            }));
        }
        return tests;
    }

    /** The worked examples of zero-exact and scale-offset: each is stated on its page and is what encode computes. */
    @ParameterizedTest(name = "{0}: {1} → [{2}, {3}] offset {4}")
    @CsvSource(delimiter = '|', value = {
        "zero-exact   | [-5.1, 5.1]             | -5.12     | 5.08     | 128 | [-5.1, 5.1] → [-5.12, 5.08], offset 128",
        "zero-exact   | [5, 10]                 | 0         | 10       | 0   | [5, 10] → [0, 10]",
        "zero-exact   | [-20, -6]               | -20       | 0        | 255 | [-20, -6] → [-20, 0]",
        "zero-exact   | [5, 5.00005]            | 0         | 5.0001   | 0   | [5, 5.00005] → [5, 5.0001] → [0, 5.0001]",
        "zero-exact   | [0.37]                  | 0         | 0.3701   | 0   | a constant 0.37\\nbecomes [0, 0.3701]",
        "scale-offset | [-1.8, -1.0, 0, 0.5]    | -1.803922 | 0.496078 | 200 | scale 0.009019608,\\noffset 200"})
    void workedExamplesAreWhatQshComputes(String topic, String values, double min, double max, long offset, String stated) {
        String page = String.join("\n", HelpTopics.all().get(topic));
        assertTrue(page.contains(stated.replace("\\n", "\n")), topic + " no longer states: " + stated);
        @SuppressWarnings("unchecked")
        Map<String, Object> d = (Map<String, Object>) new Interpreter().execute("encode " + values + " --bw 8 --json").result().data();
        // the pages round to the digits they show (the encoding is exact: -5.12 is -128 steps of 0.04)
        assertEquals(min, ((Number) d.get("min")).doubleValue(), 5e-7, "min");
        assertEquals(max, ((Number) d.get("max")).doubleValue(), 5e-5, "max");
        assertEquals(offset, ((Number) d.get("offset")).longValue(), "offset");
    }

    /** The commands of a page's Try: line and its continuation lines, as the text a user would type. */
    static String tryText(List<String> page) {
        StringBuilder b = new StringBuilder();
        boolean in = false;
        for (String line : page) {
            if (line.startsWith("Try:")) {
                in = true;
                b.append(line.substring(4).strip()).append('\n');
            } else if (in && line.startsWith("      ")) {
                b.append(line.strip()).append('\n');
            } else {
                in = false;
            }
        }
        return b.toString();
    }
}
