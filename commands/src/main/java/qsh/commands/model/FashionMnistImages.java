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
 * {@code eval}, {@code dataset}, {@code amp --eval} and {@code autoquant}; a missing data set is one line that
 * says how to install it.
 *
 * @param images all images, N×28×28
 * @param labels one class per image
 */
public record FashionMnistImages(Tensor images, int[] labels) {
    private static final int PIXELS = 28 * 28;

    /** The first {@code limit} (0: all) test or training images from {@code dir}. */
    public static FashionMnistImages load(Path dir, boolean train, int limit) {
        try {
            return new FashionMnistImages(
                    IdxReader.images(train ? FashionMnist.trainImages(dir) : FashionMnist.testImages(dir), limit),
                    IdxReader.labels(train ? FashionMnist.trainLabels(dir) : FashionMnist.testLabels(dir), limit));
        } catch (IOException | IllegalArgumentException e) {
            throw new CommandException(e.getMessage() + " (install the data: apt-get install -y dataset-fashion-mnist)");
        }
    }

    /** The first {@code limit} test images from the Debian package's folder. */
    public static FashionMnistImages test(int limit) {
        return load(FashionMnist.DEFAULT_DIR, false, limit);
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
