package qsh.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * The folders a script may read and write, the way Deno's {@code --allow-read}/{@code --allow-write} work: a file is
 * allowed when its real path (symbolic links followed, {@code ..} resolved, as the operating system will open it)
 * lies under one of the allowed paths. The environment ({@code /proc/PID/environ}) is never readable.
 *
 * <p>A policy is enforced for the current thread by {@link #enforce}; the file-opening code of qsh calls
 * {@link #requireRead}/{@link #requireWrite} before it opens anything, which do nothing when no policy is enforced
 * (commands the user types are not restricted). The check and the open are two steps: a link swapped in between by
 * another process is not caught (the policy guards against a script, not against a local attacker).
 */
public final class FileAccessPolicy {
    /** Links followed before a path is refused as a loop (the Linux limit). */
    private static final int MAX_LINKS = 40;
    private static final ThreadLocal<FileAccessPolicy> ENFORCED = new ThreadLocal<>();

    private final List<Path> readable;
    private final List<Path> writable;

    private FileAccessPolicy(List<Path> readable, List<Path> writable) {
        this.readable = List.copyOf(readable);
        this.writable = List.copyOf(writable);
    }

    /** A policy allowing reads under {@code readable} and writes under {@code writable} (each path real-pathed now). */
    public static FileAccessPolicy of(Collection<Path> readable, Collection<Path> writable) {
        return new FileAccessPolicy(reals(readable), reals(writable));
    }

    private static List<Path> reals(Collection<Path> paths) {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            Path r = realPath(p);
            if (!out.contains(r)) {
                out.add(r);
            }
        }
        return out;
    }

    /** This policy with {@code path} (a file or folder) readable too. */
    public FileAccessPolicy allowRead(Path path) {
        List<Path> r = new ArrayList<>(readable);
        r.add(path);
        return new FileAccessPolicy(reals(r), writable);
    }

    /** This policy with {@code path} (a file or folder) writable too. */
    public FileAccessPolicy allowWrite(Path path) {
        List<Path> w = new ArrayList<>(writable);
        w.add(path);
        return new FileAccessPolicy(readable, reals(w));
    }

    /** This policy with {@code path} readable and writable. */
    public FileAccessPolicy allow(Path path) {
        return allowRead(path).allowWrite(path);
    }

    /** The readable paths (real paths), in the order they were allowed. */
    public List<Path> readable() {
        return readable;
    }

    /** The writable paths (real paths), in the order they were allowed. */
    public List<Path> writable() {
        return writable;
    }

    /** Refuses, in one line naming the flag that allows it, a read of {@code file}. */
    public void checkRead(Path file) {
        Path real = realPath(file);
        if (isEnvironment(real)) {
            throw new FileAccessDenied(file + ": scripts may not read the environment");
        }
        if (!under(real, readable)) {
            throw new FileAccessDenied(shown(file, real) + ": scripts may read only under the working folder, the "
                    + "script's folder, qsh's data folder and the temp folder; allow more with ./qsh --allow-read "
                    + suggestion(real) + " (or set allow-read " + suggestion(real) + " at the prompt)");
        }
    }

    /** Refuses, in one line naming the flag that allows it, a write of {@code file}. */
    public void checkWrite(Path file) {
        Path real = realPath(file);
        if (!under(real, writable)) {
            throw new FileAccessDenied(shown(file, real) + ": scripts may write only under the working folder, the "
                    + "script's folder, qsh's data folder and the temp folder; allow more with ./qsh --allow-write "
                    + suggestion(real) + " (or set allow-write " + suggestion(real) + " at the prompt)");
        }
    }

    private static String shown(Path asked, Path real) {
        Path abs = asked.toAbsolutePath();
        return abs.equals(real) ? asked.toString() : asked + " (really " + real + ")";
    }

    /** The folder to allow for {@code real}: its parent folder (allowing / is never suggested). */
    private static Path suggestion(Path real) {
        Path parent = real.getParent();
        return parent == null || parent.getParent() == null ? real : parent;
    }

    private static boolean under(Path real, List<Path> roots) {
        for (Path r : roots) {
            if (real.startsWith(r)) {
                return true;
            }
        }
        return false;
    }

    /** {@code /proc/PID/environ} (and a thread's): the process's environment variables. */
    private static boolean isEnvironment(Path real) {
        return real.startsWith("/proc") && real.getFileName() != null && real.getFileName().toString().equals("environ");
    }

    /**
     * The path the operating system would open for {@code p}: absolute, every symbolic link followed (also a link whose
     * target does not exist yet, which a write would create), {@code .} and {@code ..} resolved after the links before
     * them, as the kernel does. A part that does not exist is kept as written.
     */
    public static Path realPath(Path p) {
        return realPath(p.toAbsolutePath(), 0);
    }

    private static Path realPath(Path p, int links) {
        try {
            return p.toRealPath();
        } catch (IOException | SecurityException e) {
            // some part does not exist (or cannot be looked into): resolve part by part below
        }
        if (links > MAX_LINKS) {
            throw new FileAccessDenied(p + ": more than " + MAX_LINKS + " symbolic links (a loop?)");
        }
        if (Files.isSymbolicLink(p)) { // a link to a file that does not exist yet: follow it to where a write would go
            try {
                Path target = Files.readSymbolicLink(p);
                Path dir = p.getParent() == null ? p.getRoot() : p.getParent();
                return realPath(dir.resolve(target).toAbsolutePath(), links + 1);
            } catch (IOException e) {
                throw new FileAccessDenied(p + ": cannot read the symbolic link (" + RegularFiles.reason(e) + ")");
            }
        }
        Path parent = p.getParent();
        if (parent == null) {
            return p;
        }
        Path dir = realPath(parent, links);
        String name = p.getFileName().toString();
        if (name.equals("..")) {
            return dir.getParent() == null ? dir : dir.getParent();
        }
        return name.equals(".") ? dir : dir.resolve(name);
    }

    /** The policy enforced on this thread, or null when none is (a command the user typed). */
    public static FileAccessPolicy enforced() {
        return ENFORCED.get();
    }

    /**
     * Runs {@code body} with {@code policy} enforced on this thread. When a policy is already enforced (a script
     * that runs a script) that outer one stays: a nested script never gets more than the one that started it.
     */
    public static <T> T enforce(FileAccessPolicy policy, Supplier<T> body) {
        if (ENFORCED.get() != null) {
            return body.get();
        }
        ENFORCED.set(policy);
        try {
            return body.get();
        } finally {
            ENFORCED.remove();
        }
    }

    /** Before opening {@code file} to read: refuses it when the enforced policy does not allow it. */
    public static void requireRead(Path file) {
        FileAccessPolicy p = ENFORCED.get();
        if (p != null) {
            p.checkRead(file);
        }
    }

    /** Before creating or replacing {@code file}: refuses it when the enforced policy does not allow it. */
    public static void requireWrite(Path file) {
        FileAccessPolicy p = ENFORCED.get();
        if (p != null) {
            p.checkWrite(file);
        }
    }

    /** A read or write the enforced policy does not allow (a user's error: one line naming the flag to use). */
    public static final class FileAccessDenied extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        FileAccessDenied(String message) {
            super(message);
        }
    }

    @Override
    public String toString() {
        return "read " + readable + ", write " + writable;
    }
}
