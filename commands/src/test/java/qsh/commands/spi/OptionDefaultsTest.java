package qsh.commands.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import qsh.commands.Interpreter;

/**
 * Every default is written once, in the option's spec: help shows that value, and the command behaves the same with
 * the option left out as with the option given that value.
 */
class OptionDefaultsTest {
    /** A literal default in an option's text, e.g. "(default 20)" or "default 0.5;". */
    private static final Pattern LITERAL_DEFAULT = Pattern.compile("\\bdefault (-?[0-9][^\\s;)]*)");

    /** Commands whose outputs are timings (profile) or whose examples take minutes (see CommandExamplesTest.SLOW). */
    private static final Set<String> NOT_REPLAYED = Set.of("profile", "bias-correct");

    @Test
    void helpShowsTheDeclaredDefaultAndNoOtherNumber() {
        Interpreter in = new Interpreter();
        int declared = 0;
        for (Command c : in.registry().all()) {
            List<String> help = in.execute("help " + c.spec().name()).result().lines();
            for (OptionSpec o : c.spec().allOptions()) {
                Matcher m = LITERAL_DEFAULT.matcher(o.description());
                if (o.defaultValue() == null) {
                    assertTrue(!m.find(), "--" + o.name() + " of " + c.spec().name() + " writes a default in its text only: '"
                            + o.description() + "' (declare it with .defaults(...) so the code reads the same value)");
                    continue;
                }
                declared++;
                String line = help.stream().filter(l -> l.strip().startsWith(o.usage() + " ")).findFirst().orElse("");
                assertTrue(line.contains("default " + o.defaultValue()), "help " + c.spec().name() + " shows --" + o.name()
                        + " as '" + line + "', not its default " + o.defaultValue());
                while (m.find()) {
                    assertEquals(o.defaultValue(), m.group(1).replaceAll("[,.]$", ""), "--" + o.name() + " of " + c.spec().name() + ": " + o.description());
                }
            }
        }
        assertTrue(declared >= 40, declared + " options declare a default");
    }

    @Test
    void aSecondDefaultInTheCodeIsRefused() {
        CommandSpec spec = new CommandSpec("t", "test", "test", List.of(),
                List.of(OptionSpec.integer("bins", "N", "rows").defaults(20)), List.of(), List.of(), false);
        Args args = Args.parse(spec, List.of());
        assertEquals(20, args.getInt("bins"));
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> args.getInt("bins", 30));
        assertTrue(e.getMessage().contains("declares its default (20)"), e.getMessage());
    }

    /**
     * For each command and each option with a default, the first example of the command that can run and leaves the
     * option out gives the same data as that example with {@code --OPTION DEFAULT} added.
     */
    @TestFactory
    List<DynamicTest> leavingAnOptionOutEqualsGivingItsDefault() {
        List<DynamicTest> tests = new ArrayList<>();
        List<CommandExamplesTest.Example> all = CommandExamplesTest.examples();
        for (Command c : new Interpreter().registry().all()) {
            CommandSpec spec = c.spec();
            if (NOT_REPLAYED.contains(spec.name()) || CommandExamplesTest.SLOW.contains(spec.name())) {
                continue;
            }
            List<CommandExamplesTest.Example> mine = all.stream().filter(e -> e.spec() == spec).toList();
            for (OptionSpec o : spec.options()) {
                if (o.defaultValue() == null) {
                    continue;
                }
                List<List<String>> befores = new ArrayList<>();
                List<String> lasts = new ArrayList<>();
                for (int i = 0; i < mine.size(); i++) {
                    CommandExamplesTest.Example e = mine.get(i);
                    List<String> statements = statements(e.text());
                    String last = statements.get(statements.size() - 1);
                    if (e.missing() != null || !last.startsWith(spec.name() + " ") && !last.equals(spec.name())
                            || last.contains("--" + o.name())) {
                        continue;
                    }
                    List<String> before = new ArrayList<>();
                    mine.subList(0, i).forEach(p -> before.addAll(statements(p.text())));
                    before.addAll(statements.subList(0, statements.size() - 1));
                    befores.add(before);
                    lasts.add(last);
                }
                if (lasts.isEmpty()) {
                    continue;
                }
                String other = alternative(o);
                tests.add(DynamicTest.dynamicTest(spec.name() + " --" + o.name(), () -> {
                    // every example that leaves the option out agrees with the default given; the first whose data
                    // changes with another value shows the option is read there
                    for (int k = 0; k < lasts.size(); k++) {
                        String last = lasts.get(k);
                        String with = last + " --" + o.name() + " " + o.defaultValue();
                        String without = data(befores.get(k), last);
                        assertEquals(without, data(befores.get(k), with), "'" + last + "' and '" + with + "' differ");
                        if (other != null && !without.equals(dataOrError(befores.get(k), last + " --" + o.name() + " " + other))) {
                            discriminating.add(spec.name() + " --" + o.name());
                            return;
                        }
                    }
                }));
            }
        }
        assertTrue(tests.size() >= 25, tests.size() + " defaults replayed");
        // the check above holds trivially for an option the example never reads; enough of them must be read
        tests.add(DynamicTest.dynamicTest("the examples exercise the defaults", () -> assertTrue(discriminating.size() >= 20,
                "only " + discriminating.size() + " options change their example's data with another value: " + discriminating)));
        return tests;
    }

    /** Options whose example's data changes with a value other than the default (so the default is really read). */
    private final List<String> discriminating = new ArrayList<>();

    /** A valid value other than the default, or null when there is no obvious one. */
    private static String alternative(OptionSpec o) {
        if (!o.choices().isEmpty()) {
            return o.choices().stream().filter(c -> !c.equals(o.defaultValue())).findFirst().orElse(null);
        }
        if (o.kind() == ArgKind.INT) {
            return Integer.toString(Integer.parseInt(o.defaultValue()) + 1);
        }
        if (o.kind() == ArgKind.NUMBER) {
            double d = Double.parseDouble(o.defaultValue());
            return Double.toString(d == 0 ? 0.5 : d * 2);
        }
        return null;
    }

    /** As {@link #data}, or the error's message (another value may be refused, which also shows it is read). */
    private static String dataOrError(List<String> before, String last) throws Exception {
        try {
            return data(before, last);
        } catch (CommandException e) {
            return "error: " + e.getMessage();
        }
    }

    private static List<String> statements(String example) {
        return Lexer.plain().scan(CommandExamplesTest.runnable(example), 1).statements().stream().map(Lexer.Statement::text).toList();
    }

    /** The data of {@code last} after {@code before}, in a fresh session at the repo root. */
    private static String data(List<String> before, String last) throws Exception {
        Interpreter in = new Interpreter();
        in.session().baseDir(CommandExamplesTest.ROOT);
        for (String s : before) {
            in.execute(s);
        }
        ObjectMapper json = new ObjectMapper();
        Result r = in.execute(last).result();
        JsonNode data = json.valueToTree(r.data());
        dropTimings(data);
        return json.writeValueAsString(data) + "\n" + String.join("\n", r.lines());
    }

    /** Wall-clock fields differ from run to run. */
    private static void dropTimings(JsonNode n) {
        if (n instanceof ObjectNode o) {
            o.remove(List.of("milliseconds", "ms", "seconds", "nanos"));
        }
        n.forEach(OptionDefaultsTest::dropTimings);
    }
}
