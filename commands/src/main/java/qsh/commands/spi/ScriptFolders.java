package qsh.commands.spi;

import java.nio.file.Path;
import java.util.List;
import qsh.core.data.FashionMnist;
import qsh.core.io.FileAccessPolicy;

/**
 * The folders JavaScript is given without asking (Deno's model, with qsh's own folders allowed): the working
 * folder, qsh's data folders (the Fashion-MNIST dataset, the cache) and the temp folder, readable and writable.
 * The script's or config's own folder is added by the bridge for each run.
 */
public final class ScriptFolders {
    private ScriptFolders() {}

    /** The default policy of a session. */
    public static FileAccessPolicy defaults() {
        List<Path> given = List.of(Path.of("").toAbsolutePath(), FashionMnist.DEBIAN_DIR, CacheFolder.dir(),
                Path.of(System.getProperty("java.io.tmpdir")));
        return FileAccessPolicy.of(given, given);
    }
}
