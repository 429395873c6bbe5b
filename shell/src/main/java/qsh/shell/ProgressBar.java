package qsh.shell;

import java.io.PrintStream;
import java.util.function.IntConsumer;
import qsh.commands.spi.Session;

/**
 * A one-line progress bar for long commands (calibrate, eval, compare) on a terminal: redrawn in place with
 * {@code \r} at most ten times a second, erased when the task completes, so transcripts stay clean. Only the REPL
 * installs it; scripts and pipes stay silent.
 */
final class ProgressBar implements Session.Progress {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private boolean shown; // a bar is on the current line (guarded by out)

    ProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public IntConsumer start(String task, int total) {
        long t0 = System.nanoTime();
        long[] lastDraw = {0};
        return done -> {
            long now = System.nanoTime();
            boolean finished = done >= total;
            if (!finished && now - lastDraw[0] < 100_000_000L) {
                return;
            }
            lastDraw[0] = now;
            synchronized (out) {
                if (finished) {
                    out.print("\r\033[2K");
                    shown = false;
                } else {
                    int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
                    double secs = (now - t0) / 1e9;
                    String eta = done == 0 ? "" : String.format("  %.0fs left", secs * (total - done) / done);
                    out.print("\r\033[2K" + task + " " + "█".repeat(filled) + "░".repeat(WIDTH - filled) + " " + done + "/"
                            + total + eta + "  (Ctrl-C stops)");
                    shown = true;
                }
                out.flush();
            }
        };
    }

    /** Erases a bar left on screen by a task that stopped before it finished (Ctrl-C, an error), so the message that
     * follows starts its own line instead of being printed over the bar. */
    void erase() {
        synchronized (out) {
            if (shown) {
                out.print("\r\033[2K");
                out.flush();
                shown = false;
            }
        }
    }
}
