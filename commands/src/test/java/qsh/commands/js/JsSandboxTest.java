package qsh.commands.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Escape attempts: each must fail with a clear one-line error (or find nothing), and the session must stay
 * usable afterwards. One interpreter for all of them, as a user would hit them one after another.
 */
class JsSandboxTest {
    static JsTestSupport t;

    @BeforeAll
    static void start() {
        t = new JsTestSupport();
        t.js("var before = 41");
        t.interp.execute("let w = [1, 2, 3]");
    }

    @AfterEach
    void sessionStillWorks() {
        assertEquals("42", t.js("before + 1"));
        assertEquals("6", t.js("qsh.fromArray('z', [1, 2, 3]).size() * 2"));
        assertEquals("3", t.js("qsh.tensor('w').size()"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Java.type('java.lang.Runtime').getRuntime().exec('id')     | Java is not defined",
        "Java.addToClasspath('/tmp')                               | Java is not defined",
        "Packages.java.lang.System.exit(1)                          | Packages is not defined",
        "java.lang.System.exit(1)                                   | java is not defined",
        "javax.script                                               | javax is not defined",
        "load('/etc/passwd')                                        | load is not defined",
        "loadWithNewGlobal({script: '1'})                           | loadWithNewGlobal is not defined",
        "require('fs').readFileSync('/etc/passwd')                  | require is not defined",
        "Polyglot.eval('js', 'Java')                                | Polyglot is not defined",
        "Polyglot.import('x')                                       | Polyglot is not defined",
        "polyglot.import('x')                                       | polyglot is not defined",
        "Graal.versionJS                                            | Graal is not defined",
        "eval('Java.type(\"java.io.File\")')                          | Java is not defined",
        "new Function('return Java.type(\"java.io.File\")')()         | Java is not defined",
        "qsh.getClass()                                             | qsh.getClass is not a function",
        "qsh.getClass().forName('java.lang.Runtime')                | qsh.getClass is not a function",
        "qsh.class.forName('java.lang.Runtime')                     | Cannot read property 'forName' of undefined",
        "qsh.runtime().close()                                      | qsh.runtime is not a function",
        "qsh.interp().session()                                     | qsh.interp is not a function",
        "qsh.tensor('w').tensor().data()                            | tensor.tensor is not a function",
        "qsh.tensor('w').st.tensor()                                | Cannot read property 'tensor' of undefined",
        "qsh.tensor('w').hashCode()                                 | tensor.hashCode is not a function",
        "qsh.graph().api.runtime()                                  | Cannot read property 'runtime' of undefined",
        "qsh.tensors().constructor.constructor('return Java')()     | Java is not defined",
        "Object.getPrototypeOf(qsh).constructor.constructor('return Packages')() | Packages is not defined",
        "qsh.constructor.constructor('return load')()               | load is not defined",
        "qsh.tensor('w').toString.getClass()                        | getClass",
        "globalThis.Java.type('java.io.File')                       | Cannot read property 'type' of undefined",
        "this.Packages.java                                         | Cannot read property 'java' of undefined",
        "try { qsh.tensor('nope') } catch (e) { e.getClass() }      | not a function",
    })
    void escapeFails(String code, String expected) {
        String msg = t.error("js " + code);
        assertTrue(msg.startsWith("js: "), msg);
        assertTrue(msg.contains(expected), "expected '" + expected + "' in: " + msg);
        assertFalse(msg.contains("\n"), "one line: " + msg);
    }

    @Test
    void noJavaOrLoaderGlobals() {
        String names = t.js("Object.getOwnPropertyNames(globalThis).join(' ')");
        for (String banned : new String[] {"Java", "Packages", "java", "javax", "load", "loadWithNewGlobal", "Graal",
            "Polyglot", "polyglot", "require", "quit", "exit"}) {
            assertFalse((" " + names + " ").contains(" " + banned + " "), banned + " in globals: " + names);
        }
    }

    @Test
    void onlyExportedMembersAreVisible() {
        assertEquals("undefined", t.js("typeof qsh.rt"));
        assertEquals("undefined", t.js("String(qsh.class)"));
        assertEquals("function", t.js("typeof qsh.tensor"));
    }

    @Test
    void dynamicImportIsRefused() {
        t.js("var imported = 'pending'; import('/etc/passwd').then(() => imported = 'loaded', e => imported = 'refused: ' + e)");
        assertTrue(t.js("imported").startsWith("refused: "), t.js("imported"));
    }

    @Test
    void hostExceptionsReachScriptsAsErrorsOnly() {
        assertEquals("true no tensor named 'nope'", t.js(
                "try { qsh.tensor('nope'); 'no error' } catch (e) { (e instanceof Error) + ' ' + e.message.split(';')[0] }"));
    }
}
