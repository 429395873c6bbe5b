package qsh.commands.spi;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import qsh.commands.Interpreter;

/**
 * Every example in every command's help runs as shown, from the repo root (issue 16: examples true where shown). A
 * command's examples run in order in one fresh session, as a reader of {@code help COMMAND} would type them. An example
 * that names an input file the repo does not ship (a placeholder like {@code list.txt}) or data that is not installed
 * is left out, and the count of those that ran has a floor.
 */
class CommandExamplesTest {
    /**
     * Commands whose examples take minutes (hundreds of AdaRound steps per layer, AMP and AutoQuant searches, scoring
     * thousands of test images): their examples are checked against the spec (every option and choice parsed) but run
     * only with {@code -Dqsh.examples=all}.
     */
    static final Set<String> SLOW = Set.of("adaround", "amp", "autoquant", "eval");

    /** The repo root: examples name paths from it. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** Every example of every command with what it needs, in registry order. */
    static List<Example> examples() {
        List<Example> out = new ArrayList<>();
        for (Command c : new Interpreter().registry().all()) {
            for (String e : c.spec().examples()) {
                out.add(new Example(c.spec(), e, missing(e)));
            }
        }
        return out;
    }

    /** An example and the first input it needs that is not here (null when it can run). */
    record Example(CommandSpec spec, String text, String missing) {}

    /**
     * The first word of {@code example} that names an input the repo does not have: a path (with a '/' or a file
     * extension) that does not exist from the repo root and is not under /tmp (outputs go there). Fashion-MNIST is
     * never missing: its test split and 2 000 training images are bundled in qsh's jar, so its examples run on a bare
     * machine too (they were skipped there while this looked for Debian's folder).
     */
    static String missing(String example) {
        for (String w : example.split("[\\s;]+")) {
            String path = w.contains(":=") ? w.substring(w.indexOf(":=") + 2) : w;
            boolean looksLikePath = (path.contains("/") || path.matches("[\\w.-]+\\.[a-z]{2,5}")) && !path.startsWith("[")
                    && !path.startsWith("\"") && !path.matches("\\d+(\\.\\d+)*");
            if (looksLikePath && !path.startsWith("/tmp/") && !Files.exists(ROOT.resolve(path))) {
                return path;
            }
        }
        return null;
    }

    /** The example without a note after it ("   (no input list: …)"), as a user would type it. */
    static String runnable(String example) {
        return example.replaceAll("\\s{3,}\\(.*\\)$", "");
    }

    @TestFactory
    List<DynamicTest> everyRunnableExampleRuns() {
        List<DynamicTest> tests = new ArrayList<>();
        String current = null;
        List<Example> group = new ArrayList<>();
        for (Example e : examples()) {
            if (!e.spec().name().equals(current) && !group.isEmpty()) {
                tests.add(run(group));
                group = new ArrayList<>();
            }
            current = e.spec().name();
            group.add(e);
        }
        tests.add(run(group));
        return tests;
    }

    private static DynamicTest run(List<Example> group) {
        return DynamicTest.dynamicTest(group.get(0).spec().name(), () -> {
            Interpreter in = new Interpreter();
            in.session().baseDir(ROOT);
            boolean parseOnly = SLOW.contains(group.get(0).spec().name()) && !"all".equals(System.getProperty("qsh.examples"));
            for (Example e : group) {
                if (parseOnly) {
                    for (Lexer.Statement st : in.lexer().scan(runnable(e.text()), 1).statements()) {
                        Command c = in.registry().get(st.words().get(0));
                        Args.parse(c.spec(), st.words().subList(1, st.words().size())); // an unknown option or choice throws
                    }
                    continue;
                }
                if (e.missing() != null) {
                    continue;
                }
                List<String> errors = new ArrayList<>();
                ScriptRunner runner = new ScriptRunner(in, r -> { });
                runner.run(runnable(e.text()), "help " + e.spec().name(), false, false,
                        f -> errors.add(f.message()));
                if (!errors.isEmpty()) {
                    fail("help " + e.spec().name() + " example '" + e.text() + "' fails: " + errors.get(0));
                }
            }
        });
    }

    @Test
    void mostExamplesNeedNothingOutsideTheRepo() {
        List<Example> all = examples();
        long runnable = all.stream().filter(e -> e.missing() == null).count();
        assertTrue(runnable >= 70, runnable + " of " + all.size() + " examples run; left out: "
                + all.stream().filter(e -> e.missing() != null).map(e -> e.text() + " (" + e.missing() + ")").toList());
    }
}
