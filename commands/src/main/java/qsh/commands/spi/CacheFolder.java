package qsh.commands.spi;

import java.nio.file.Path;

/** qsh's cache folder: {@code -Dqsh.cache}, else {@code $QSH_CACHE}, else {@code ~/.cache/qsh} (AMP's results live under it). */
public final class CacheFolder {
    private CacheFolder() {}

    /** The folder (it may not exist yet). */
    public static Path dir() {
        String env = System.getProperty("qsh.cache", System.getenv("QSH_CACHE"));
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "qsh");
    }
}
