package qsh.core.calib;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file so that it appears whole or not at all: the bytes go to a temporary sibling, which is then
 * renamed over the target (atomically where the file system allows). On failure the target is untouched and
 * the temporary file removed.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /**
     * Temporary files are created owner-only (0600); the result should look like any other file the user writes:
     * the old file's permissions when replacing one, else rw-r--r--.
     */
    private static void keepOrDefaultPermissions(Path tmp, Path target) {
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.exists(target)
                    ? Files.getPosixFilePermissions(target)
                    : java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--");
            Files.setPosixFilePermissions(tmp, perms);
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: keep what the platform gave
        }
    }

    /** Replaces {@code file}'s content with {@code bytes}; creates missing parent folders. */
    public static void write(Path file, byte[] bytes) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(bytes);
            }
            keepOrDefaultPermissions(tmp, target);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot write (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "): check that the folder exists and is writable");
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the target itself was not touched
                }
            }
        }
    }
}
