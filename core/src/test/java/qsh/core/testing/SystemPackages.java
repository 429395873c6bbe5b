package qsh.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need a Debian package (libonnx-testdata, python3-torch, …) are extras: on a machine with only JDK 17
 * and Maven they are skipped with one line naming the package; with QSH_ZOO_REQUIRED=1 (as .ci/run sets, where the
 * packages are installed) a missing package fails the test instead, so CI cannot pass by skipping. Shared by core's
 * and commands' tests (core's test-jar).
 */
public final class SystemPackages {
    /** The environment variable that turns these skips into failures. */
    public static final String REQUIRED_ENV = "QSH_ZOO_REQUIRED";

    private SystemPackages() {}

    /** True when QSH_ZOO_REQUIRED=1: a missing package is a failure. */
    public static boolean required() {
        return "1".equals(System.getenv(REQUIRED_ENV));
    }

    /**
     * Skips the calling test (or test factory) unless {@code present}: one line on stdout, "skipped: WHAT
     * (apt-get install -y PACKAGE)"; fails with that line under QSH_ZOO_REQUIRED=1.
     *
     * @param what what is missing and what is skipped, e.g. "ONNX backend test data at /usr/share/…: node tests"
     */
    public static void assume(boolean present, String what, String debianPackage) {
        if (!present) {
            Assumptions.abort(missing(what, debianPackage));
        }
    }

    /**
     * For a test that skips only a part and runs the rest: prints the skip line and returns what was skipped
     * ("WHAT (apt-get install -y PACKAGE)"), or fails with it under QSH_ZOO_REQUIRED=1.
     */
    public static String missing(String what, String debianPackage) {
        String skipped = what + " (apt-get install -y " + debianPackage + ")";
        if (required()) {
            fail(REQUIRED_ENV + "=1 but missing: " + skipped);
        }
        System.out.println("skipped: " + skipped);
        return skipped;
    }
}
