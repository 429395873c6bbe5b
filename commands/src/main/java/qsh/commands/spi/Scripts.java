package qsh.commands.spi;

import java.util.function.Function;

/**
 * The session's JavaScript as a command reaches it ({@link Session#js()}): the interpreter sets the bridge
 * ({@code js.JsBridge}) that implements this, so the session and the commands below it do not name the bridge.
 */
public interface Scripts {
    /**
     * Runs {@code body} with access to JavaScript functions in files (a YAML config's callbacks). The functions are
     * called only while {@code body} runs, on this thread; Ctrl-C interrupts a running callback.
     */
    <T> T withScripts(Function<ConfigCallbacks, T> body);
}
