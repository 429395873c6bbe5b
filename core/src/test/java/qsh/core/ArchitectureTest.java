package qsh.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The shape of core (README "Architecture"): its packages form no cycle, it knows nothing of the command and
 * shell layers (or their JLine and GraalVM), and it prints nothing. A slice is a package directly below
 * {@code qsh.core} with its subpackages ({@code exec} holds {@code exec.ops} and {@code exec.kernels}).
 */
class ArchitectureTest {
    /** core's main classes, without tests (test helpers may reach across packages). */
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("qsh.core");

    /** The packages below qsh.core, each with its subpackages. */
    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("qsh.core.(*)..").should().beFreeOfCycles();

    @Test
    void theImportSeesCore() {
        // guards the rules below against passing on an empty import (a wrong package name or class path)
        assertTrue(CORE.size() > 200, "imported only " + CORE.size() + " core classes");
        assertTrue(CORE.containPackage("qsh.core.exec.ops") && CORE.containPackage("qsh.core.shape"));
    }

    @Test
    void corePackagesFormNoCycle() {
        NO_PACKAGE_CYCLES.check(CORE);
    }

    @Test
    void theCycleRuleCatchesACycle() {
        // two test-only packages that use each other: the same rule must report them
        JavaClasses fixture = new ClassFileImporter().importPackages("qsh.core.testing.cyclefixture");
        ArchRule rule = slices().matching("qsh.core.testing.cyclefixture.(*)..").should().beFreeOfCycles();
        assertTrue(rule.evaluate(fixture).hasViolation(), "the cycle left <-> right went unnoticed");
    }

    @Test
    void coreKnowsNoCommandOrShellLayer() {
        noClasses().should().dependOnClassesThat()
                .resideInAnyPackage("qsh.commands..", "qsh.shell..", "org.jline..", "org.graalvm..")
                .because("dependencies point one way: shell -> commands -> core")
                .check(CORE);
    }

    @Test
    void corePrintsNothing() {
        NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS.because("core has no printing; commands and the shell render")
                .check(CORE);
    }
}
