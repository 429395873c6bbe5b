package qsh.core.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import qsh.core.tensor.Tensor;

/**
 * Fashion-MNIST: where its IDX files are found, and its class names. Without an explicit folder the files come
 * from Debian's dataset-fashion-mnist when it is installed, else from the copy bundled in this module's resources
 * (qsh/core/data/fashion-mnist: the test set unchanged, so every test-set figure is the same with either copy, and
 * the first {@value #BUNDLED_TRAIN} training images).
 */
public final class FashionMnist {
    /** Debian's folder (apt-get install -y dataset-fashion-mnist): all 60 000 training images. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** How many training images, the first ones, the bundled copy holds. */
    public static final int BUNDLED_TRAIN = 2000;
    /** Where the data comes from without an explicit folder, for help texts. */
    public static final String DEFAULT_SOURCE = DEBIAN_DIR + " when installed, else the copy bundled with qsh";
    /** The ten class names, by label. */
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final String BUNDLED = "fashion-mnist/";

    /**
     * One split's first images and labels.
     *
     * @param images N×1×28×28 in [0, 1]
     * @param labels one class per image
     * @param source the folder read, or "the bundled copy"
     * @param bundledTrainSubset true when these are training images from the bundled copy, which holds only the
     *                           first {@link #BUNDLED_TRAIN}: fewer than asked means the subset ran out
     */
    public record Split(Tensor images, int[] labels, String source, boolean bundledTrainSubset) {}

    private FashionMnist() {}

    /**
     * The first {@code limit} (≤ 0: all) images and labels of the test or training split: from {@code dir} when
     * given, else from {@link #DEBIAN_DIR} when it holds that split, else from the bundled copy.
     *
     * @throws IllegalArgumentException a missing or malformed file, in one line naming it
     */
    public static Split read(Path dir, boolean train, int limit) throws IOException {
        Path folder = dir != null ? dir : Files.isRegularFile(images(DEBIAN_DIR, train)) ? DEBIAN_DIR : null;
        if (folder != null) {
            return new Split(IdxReader.images(images(folder, train), limit), IdxReader.labels(labels(folder, train), limit),
                    folder.toString(), false);
        }
        String prefix = train ? "train-" + BUNDLED_TRAIN + "-" : "t10k-";
        Tensor x;
        int[] y;
        try (InputStream in = bundled(prefix + "images-idx3-ubyte.gz")) {
            x = IdxReader.images(in, "bundled " + prefix + "images-idx3-ubyte.gz", limit);
        }
        try (InputStream in = bundled(prefix + "labels-idx1-ubyte.gz")) {
            y = IdxReader.labels(in, "bundled " + prefix + "labels-idx1-ubyte.gz", limit);
        }
        return new Split(x, y, "the bundled copy", train);
    }

    private static InputStream bundled(String name) {
        InputStream in = FashionMnist.class.getResourceAsStream(BUNDLED + name);
        if (in == null) {
            throw new IllegalArgumentException("qsh-core's jar lacks the bundled " + name
                    + ": rebuild qsh (mvn package), or install " + DEBIAN_DIR + " (apt-get install -y dataset-fashion-mnist)");
        }
        return in;
    }

    private static Path images(Path dir, boolean train) {
        return train ? trainImages(dir) : testImages(dir);
    }

    private static Path labels(Path dir, boolean train) {
        return train ? trainLabels(dir) : testLabels(dir);
    }

    /** The test images file. */
    public static Path testImages(Path dir) {
        return dir.resolve("t10k-images-idx3-ubyte.gz");
    }

    /** The training images file. */
    public static Path trainImages(Path dir) {
        return dir.resolve("train-images-idx3-ubyte.gz");
    }

    /** The training labels file. */
    public static Path trainLabels(Path dir) {
        return dir.resolve("train-labels-idx1-ubyte.gz");
    }

    /** The test labels file. */
    public static Path testLabels(Path dir) {
        return dir.resolve("t10k-labels-idx1-ubyte.gz");
    }
}
