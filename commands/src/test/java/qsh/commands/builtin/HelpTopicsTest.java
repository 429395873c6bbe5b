package qsh.commands.builtin;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
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
import qsh.commands.Interpreter;

/** Every concept page exists, is listed by 'help topics', and its "Try:" commands run (the docs stay true). */
class HelpTopicsTest {
    @Test
    void topicsAreListedWithTheirTitles() {
        Interpreter in = new Interpreter();
        List<String> lines = in.execute("help topics").result().lines();
        assertEquals(HelpTopics.all().size() + 1, lines.size());
        for (List<String> page : HelpTopics.all().values()) {
            assertFalse(page.get(0).startsWith("(missing"), page.get(0));
            assertTrue(page.size() > 3, page.get(0));
        }
    }

    @TestFactory
    List<DynamicTest> tryLinesRun() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : HelpTopics.all().entrySet()) {
            List<String> commands = tryCommands(e.getValue());
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
                assertFalse(commands.isEmpty(), "page " + e.getKey() + " has no Try: line");
                Interpreter in = new Interpreter();
                in.session().baseDir(Path.of("..", "scripts").toAbsolutePath());
                for (String c : commands) {
                    assertDoesNotThrow(() -> in.execute(c), e.getKey() + ": " + c);
                }
            }));
        }
        return tests;
    }

    static List<String> tryCommands(List<String> page) {
        StringBuilder b = new StringBuilder();
        boolean in = false;
        for (String line : page) {
            if (line.startsWith("Try:")) {
                in = true;
                b.append(line.substring(4));
            } else if (in && line.startsWith("      ")) {
                b.append(';').append(line);
            } else {
                in = false;
            }
        }
        List<String> out = new ArrayList<>();
        for (String c : b.toString().split(";")) {
            if (!c.isBlank()) {
                out.add(c.strip());
            }
        }
        return out;
    }
}
