package qsh.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
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
    void readsTheBundledFashionMnistTestSet() throws IOException {
        FashionMnist.Split test = FashionMnist.read(null, false, 0);
        assertArrayEquals(new int[] {10000, 1, 28, 28}, test.images().shape());
        assertEquals(10000, test.labels().length);
        int[] counts = new int[10];
        for (int l : test.labels()) {
            counts[l]++;
        }
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, counts);
        assertArrayEquals(new int[] {9, 2, 1, 1, 6}, java.util.Arrays.copyOf(test.labels(), 5));
    }

    @Test
    void theBundledTrainingSubsetIsTheFirstImagesAndSaysSo() throws IOException {
        FashionMnist.Split all = FashionMnist.read(null, true, 0);
        FashionMnist.Split three = FashionMnist.read(null, true, 3);
        assertEquals(3, three.images().dim(0));
        if (all.source().equals(FashionMnist.DEBIAN_DIR.toString())) {
            assertEquals(60000, all.labels().length);
            assertFalse(all.bundledTrainSubset());
        } else {
            assertEquals(FashionMnist.BUNDLED_TRAIN, all.labels().length);
            assertTrue(all.bundledTrainSubset());
        }
        assertArrayEquals(new int[] {9, 0, 0}, three.labels());
    }

    @Test
    void theBundledCopyHasDebiansBytesWhereBothExist() throws IOException {
        Path debian = FashionMnist.DEBIAN_DIR;
        // the README's test-set figures hold for either copy only if the images are the same
        if (Files.isRegularFile(FashionMnist.testImages(debian))) {
            Tensor d = IdxReader.images(FashionMnist.testImages(debian), 0);
            Tensor b = bundled("t10k-images-idx3-ubyte.gz", 0);
            assertArrayEquals(d.data(), b.data());
        }
        if (Files.isRegularFile(FashionMnist.trainImages(debian))) {
            Tensor d = IdxReader.images(FashionMnist.trainImages(debian), FashionMnist.BUNDLED_TRAIN);
            Tensor b = bundled("train-" + FashionMnist.BUNDLED_TRAIN + "-images-idx3-ubyte.gz", 0);
            assertArrayEquals(d.data(), b.data());
        }
    }

    private static Tensor bundled(String name, int limit) throws IOException {
        try (InputStream in = FashionMnist.class.getResourceAsStream("fashion-mnist/" + name)) {
            assertNotNull(in, name);
            return IdxReader.images(in, name, limit);
        }
    }

    @Test
    void anExplicitFolderWinsAndNamesTheMissingFile() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FashionMnist.read(dir, false, 1));
        assertEquals(FashionMnist.testImages(dir) + ": no such file", e.getMessage());
    }
}
