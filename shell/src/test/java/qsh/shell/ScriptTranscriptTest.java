package qsh.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every {@code scripts/*.qsh} with --echo (and runs every {@code scripts/*.js}) and compares the transcript with
 * {@code scripts/expected/NAME.out}. Regenerate the golden files with:
 * {@code QSH_UPDATE_GOLDEN=1 mvn -q -B test -pl shell -am -Dtest=ScriptTranscriptTest -Dsurefire.failIfNoSpecifiedTests=false}
 */
class ScriptTranscriptTest {
    static final Path SCRIPTS = Path.of("..", "scripts");

    @TestFactory
    Stream<DynamicTest> everyScriptMatchesItsTranscript() throws IOException {
        List<Path> scripts;
        try (Stream<Path> s = Files.list(SCRIPTS)) {
            scripts = s.filter(p -> p.toString().endsWith(".qsh") || p.toString().endsWith(".js")).sorted().toList();
        }
        assertFalse(scripts.isEmpty(), "no scripts found in " + SCRIPTS.toAbsolutePath());
        boolean update = "1".equals(System.getenv("QSH_UPDATE_GOLDEN"));
        return scripts.stream().map(script -> DynamicTest.dynamicTest(script.getFileName().toString(), () -> {
            String name = script.getFileName().toString().replaceAll("\\.(qsh|js)$", ".out");
            Path golden = SCRIPTS.resolve("expected").resolve(name);
            Run r = script.toString().endsWith(".js") ? run(script.toString()) : run(script.toString(), "--echo");
            assertEquals(0, r.code, "script failed:\n" + r.output);
            if (update) {
                Files.createDirectories(golden.getParent());
                Files.writeString(golden, r.output, StandardCharsets.UTF_8);
            }
            assertTrue(Files.exists(golden), "missing golden transcript " + golden + " (run with QSH_UPDATE_GOLDEN=1)");
            assertEquals(Files.readString(golden, StandardCharsets.UTF_8), r.output, "transcript of " + script + " changed");
        }));
    }

    record Run(int code, String output) {}

    /** Runs qsh in-process with stdout and stderr interleaved in one transcript. */
    static Run run(String... args) {
        return runWithInput("", args);
    }

    static Run runWithInput(String stdin, String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        int code = Main.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), ps, ps, false);
        return new Run(code, buf.toString(StandardCharsets.UTF_8));
    }
}
