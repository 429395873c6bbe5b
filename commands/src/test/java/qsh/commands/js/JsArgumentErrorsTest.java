package qsh.commands.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The fuzz campaign's JavaScript reproducers (issue 18): a forgotten or wrong argument to a qsh function is one
 * JavaScript error naming the function, never "js: null", "Cannot invoke ..." or a NullPointerException.
 */
class JsArgumentErrorsTest {
    private final JsTestSupport js = new JsTestSupport();

    private String error(String code) {
        String m = js.error("js " + code);
        for (String java : new String[] {"Exception", "Cannot invoke", "java.", "qsh.commands", "js: null"}) {
            assertFalse(m.contains(java), "Java text in: " + m);
        }
        return m;
    }

    @Test
    void nullAndUndefinedArgumentsNameTheFunction() {
        assertEquals("js: Error: qsh.tensor needs a tensor name (a string), not null or undefined", error("qsh.tensor(null)"));
        assertEquals("js: Error: qsh.readText needs a file path (a string), not null or undefined",
                error("qsh.readText(undefined)"));
        assertEquals("js: Error: qsh.run needs a command line (a string), not null or undefined", error("qsh.run(null)"));
        assertEquals("js: Error: qsh.exec needs a command line (a string), not null or undefined", error("qsh.exec(null)"));
        assertEquals("js: Error: qsh.fromArray needs a name for the new tensor (a string), not null or undefined",
                error("qsh.fromArray(null, [1, 2])"));
        assertEquals("js: Error: qsh.fromArray needs values (an array of numbers), not null or undefined",
                error("qsh.fromArray('x', null)"));
        assertEquals("js: TypeError: qsh.fromArray does not take these arguments (a null, or a value of the wrong type?):"
                + " see help js", error("qsh.fromArray([1, 2], null)"));
        assertEquals("js: TypeError: qsh.nosuch is not a function", error("qsh.nosuch(1)"));
    }

    @Test
    void exitFromAScriptIsRefusedAndAVoidCallShowsNothing() {
        assertEquals("js: Error: qsh.exec('exit'): a script cannot end the session; let the script finish, then exit",
                error("qsh.exec('exit')"));
        assertEquals("", js.js("qsh.exec('let a = [1]')"));
    }

    @Test
    void devicesAreNotReadAsFiles() {
        assertTrue(error("qsh.readText('/dev/zero')").contains("--allow-read /dev"), "refused before anything else");
        js.interp.execute("set allow-read /dev/zero");
        assertEquals("js: Error: /dev/zero: not a regular file (a device, FIFO or socket); the text file must be a file",
                error("qsh.readText('/dev/zero')"));
        assertEquals("js: Error: /dev/zero: not a regular file (a device, FIFO or socket); the raw file must be a file",
                error("qsh.readRaw('/dev/zero')"));
    }
}
