package qsh.commands;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The shape of the commands module (README "Architecture"). It depends on core and nothing above it, and its packages
 * form layers with no cycle: {@code spi} (the command contract, the Session and the helpers commands share) at the
 * bottom; the command packages (model, equalize, js, algorithms, builtin) over it; the root package
 * ({@code CommandRegistry}, {@code Interpreter}), which names every command, on top. Code below the root reaches it
 * through interfaces in spi ({@code Evaluator}, {@code CommandIndex}, {@code Scripts}).
 */
class ArchitectureTest {
    /** The commands module's main classes, without tests. */
    private static final JavaClasses COMMANDS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("qsh.commands");

    @Test
    void theImportSeesCommands() {
        // guards the rules below against passing on an empty import
        assertTrue(COMMANDS.size() > 100, "imported only " + COMMANDS.size() + " command classes");
    }

    @Test
    void noPackageCycle() {
        Map<String, Set<String>> examples = cycleEdges(packageDependencies(COMMANDS));
        StringBuilder why = new StringBuilder();
        for (Map.Entry<String, Set<String>> e : examples.entrySet()) {
            why.append("\n  package dependency on a cycle: ").append(e.getKey()).append(" (")
                    .append(String.join("; ", e.getValue())).append(')');
        }
        assertEquals("", why.toString(), "invert the dependency (an interface in the lower package, as spi.Evaluator"
                + " and spi.Scripts do) or move the class");
    }

    @Test
    void spiIsTheBottomLayer() {
        noClasses().that().resideInAPackage("qsh.commands.spi..").should().dependOnClassesThat()
                .resideInAnyPackage("qsh.commands", "qsh.commands.algorithms..", "qsh.commands.builtin..",
                        "qsh.commands.equalize..", "qsh.commands.js..", "qsh.commands.model..")
                .because("commands build on spi; what spi needs from above comes through an interface it declares")
                .check(COMMANDS);
    }

    @Test
    void onlyTheRootNamesTheRoot() {
        noClasses().that().resideOutsideOfPackage("qsh.commands").should().dependOnClassesThat()
                .resideInAPackage("qsh.commands")
                .because("the registry and the interpreter name every command; commands reach them through spi's"
                        + " Evaluator and CommandIndex")
                .check(COMMANDS);
    }

    @Test
    void noCommandIsUsedAsALibrary() {
        // what two commands share lives below them (spi, or a non-command class such as Calibration or Rounding);
        // only the root (the registry and the interpreter) names command classes
        int commands = 0;
        Set<String> uses = new TreeSet<>();
        for (JavaClass c : COMMANDS) {
            if (c.isAssignableTo(qsh.commands.spi.Command.class) && !c.isInterface()) {
                commands++;
            }
            if (c.getPackageName().equals("qsh.commands")) {
                continue;
            }
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                JavaClass t = d.getTargetClass();
                if (t.isAssignableTo(qsh.commands.spi.Command.class) && !t.isInterface() && !outermost(t).equals(outermost(c))) {
                    uses.add(outermost(c) + " -> " + outermost(t));
                }
            }
        }
        assertTrue(commands > 40, "saw only " + commands + " command classes");
        assertEquals(Set.of(), uses, "move what the other command needs into a class both can call");
    }

    /** The top-level class {@code c} is (or is nested in). */
    private static String outermost(JavaClass c) {
        String n = c.getName();
        int dollar = n.indexOf('$');
        return dollar < 0 ? n : n.substring(0, dollar);
    }

    @Test
    void theCycleFinderFindsCycles() {
        // a -> b -> c -> a is one cycle of three edges; c -> d and d alone are not on it
        Map<String, Map<String, Set<String>>> g = new TreeMap<>();
        for (String[] e : new String[][] {{"a", "b"}, {"b", "c"}, {"c", "a"}, {"c", "d"}}) {
            g.computeIfAbsent(e[0], k -> new TreeMap<>()).put(e[1], Set.of(e[0] + ".X->" + e[1] + ".Y"));
        }
        assertEquals(Set.of("a -> b", "b -> c", "c -> a"), cycleEdges(g).keySet());
    }

    @Test
    void commandsKnowNoShell() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("qsh.shell..", "org.jline..")
                .because("dependencies point one way: shell -> commands -> core; commands has no JLine")
                .check(COMMANDS);
    }

    /** The package below qsh.commands that {@code c} lives in, "(root)" for qsh.commands itself. */
    private static String slice(JavaClass c) {
        String p = c.getPackageName();
        if (p.equals("qsh.commands")) {
            return "(root)";
        }
        String rest = p.substring("qsh.commands.".length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    /** Slice -> slice it depends on -> a few class-level dependencies as examples. */
    private static Map<String, Map<String, Set<String>>> packageDependencies(JavaClasses classes) {
        Map<String, Map<String, Set<String>>> g = new TreeMap<>();
        for (JavaClass c : classes) {
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                JavaClass t = d.getTargetClass();
                if (!t.getPackageName().startsWith("qsh.commands")) {
                    continue;
                }
                String from = slice(c);
                String to = slice(t);
                if (!from.equals(to)) {
                    Set<String> ex = g.computeIfAbsent(from, k -> new TreeMap<>()).computeIfAbsent(to, k -> new TreeSet<>());
                    if (ex.size() < 3) {
                        ex.add(c.getSimpleName() + "->" + t.getSimpleName());
                    }
                }
            }
        }
        return g;
    }

    /**
     * The edges that lie on a cycle ("a -> b" with its examples): those whose two ends are in one strongly
     * connected component (Tarjan's algorithm).
     */
    static Map<String, Set<String>> cycleEdges(Map<String, Map<String, Set<String>>> g) {
        Map<String, Integer> component = new Tarjan(g).run();
        Map<String, Set<String>> out = new TreeMap<>();
        g.forEach((from, targets) -> targets.forEach((to, ex) -> {
            if (component.get(from).equals(component.get(to))) {
                out.put(from + " -> " + to, ex);
            }
        }));
        return out;
    }

    /** Strongly connected components of a small graph. */
    private static final class Tarjan {
        private final Map<String, Map<String, Set<String>>> g;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final Map<String, Integer> component = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private int next;

        Tarjan(Map<String, Map<String, Set<String>>> g) {
            this.g = g;
        }

        Map<String, Integer> run() {
            Set<String> nodes = new TreeSet<>(g.keySet());
            g.values().forEach(t -> nodes.addAll(t.keySet()));
            for (String v : nodes) {
                if (!index.containsKey(v)) {
                    visit(v);
                }
            }
            return component;
        }

        private void visit(String v) {
            index.put(v, next);
            low.put(v, next++);
            stack.push(v);
            for (String w : g.getOrDefault(v, Map.of()).keySet()) {
                if (!index.containsKey(w)) {
                    visit(w);
                    low.put(v, Math.min(low.get(v), low.get(w)));
                } else if (stack.contains(w)) {
                    low.put(v, Math.min(low.get(v), index.get(w)));
                }
            }
            if (low.get(v).equals(index.get(v))) {
                String w;
                do {
                    w = stack.pop();
                    component.put(w, index.get(v));
                } while (!w.equals(v));
            }
        }
    }
}
