package qsh.core.calib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.core.io.AtomicFile;
import qsh.core.tensor.Tensor;

class RawTensorFileTest {
    @TempDir
    Path dir;

    @Test
    void littleEndianLayoutIsExact() throws IOException {
        Path p = dir.resolve("one.raw");
        // 1.0f = 0x3F800000, -2.0f = 0xC0000000, little-endian byte order
        Files.write(p, new byte[] {0, 0, (byte) 0x80, 0x3F, 0, 0, 0, (byte) 0xC0});
        Tensor t = RawTensorFile.read(p, "input", new int[] {1, 2});
        assertArrayEquals(new float[] {1f, -2f}, t.data());
        assertArrayEquals(new int[] {1, 2}, t.shape());
    }

    @Test
    void writeThenReadRoundTripsAndLeavesNoTempFile() throws IOException {
        Tensor t = Tensor.of(new int[] {1, 3, 2}, new float[] {0f, -1.5f, 3.25f, 1e-30f, -7e20f, 42f});
        Path p = dir.resolve("out/t.raw");
        Files.createDirectories(p.getParent()); // writers create no folders: a missing one is an error naming it
        RawTensorFile.write(p, t);
        RawTensorFile.write(p, t); // overwrite works too
        assertEquals(24, Files.size(p));
        assertArrayEquals(t.data(), RawTensorFile.read(p, "t", t.shape()).data());
        try (Stream<Path> s = Files.list(p.getParent())) {
            assertEquals(1, s.count(), "temporary file left behind");
        }
    }

    @Test
    void sizeMismatchIsOneClearLine() throws IOException {
        Path p = dir.resolve("img0.raw");
        Files.write(p, new byte[784]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RawTensorFile.read(p, "input", new int[] {1, 1, 28, 28}));
        assertTrue(e.getMessage().startsWith(
                "img0.raw: 784 bytes, but input 'input' [1,1,28,28] needs 784 float32 = 3136 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("8-bit"), e.getMessage());
        Files.write(p, new byte[3000]);
        e = assertThrows(IllegalArgumentException.class, () -> RawTensorFile.read(p, "input", new int[] {1, 1, 28, 28}));
        assertEquals("img0.raw: 3000 bytes, but input 'input' [1,1,28,28] needs 784 float32 = 3136 bytes", e.getMessage());
    }

    @Test
    void nonFiniteValuesAreRejectedWithTheirIndex() {
        Path p = dir.resolve("bad.raw");
        RawTensorFile.write(p, Tensor.of(new int[] {1, 2, 2}, new float[] {0f, 1f, 2f, Float.NaN}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RawTensorFile.read(p, "x", new int[] {1, 2, 2}));
        assertTrue(e.getMessage().contains("index 3 [0,1,1]"), e.getMessage());
        RawTensorFile.write(p, Tensor.of(new int[] {2}, new float[] {Float.NEGATIVE_INFINITY, 0f}));
        e = assertThrows(IllegalArgumentException.class, () -> RawTensorFile.read(p, "x", new int[] {2}));
        assertTrue(e.getMessage().contains("-Infinity at index 0"), e.getMessage());
    }

    @Test
    void missingFileNamesThePath() {
        Path p = dir.resolve("nope.raw");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RawTensorFile.read(p, "x", new int[] {1}));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
    }

    @Test
    void batchOneRule() {
        RawTensorFile.checkBatchOne("input", new int[] {1, 1, 28, 28});
        RawTensorFile.checkBatchOne("vec", new int[] {784});
        RawTensorFile.checkBatchOne("scalar", new int[] {});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RawTensorFile.checkBatchOne("input", new int[] {8, 1, 28, 28}));
        assertTrue(e.getMessage().startsWith("input 'input' [8,1,28,28] has batch 8, but calibration needs batch 1"),
                e.getMessage());
    }

    @Test
    void writeIntoAFileInsteadOfAFolderFailsCleanly() throws IOException {
        Path notADir = dir.resolve("plain");
        Files.writeString(notADir, "x");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RawTensorFile.write(notADir.resolve("t.raw"), Tensor.vector(1f)));
        assertEquals(notADir.resolve("t.raw") + ": " + notADir + " is a file, not a folder", e.getMessage());
        assertEquals("x", Files.readString(notADir));
    }

    @Test
    void writeOverADirectoryLeavesNoTemporaryFile() throws IOException {
        Path target = dir.resolve("adir");
        Files.createDirectories(target.resolve("child"));
        assertThrows(IllegalArgumentException.class, () -> AtomicFile.write(target, new byte[] {1}));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "temporary file left behind");
        }
        assertTrue(Files.isDirectory(target.resolve("child")));
    }
}
