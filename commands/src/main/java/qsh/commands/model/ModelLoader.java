package qsh.commands.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import qsh.commands.spi.CommandException;
import qsh.core.graph.Graph;
import qsh.core.onnx.OnnxReader;

/** Finds a model by path or by the word {@code demo} (the Fashion-MNIST classifier shipped in the jar). */
public final class ModelLoader {
    /** Class-path location of the demo model. */
    public static final String DEMO_RESOURCE = "qsh/demo/demo.onnx";

    private ModelLoader() {}

    /** Loads {@code what}: "demo" or a file path; errors are one line naming the file. */
    public static Graph load(String what) {
        if (what.equals("demo")) {
            try (InputStream in = ModelLoader.class.getClassLoader().getResourceAsStream(DEMO_RESOURCE)) {
                if (in == null) {
                    throw new CommandException("the demo model is not in this build (expected resource " + DEMO_RESOURCE + ")");
                }
                return OnnxReader.read(in, "demo");
            } catch (IOException e) {
                throw new CommandException("cannot read the demo model: " + e.getMessage());
            }
        }
        return OnnxReader.read(Path.of(what));
    }
}
