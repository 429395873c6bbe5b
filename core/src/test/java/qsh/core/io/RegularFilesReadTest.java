package qsh.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading and decoding in pieces (so Ctrl-C is seen between them) gives the same text as reading at once. */
class RegularFilesReadTest {
    @TempDir
    Path dir;

    @Test
    void multiByteCharactersAcrossPiecesDecodeWhole() throws Exception {
        // 2-, 3- and 4-byte characters, 3.5 MB: several 1 MiB pieces, boundaries falling inside characters
        String text = "aé€𝄞\n".repeat(350_000);
        Path f = dir.resolve("t.txt");
        Files.writeString(f, text);
        assertEquals(text, RegularFiles.readText(f, "text file"));
        assertEquals(text.getBytes(StandardCharsets.UTF_8).length, RegularFiles.read(f, "text file", 1L << 30).length);
        assertEquals("", readEmpty());
    }

    private String readEmpty() throws Exception {
        Path f = dir.resolve("empty.txt");
        Files.write(f, new byte[0]);
        return RegularFiles.readText(f, "text file");
    }

    @Test
    void invalidUtf8AnywhereIsOneLine() throws Exception {
        byte[] b = "x".repeat(2_500_000).getBytes(StandardCharsets.UTF_8);
        b[2_000_000] = (byte) 0xff; // in the second piece
        Path f = dir.resolve("bad.txt");
        Files.write(f, b);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RegularFiles.readText(f, "input list"));
        assertEquals(f + ": the input list is not UTF-8 text: is this the right file?", e.getMessage());
        byte[] cut = "ok é".getBytes(StandardCharsets.UTF_8);
        Path g = dir.resolve("cut.txt");
        Files.write(g, java.util.Arrays.copyOf(cut, cut.length - 1)); // the last character cut in half
        assertThrows(IllegalArgumentException.class, () -> RegularFiles.readText(g, "input list"));
    }

    @Test
    void aCancelStopsTheRead() throws Exception {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, "hello\n");
        Thread.currentThread().interrupt();
        try {
            CancellationException c = assertThrows(CancellationException.class, () -> RegularFiles.readText(f, "text file"));
            assertTrue(c.getMessage().startsWith("reading " + f + " interrupted"), c.getMessage());
        } finally {
            Thread.interrupted();
        }
        assertEquals("hello\n", RegularFiles.readText(f, "text file"));
    }
}
