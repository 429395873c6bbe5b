package qsh.commands.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import qsh.commands.fuzz.FuzzInterpreters;

/**
 * What JsApiFuzzer found (issue 18.8), as plain tests: each finding's input is also in the target's corpus
 * ({@code JsApiFuzzerInputs/fuzz/crash-*}), replayed on every build.
 */
class JsFuzzFindingsTest {
    private final JsTestSupport js = new JsTestSupport();

    @Test
    void ctrlCWhileTheEngineStartsIsAnInterruptNotAnInternalError() {
        Thread.currentThread().interrupt(); // Ctrl-C before the first js has built its context
        String m;
        try {
            m = js.error("js 1 + 1");
        } finally {
            Thread.interrupted();
        }
        assertFalse(FuzzInterpreters.leaksInternals(m), m);
        assertTrue(m.contains("interrupted"), m);
        assertEquals("2", js.js("1 + 1"), "the next js starts the engine again");
    }

    @Test
    void calibrateWithANonStringListNamesTheArgument() {
        String m = js.error("js qsh.calibrate(() => 1)");
        assertFalse(FuzzInterpreters.leaksInternals(m), m);
        assertEquals("js: Error: qsh.calibrate needs an input list path (a string) or null, not a function", m);
    }

    @Test
    void anArgumentOfTheWrongTypeIsSaidWithoutJavaTypeNames() {
        String wrongType = " does not take these arguments (a null, or a value of the wrong type?): see help js";
        assertEquals("js: TypeError: qsh.readRaw" + wrongType, js.error("js qsh.readRaw(2.5)"));
        assertEquals("js: TypeError: qsh.readRaw" + wrongType, js.error("js qsh.readRaw({length: -1})"));
        assertEquals("js: TypeError: graph.flatten" + wrongType, js.error("js qsh.graph().flatten([2, 2])"));
    }

    @Test
    void aPathWithANulCharacterIsAJavaScriptError() {
        assertEquals("js: Error: qsh.readRaw: not a valid file path (Nul character not allowed)",
                js.error("js qsh.readRaw('a\\u0000b')"));
        assertEquals("Error: qsh.readText: not a valid file path (Nul character not allowed)",
                js.js("try { qsh.readText('a\\u0000b') } catch (e) { String(e) }"));
    }
}
