package qsh.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A bar left by a stopped task is erased before the next message (issue 16: Ctrl-C's line printed over the bar). */
class ProgressBarTest {
    @Test
    void aStoppedTasksBarIsErasedOnceAndAFinishedOneLeavesNothing() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressBar bar = new ProgressBar(out);
        bar.start("calibrate", 10).accept(3);
        String drawn = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(drawn.contains("calibrate ") && drawn.contains("3/10"), drawn);
        bar.erase();
        assertTrue(bytes.toString(StandardCharsets.UTF_8).endsWith("\r\033[2K"), "erased");
        int after = bytes.size();
        bar.erase();
        assertEquals(after, bytes.size(), "nothing on screen: nothing to erase");
        var task = bar.start("eval", 2);
        task.accept(1);
        task.accept(2); // finished: erased by the bar itself
        int done = bytes.size();
        bar.erase();
        assertEquals(done, bytes.size());
    }
}
