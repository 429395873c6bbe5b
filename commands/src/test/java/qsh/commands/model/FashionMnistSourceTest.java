package qsh.commands.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.commands.Interpreter;
import qsh.commands.spi.CommandException;
import qsh.core.data.FashionMnist;

/**
 * Where {@code dataset}, {@code eval} and {@code qsh.fashionMnist} find Fashion-MNIST: Debian's folder when
 * installed, else the copy bundled with qsh, which has every test image and the first 2 000 training images and
 * says so when asked for more; {@code --dir} names a folder explicitly.
 */
class FashionMnistSourceTest {
    @TempDir
    Path dir;

    private static final boolean DEBIAN = Files.isRegularFile(FashionMnist.trainImages(FashionMnist.DEBIAN_DIR));

    @Test
    void datasetPastTheBundledSubsetWritesWhatThereIsAndSaysSo() throws IOException {
        Interpreter in = new Interpreter();
        int asked = FashionMnist.BUNDLED_TRAIN + 3;
        List<String> lines = in.execute("dataset fashion-mnist --count " + asked + " --out " + dir).result().lines();
        long written = Files.readAllLines(dir.resolve("input_list.txt")).size();
        if (DEBIAN) {
            assertEquals(asked, written);
            assertEquals(1, lines.size(), String.join("\n", lines));
        } else {
            assertEquals(FashionMnist.BUNDLED_TRAIN, written);
            assertEquals("note: " + asked + " asked, the bundled copy holds only the first 2000 training images"
                    + " (all 60 000: apt-get install -y dataset-fashion-mnist)", lines.get(1));
        }
    }

    @Test
    void jsDataLoadersPastTheSubsetFailInsteadOfShrinking() {
        Interpreter in = new Interpreter();
        String js = "js qsh.fashionMnist({split: 'train', offset: 1990, count: 20}).images.length";
        if (DEBIAN) {
            assertEquals(List.of("20"), in.execute(js).result().lines());
        } else {
            CommandException e = assertThrows(CommandException.class, () -> in.execute(js));
            assertTrue(e.getMessage().contains("offset 1990 + count 20 is past the data: the bundled copy holds only the first 2000"),
                    e.getMessage());
        }
    }

    @Test
    void evalReadsTheTestSetFromTheDefaultSource() {
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) new Interpreter().execute("eval fashion-mnist --limit 20").result().data();
        assertEquals(20, data.get("images"));
    }

    @Test
    void anExplicitDirThatLacksTheFilesSaysWhatItNeeds() {
        CommandException e = assertThrows(CommandException.class,
                () -> new Interpreter().execute("eval fashion-mnist --dir " + dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("t10k-images-idx3-ubyte.gz") + ": no such file (--dir names a folder"),
                e.getMessage());
    }
}
