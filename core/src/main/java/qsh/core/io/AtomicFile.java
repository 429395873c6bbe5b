package qsh.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes files so that each appears whole or not at all: the bytes go to a temporary file in the real target's
 * folder, which is then renamed over the target (atomically on POSIX file systems).
 *
 * <ul>
 *   <li>A symbolic link is followed: the file it points to is replaced, the link stays a link.</li>
 *   <li>An existing target that is not a regular file (folder, device such as {@code /dev/null}, FIFO, socket) is
 *       refused: renaming over it would replace the device node itself.</li>
 *   <li>A missing parent folder is an error naming it; folders are never created silently.</li>
 *   <li>Temporary files are named {@code .NAME.qsh-PID-RANDOM.tmp}; one left by a killed write (its process is
 *       gone) is deleted by the next write to the same target.</li>
 *   <li>{@link #writeAll} replaces several files as a group (a model and its encodings): every temporary file is
 *       written first, then they are renamed one after the other, and when a later rename fails the files already
 *       renamed are put back. What no file system offers is an atomic rename of two files: a process killed between
 *       the renames (a window of microseconds, after all data is on disk) leaves the first file new and the second
 *       old.</li>
 * </ul>
 * Every failure is an {@link IllegalArgumentException} with one line naming the file and the reason in words
 * (no Java exception text).
 */
public final class AtomicFile {
    private static final long PID = ProcessHandle.current().pid();
    private static final int MAX_LINKS = 40;
    /** A name part kept short enough that the temporary name stays within the usual 255-byte limit. */
    private static final int MAX_STEM = 120;

    /** Runs before each rename of a group write; tests use it to make a rename fail after the checks passed. */
    static volatile Consumer<Path> beforeRename = p -> { };

    private AtomicFile() {}

    /** Replaces {@code file}'s content with {@code bytes} (the real file when {@code file} is a symbolic link). */
    public static void write(Path file, byte[] bytes) {
        Map<Path, byte[]> one = new LinkedHashMap<>();
        one.put(file, bytes);
        writeAll(one);
    }

    /**
     * Replaces every file of {@code files} (in map order) as a group: nothing is renamed before every temporary file
     * is written and synced; if a rename fails, the targets already replaced get their old content back (or are
     * removed when they did not exist before). See the class comment for the window that remains.
     */
    public static void writeAll(Map<Path, byte[]> files) {
        List<Pending> pending = new ArrayList<>();
        Path current = null; // the file being worked on, named when something fails
        files.keySet().forEach(FileAccessPolicy::requireWrite); // all refused before any is touched
        try {
            for (Map.Entry<Path, byte[]> e : files.entrySet()) {
                current = e.getKey();
                Pending p = new Pending(e.getKey(), resolve(e.getKey()));
                pending.add(p);
                removeStaleTemporaries(p.target);
                p.tmp = writeTemporary(p, e.getValue());
            }
            for (Pending p : pending) {
                current = p.asked;
                if (pending.size() > 1 && Files.exists(p.target)) {
                    p.backup = backup(p);
                }
            }
            int renamed = 0;
            try {
                for (Pending p : pending) {
                    current = p.asked;
                    beforeRename.accept(p.target);
                    rename(p.tmp, p.target);
                    p.tmp = null;
                    renamed++;
                }
            } catch (IOException e) {
                restore(pending.subList(0, renamed));
                throw e;
            }
        } catch (FailedWrite e) {
            throw new IllegalArgumentException(e.getMessage());
        } catch (java.nio.channels.ClosedByInterruptException e) { // Ctrl-C while writing: a stop, not an I/O error
            // (the JDK's CancellationException: this package sits below qsh.core.exec and its Cancelled)
            throw new java.util.concurrent.CancellationException("writing " + current + " interrupted (the file is as it was)");
        } catch (IOException e) {
            throw new IllegalArgumentException(current + ": cannot write (" + RegularFiles.reason(e) + ")");
        } finally {
            for (Pending p : pending) {
                deleteQuietly(p.tmp);
                deleteQuietly(p.backup);
            }
        }
    }

    /** One target of a write: the path asked for, the real file behind it, its temporary and backup files. */
    private static final class Pending {
        final Path asked;
        final Path target;
        final boolean existed;
        Path tmp;
        Path backup;

        Pending(Path asked, Path target) {
            this.asked = asked;
            this.target = target;
            this.existed = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        }
    }

    /** A refused write, already worded for the user. */
    private static final class FailedWrite extends IOException {
        private static final long serialVersionUID = 1L;

        FailedWrite(String message) {
            super(message);
        }
    }

    /**
     * The file a write to {@code file} must replace: symbolic links followed (a dangling link names the file to
     * create); refused when it is not a regular file or its folder does not exist.
     */
    static Path resolve(Path file) throws IOException {
        Path p = file.toAbsolutePath().normalize();
        for (int hops = 0; Files.isSymbolicLink(p); hops++) {
            if (hops == MAX_LINKS) {
                throw new FailedWrite(file + ": too many levels of symbolic links");
            }
            Path link = Files.readSymbolicLink(p);
            p = p.resolveSibling(link).normalize();
        }
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new FailedWrite(file + (p.equals(file.toAbsolutePath().normalize()) ? "" : " (-> " + p + ")")
                    + (Files.isDirectory(p) ? ": is a folder: give a file name"
                    : ": not a regular file (a device, FIFO or socket): qsh writes only regular files; give another path"));
        }
        Path dir = p.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new FailedWrite(file + (dir != null && Files.exists(dir) ? ": " + dir + " is a file, not a folder"
                    : ": folder " + dir + " does not exist: create it first (mkdir -p " + dir + ")"));
        }
        return p;
    }

    private static String stem(Path target) {
        String name = target.getFileName().toString();
        return name.length() > MAX_STEM ? name.substring(0, MAX_STEM) : name;
    }

    private static Pattern temporaryPattern(Path target) {
        return Pattern.compile("\\." + Pattern.quote(stem(target)) + "\\.qsh-(\\d+)-\\d+\\.tmp");
    }

    /** Deletes temporary files of {@code target} whose writing process is gone (a killed write). */
    private static void removeStaleTemporaries(Path target) {
        Pattern pattern = temporaryPattern(target);
        String prefix = "." + stem(target) + ".qsh-";
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(target.getParent(), prefix + "*.tmp")) {
            for (Path p : ds) {
                Matcher m = pattern.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    continue;
                }
                // a live writer (this process on another thread, or another qsh) keeps its file
                if (pid != PID && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    deleteQuietly(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // cleaning is best effort: an unreadable folder fails the write itself with a clear message
        }
    }

    /** Writes and syncs {@code bytes} to a new temporary file beside the target. */
    private static Path writeTemporary(Pending p, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(p.target.getParent(), "." + stem(p.target) + ".qsh-" + PID + "-", ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw e;
        }
        keepOrDefaultPermissions(tmp, p.target);
        return tmp;
    }

    /** A second name for the old content (a hard link, else a copy), to put back if the group write fails. */
    private static Path backup(Pending p) throws IOException {
        Path b = Files.createTempFile(p.target.getParent(), "." + stem(p.target) + ".qsh-" + PID + "-", ".tmp");
        try {
            Files.delete(b);
            Files.createLink(b, p.target);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(p.target, b, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
        return b;
    }

    /** Puts back the old content of targets already replaced in a failed group write. */
    private static void restore(List<Pending> replaced) {
        for (Pending p : replaced) {
            try {
                if (p.backup != null) {
                    rename(p.backup, p.target);
                    p.backup = null;
                } else if (!p.existed) {
                    Files.deleteIfExists(p.target);
                }
            } catch (IOException ignored) {
                // best effort: the error reported names the write that failed
            }
        }
    }

    private static void rename(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Temporary files are created owner-only (0600); the result should look like any other file the user writes:
     * the old file's permissions when replacing one, else rw-r--r--.
     */
    private static void keepOrDefaultPermissions(Path tmp, Path target) {
        try {
            Set<PosixFilePermission> perms = Files.exists(target)
                    ? Files.getPosixFilePermissions(target)
                    : PosixFilePermissions.fromString("rw-r--r--");
            Files.setPosixFilePermissions(tmp, perms);
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: keep what the platform gave
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort: a leftover temporary file is removed by the next write to the same target
        }
    }
}
