package qsh.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real paths as the kernel resolves them, and the per-thread enforcement (the JS side is JsFileAccessPolicyTest). */
class FileAccessPolicyTest {
    @TempDir
    Path tmp;

    @Test
    void dotDotAfterAMissingPartAndAfterALinkResolvesLikeTheKernel() throws IOException {
        Path real = tmp.toRealPath();
        Files.createDirectories(tmp.resolve("a/b"));
        assertEquals(real.resolve("a"), FileAccessPolicy.realPath(tmp.resolve("a/missing/..")));
        assertEquals(real.resolve("a/new.txt"), FileAccessPolicy.realPath(tmp.resolve("a/b/../new.txt")));
        // through a link, '..' is the parent of the link's target, not of the link
        Files.createSymbolicLink(tmp.resolve("deep"), tmp.resolve("a/b"));
        assertEquals(real.resolve("a/x"), FileAccessPolicy.realPath(tmp.resolve("deep/../x")));
        // a chain of links to a file that does not exist yet ends where a write would create it
        Files.createSymbolicLink(tmp.resolve("l2"), Path.of("/nonexistent-qsh/target"));
        Files.createSymbolicLink(tmp.resolve("l1"), tmp.resolve("l2"));
        assertEquals(Path.of("/nonexistent-qsh/target"), FileAccessPolicy.realPath(tmp.resolve("l1")));
        Files.createSymbolicLink(tmp.resolve("loop1"), tmp.resolve("loop2"));
        Files.createSymbolicLink(tmp.resolve("loop2"), tmp.resolve("loop1"));
        assertThrows(FileAccessPolicy.FileAccessDenied.class, () -> FileAccessPolicy.realPath(tmp.resolve("loop1")));
    }

    @Test
    void aPolicyIsEnforcedOnlyInsideEnforceAndAnOuterOneStays() throws IOException {
        Path inside = tmp.resolve("in.txt");
        Files.writeString(inside, "x");
        FileAccessPolicy narrow = FileAccessPolicy.of(List.of(tmp), List.of());
        FileAccessPolicy wide = FileAccessPolicy.of(List.of(Path.of("/")), List.of(Path.of("/")));
        FileAccessPolicy.requireRead(Path.of("/etc/passwd")); // nothing enforced: a typed command
        assertNull(FileAccessPolicy.enforced());
        FileAccessPolicy.enforce(narrow, () -> {
            FileAccessPolicy.requireRead(inside);
            assertThrows(FileAccessPolicy.FileAccessDenied.class, () -> FileAccessPolicy.requireWrite(inside));
            FileAccessPolicy.enforce(wide, () -> { // a script run by a script gets no more than the outer one
                assertSame(narrow, FileAccessPolicy.enforced());
                assertThrows(FileAccessPolicy.FileAccessDenied.class, () -> FileAccessPolicy.requireRead(Path.of("/etc/passwd")));
                return null;
            });
            return null;
        });
        assertNull(FileAccessPolicy.enforced());
        // even a policy allowing everything does not read the environment
        IllegalArgumentException e = assertThrows(FileAccessPolicy.FileAccessDenied.class,
                () -> wide.checkRead(Path.of("/proc/self/environ")));
        assertEquals("/proc/self/environ: scripts may not read the environment", e.getMessage());
        wide.checkRead(Path.of("/proc/self/status"));
        assertTrue(e.getMessage().indexOf('\n') < 0);
    }
}
