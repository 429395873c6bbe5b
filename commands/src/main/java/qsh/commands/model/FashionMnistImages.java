package qsh.commands.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntFunction;
import qsh.commands.spi.CommandException;
import qsh.core.data.FashionMnist;
import qsh.core.data.IdxReader;
import qsh.core.tensor.Tensor;

/**
 * Fashion-MNIST images and labels as the demo model reads them (1×1×28×28 float32 in [0, 1]), loaded once for
 * {@code eval}, {@code dataset}, {@code amp --eval} and {@code autoquant}: from {@code --dir} when given, else
 * Debian's package when installed, else the copy bundled with qsh ({@link FashionMnist#read}).
 *
 * @param images all images, N×28×28
 * @param labels one class per image
 * @param bundledTrainSubset training images from the bundled copy, which holds only the first
 *                           {@value FashionMnist#BUNDLED_TRAIN}
 */
public record FashionMnistImages(Tensor images, int[] labels, boolean bundledTrainSubset) {
    private static final int PIXELS = 28 * 28;

    /** The first {@code limit} (0: all) test or training images from {@code dir} (null: the default sources). */
    public static FashionMnistImages load(Path dir, boolean train, int limit) {
        try {
            FashionMnist.Split s = FashionMnist.read(dir, train, limit);
            return new FashionMnistImages(s.images(), s.labels(), s.bundledTrainSubset());
        } catch (java.nio.channels.ClosedByInterruptException e) { // Ctrl-C while a file was read: a stop
            throw new qsh.core.exec.Cancelled("reading Fashion-MNIST interrupted");
        } catch (IOException | IllegalArgumentException e) {
            throw new CommandException(e.getMessage() + (dir != null
                    ? " (--dir names a folder with Fashion-MNIST's *-idx*-ubyte.gz files; without it qsh uses " + FashionMnist.DEFAULT_SOURCE + ")"
                    : ""));
        }
    }

    /** The first {@code limit} test images from the default sources. */
    public static FashionMnistImages test(int limit) {
        return load(null, false, limit);
    }

    /** The note to show when fewer than {@code asked} images came back because the bundled subset ran out, or null. */
    public String shortfall(int asked) {
        return bundledTrainSubset && size() < asked
                ? "the bundled copy holds only the first " + FashionMnist.BUNDLED_TRAIN + " training images"
                        + " (all 60 000: apt-get install -y dataset-fashion-mnist)"
                : null;
    }

    /** How many images. */
    public int size() {
        return images.dim(0);
    }

    /** Image {@code i} as a 1×1×28×28 tensor. */
    public Tensor image(int i) {
        float[] one = new float[PIXELS];
        System.arraycopy(images.data(), i * PIXELS, one, 0, PIXELS);
        return Tensor.of(new int[] {1, 1, 28, 28}, one);
    }

    /** Image i as the input map of a model whose input is named {@code input}. */
    public IntFunction<Map<String, Tensor>> samples(String input) {
        return i -> Map.of(input, image(i));
    }
}
