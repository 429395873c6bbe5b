package qsh.commands;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three teaching PNGs are drawn: a histogram with its grid, CLE ranges before/after, SQNR per layer. */
class ChartsTest {
    @TempDir
    Path dir;

    @Test
    void drawsTheTeachingPictures() throws Exception {
        Interpreter in = new Interpreter();
        String list = Path.of("..", "scripts", "data", "demo", "input_list.txt").toAbsolutePath().toString();
        in.execute("let t = longtail 20000 --seed 1");
        in.execute("hist t --mode enhanced --bw 4 --png " + dir.resolve("hist.png"));
        in.execute("cle step --png " + dir.resolve("cle.png"));
        in.execute("sweep t --bw 4 --png " + dir.resolve("sweep.png"));
        in.execute("calibrate " + list);
        in.execute("compare " + list + " --png " + dir.resolve("sqnr.png"));
        in.execute("ranges /features/features.0/Conv --png " + dir.resolve("ranges.png"));
        for (String f : new String[] {"hist.png", "cle.png", "sqnr.png", "ranges.png", "sweep.png"}) {
            byte[] b = Files.readAllBytes(dir.resolve(f));
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(b, 4), f);
            assertTrue(b.length > 10_000, f + " is only " + b.length + " bytes");
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(dir.resolve(f).toFile());
            assertTrue(img.getWidth() >= 700 && img.getHeight() >= 400, f);
        }
    }
}
