package qsh.commands.js;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import qsh.commands.spi.CommandException;

/** Ctrl-C and the statement limit stop runaway scripts; the session (and, after an interrupt, the globals) survive. */
class JsInterruptTest {
    @Test
    void anInfiniteLoopIsInterruptedFromAnotherThreadWithinASecond() throws Exception {
        JsTestSupport t = new JsTestSupport();
        t.js("var kept = 41");
        AtomicReference<String> error = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                t.interp.execute("js while (true) { kept = 41 }");
            } catch (CommandException e) {
                error.set(e.getMessage());
            }
        });
        worker.start();
        Thread.sleep(500); // let the loop run
        long t0 = System.nanoTime();
        t.interp.interrupt();
        worker.join(5000);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertFalse(worker.isAlive(), "the loop still runs");
        // Ctrl-C must feel immediate; 3 s leaves room for a loaded CI machine (typically a few ms)
        assertTrue(seconds < 3.0, "took " + seconds + " s");
        assertTrue(error.get().contains("interrupted"), error.get());
        assertEquals("42", t.js("kept + 1"), "the context and its globals are kept");
    }

    @Test
    void interruptingWhenNothingRunsIsHarmless() {
        JsTestSupport t = new JsTestSupport();
        t.interp.interrupt();
        assertEquals("2", t.js("1 + 1"));
        t.interp.interrupt();
        assertEquals("3", t.js("1 + 2"));
    }

    @Test
    void theStatementLimitStopsALoopAndANewContextStarts() {
        JsTestSupport t = new JsTestSupport();
        t.interp.execute("set js-statement-limit 10000");
        assertEquals("4950", t.js("let s = 0; for (let i = 0; i < 100; i++) s += i; s"));
        String msg = t.error("js for (;;) {}");
        assertTrue(msg.contains("statement limit of 10000"), msg);
        assertEquals("2", t.js("1 + 1"));
        t.interp.execute("set js-statement-limit none");
        assertEquals("done", t.js("for (let i = 0; i < 100000; i++) {}; 'done'"));
    }
}
