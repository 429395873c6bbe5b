package qsh.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.core.tensor.Tensor;

class IdxReaderTest {
    @TempDir
    Path dir;

    private Path write(String name, int magic, int[] dims, byte[] data, boolean gzip) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
        byte[] bytes = b.toByteArray();
        if (gzip) {
            ByteArrayOutputStream g = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(g)) {
                z.write(bytes);
            }
            bytes = g.toByteArray();
        }
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void readsImagesAndLabelsPlainAndGzip() throws IOException {
        for (boolean gz : new boolean[] {false, true}) {
            Path img = write("img" + gz, 0x0803, new int[] {2, 2, 2}, new byte[] {0, (byte) 255, 51, 102, 1, 2, 3, 4}, gz);
            Tensor t = IdxReader.images(img, 0);
            assertArrayEquals(new int[] {2, 1, 2, 2}, t.shape());
            assertEquals(1f, t.get(1));
            assertEquals(0.2f, t.get(2), 1e-7);
            assertEquals(1, IdxReader.images(img, 1).dim(0));
            Path lab = write("lab" + gz, 0x0801, new int[] {3}, new byte[] {7, 0, 9}, gz);
            assertArrayEquals(new int[] {7, 0, 9}, IdxReader.labels(lab, 0));
        }
    }

    @Test
    void malformedFilesGetOneClearMessage() throws IOException {
        Path badMagic = write("m", 0x0903, new int[] {1, 1, 1}, new byte[] {0}, false);
        Path truncated = write("t", 0x0803, new int[] {5, 2, 2}, new byte[] {0, 1, 2}, false);
        Path wrongRank = write("r", 0x0801, new int[] {3}, new byte[] {1, 2, 3}, false);
        Path empty = dir.resolve("e");
        Files.write(empty, new byte[0]);
        for (Path p : new Path[] {badMagic, truncated, wrongRank, empty, dir.resolve("missing")}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdxReader.images(p, 0));
            assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        }
    }

    @Test
    void readsTheRealFashionMnistTestSet() throws IOException {
        Path d = FashionMnist.DEFAULT_DIR;
        Assumptions.assumeTrue(Files.exists(FashionMnist.testImages(d)),
                "Fashion-MNIST not installed (apt-get install -y dataset-fashion-mnist; .ci/run does)");
        Tensor x = IdxReader.images(FashionMnist.testImages(d), 0);
        int[] y = IdxReader.labels(FashionMnist.testLabels(d), 0);
        assertArrayEquals(new int[] {10000, 1, 28, 28}, x.shape());
        assertEquals(10000, y.length);
        int[] counts = new int[10];
        for (int l : y) {
            counts[l]++;
        }
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, counts);
    }
}
