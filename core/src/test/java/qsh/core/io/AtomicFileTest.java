package qsh.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writes through symbolic links, refuses devices, FIFOs and folders, never creates folders, replaces pairs together. */
class AtomicFileTest {
    @TempDir
    Path dir;

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aSymlinkTargetIsReplacedAndTheLinkStays() throws IOException {
        Path real = Files.createDirectories(dir.resolve("real")).resolve("model.onnx");
        Files.writeString(real, "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.onnx"), Path.of("real/model.onnx"));
        AtomicFile.write(link, text("new"));
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new", Files.readString(real));
        try (Stream<Path> s = Files.list(real.getParent())) {
            assertEquals(1, s.count(), "the temporary file goes beside the real file and is renamed away");
        }
    }

    @Test
    void aDanglingSymlinkCreatesTheFileItNames() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), dir.resolve("target.txt"));
        AtomicFile.write(link, text("x"));
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("x", Files.readString(dir.resolve("target.txt")));
    }

    @Test
    void aFifoIsRefusedAndStaysAFifo() throws Exception {
        Path fifo = dir.resolve("history.qsh");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, p.waitFor());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AtomicFile.write(fifo, text("x")));
        assertEquals(fifo + ": not a regular file (a device, FIFO or socket): qsh writes only regular files; give another path",
                e.getMessage());
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "still a FIFO");
        assertEquals(List.of("history.qsh"), names(), "no temporary file left");
        // the same through a symbolic link to it
        Path link = Files.createSymbolicLink(dir.resolve("via-link.qsh"), fifo);
        e = assertThrows(IllegalArgumentException.class, () -> AtomicFile.write(link, text("x")));
        assertEquals(link + " (-> " + fifo + "): not a regular file (a device, FIFO or socket): qsh writes only regular"
                + " files; give another path", e.getMessage());
        assertTrue(Files.isSymbolicLink(link));
    }

    @Test
    void aDeviceIsRefused() {
        Path devNull = Path.of("/dev/null");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AtomicFile.write(devNull, text("x")));
        assertTrue(e.getMessage().startsWith("/dev/null: not a regular file"), e.getMessage());
        assertFalse(Files.isRegularFile(devNull));
    }

    @Test
    void aFolderIsRefusedInPlainWords() throws IOException {
        Path target = Files.createDirectories(dir.resolve("out.onnx"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AtomicFile.write(target, text("x")));
        assertEquals(target + ": is a folder: give a file name", e.getMessage());
        assertFalse(e.getMessage().contains("Exception"), e.getMessage());
    }

    @Test
    void aMissingFolderIsAnErrorNamingIt() {
        Path f = dir.resolve("no/such/folder/x.qsh");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AtomicFile.write(f, text("x")));
        assertEquals(f + ": folder " + f.getParent() + " does not exist: create it first (mkdir -p " + f.getParent() + ")",
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("no")), "no folder was created");
    }

    @Test
    void staleTemporaryFilesOfAKilledWriteAreRemovedByTheNextWrite() throws IOException {
        Path target = dir.resolve("model.onnx");
        // a process id that cannot be alive (above Linux's pid_max), as a killed writer leaves it
        Path stale = Files.writeString(dir.resolve(".model.onnx.qsh-99999999-123456.tmp"), "half");
        Path other = Files.writeString(dir.resolve(".other.onnx.qsh-99999999-123456.tmp"), "someone else's");
        long self = ProcessHandle.current().pid();
        Path live = Files.writeString(dir.resolve(".model.onnx.qsh-" + self + "-42.tmp"), "a write in progress");
        AtomicFile.write(target, text("whole"));
        assertEquals("whole", Files.readString(target));
        assertFalse(Files.exists(stale), "the stale temporary file of the same target is gone");
        assertTrue(Files.exists(other), "another target's temporary file stays");
        assertTrue(Files.exists(live), "a live process's temporary file stays");
    }

    @Test
    void aPairIsWrittenTogether() throws IOException {
        Path model = Files.writeString(dir.resolve("m.onnx"), "old model");
        Path enc = Files.writeString(dir.resolve("m.encodings"), "old encodings");
        Map<Path, byte[]> pair = new LinkedHashMap<>();
        pair.put(model, text("new model"));
        pair.put(enc, text("new encodings"));
        AtomicFile.writeAll(pair);
        assertEquals("new model", Files.readString(model));
        assertEquals("new encodings", Files.readString(enc));
        assertEquals(List.of("m.encodings", "m.onnx"), names());
    }

    @Test
    void whenTheSecondFileCannotBeWrittenTheFirstKeepsItsOldContent() throws IOException {
        Path model = Files.writeString(dir.resolve("m.onnx"), "old model");
        Path enc = Files.createDirectories(dir.resolve("m.encodings")); // refused: a folder
        Map<Path, byte[]> pair = new LinkedHashMap<>();
        pair.put(model, text("new model"));
        pair.put(enc, text("new encodings"));
        assertThrows(IllegalArgumentException.class, () -> AtomicFile.writeAll(pair));
        assertEquals("old model", Files.readString(model));
        assertEquals(List.of("m.encodings", "m.onnx"), names(), "no temporary or backup file left");
    }

    @Test
    void aFailedSecondRenamePutsTheFirstFileBack() throws IOException {
        Path model = Files.writeString(dir.resolve("m.onnx"), "old model");
        Path enc = Files.writeString(dir.resolve("m.encodings"), "old encodings");
        Path fresh = dir.resolve("fresh.txt"); // did not exist: removed again
        Map<Path, byte[]> group = new LinkedHashMap<>();
        group.put(fresh, text("new"));
        group.put(model, text("new model"));
        group.put(enc, text("new encodings"));
        // after every check passed, the last target turns into a non-empty folder, which no rename can replace
        AtomicFile.beforeRename = p -> {
            if (p.equals(enc)) {
                try {
                    Files.delete(enc);
                    Files.createDirectories(enc.resolve("child"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AtomicFile.writeAll(group));
            assertTrue(e.getMessage().startsWith(enc + ": cannot write ("), e.getMessage());
        } finally {
            AtomicFile.beforeRename = p -> { };
        }
        assertEquals("old model", Files.readString(model));
        assertFalse(Files.exists(fresh));
        assertEquals(List.of("m.encodings", "m.onnx"), names(), "no temporary or backup file left");
    }
}
