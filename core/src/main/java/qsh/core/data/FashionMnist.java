package qsh.core.data;

import java.nio.file.Path;
import java.util.List;

/** Where Debian's dataset-fashion-mnist puts Fashion-MNIST, and its class names. */
public final class FashionMnist {
    /** Default folder (apt-get install -y dataset-fashion-mnist). */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** The ten class names, by label. */
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
            "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnist() {}

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
