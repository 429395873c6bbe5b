package qsh.commands.js;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Value;
import qsh.commands.model.FashionMnistImages;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.SessionTensor;
import qsh.core.io.RegularFiles;
import qsh.core.tensor.MemoryBudget;
import qsh.core.tensor.Tensor;

/**
 * The data functions of the {@code qsh} global ({@link QshApi} exports them): Fashion-MNIST images for data loaders,
 * raw float32 files and text files, each read under the script's file-access policy.
 */
final class JsData {
    private final QshApi api;
    private final JsRuntime rt;

    JsData(QshApi api) {
        this.api = api;
        this.rt = api.runtime();
    }

    /**
     * {@code qsh.fashionMnist({split: "test", offset: 0, count: 100})}: Fashion-MNIST images as the demo model
     * reads them ({@code images}: 1×1×28×28 tensor views in [0, 1]) and their {@code labels}; for data loaders.
     */
    Value fashionMnist(Value options) {
        Map<String, Object> o = options == null || options.isNull() ? Map.of() : asMap(options, "fashionMnist options");
        for (String k : o.keySet()) {
            if (!List.of("split", "offset", "count").contains(k)) {
                throw rt.fail("fashionMnist: unknown option '" + k + "' (split, offset, count)");
            }
        }
        String split = String.valueOf(o.getOrDefault("split", "test"));
        if (!split.equals("test") && !split.equals("train")) {
            throw rt.fail("fashionMnist: split is 'test' or 'train', not '" + split + "'");
        }
        int offset = intOption(o, "offset", 0);
        int count = intOption(o, "count", 100);
        FashionMnistImages all;
        try {
            all = rt.guarded(() -> FashionMnistImages.load(null, split.equals("train"), offset + count));
        } catch (CommandException e) {
            throw rt.fail(e.getMessage());
        }
        String shortfall = all.shortfall(offset + count);
        if (shortfall != null) { // a data loader quietly shorter than asked would change what an algorithm means
            throw rt.fail("fashionMnist: offset " + offset + " + count " + count + " is past the data: " + shortfall);
        }
        int n = Math.max(0, Math.min(count, all.size() - offset));
        Value images = rt.toJs(List.of());
        Value labels = rt.toJs(List.of());
        for (int i = 0; i < n; i++) {
            images.setArrayElement(i, new JsTensor(api, SessionTensor.floats("fashion-mnist " + split + " " + (offset + i),
                    all.image(offset + i), "qsh.fashionMnist")));
            labels.setArrayElement(i, all.labels()[offset + i]);
        }
        Value out = rt.toJs(Map.of());
        out.putMember("images", images);
        out.putMember("labels", labels);
        return out;
    }

    /** {@code qsh.readRaw("img0.raw")}: a raw float32 little-endian file (the spec's input format) as a 1-D tensor view. */
    JsTensor readRaw(String path) {
        Path p = filePath(path, "readRaw");
        try {
            byte[] b = rt.guarded(() -> RegularFiles.read(p, "raw file", MemoryBudget.bytes()));
            if (b.length % 4 != 0) {
                throw rt.fail(path + ": " + b.length + " bytes is not a whole number of float32 values");
            }
            float[] f = new float[b.length / 4];
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            return new JsTensor(api, SessionTensor.floats(path, Tensor.of(new int[] {f.length}, f), "qsh.readRaw"));
        } catch (IllegalArgumentException e) {
            throw rt.fail(e.getMessage());
        }
    }

    /** {@code qsh.readText("labels.txt")}: a text file (UTF-8), e.g. an input list or labels. */
    String readText(String path) {
        Path p = filePath(path, "readText");
        try {
            return rt.guarded(() -> RegularFiles.readText(p, "text file"));
        } catch (IllegalArgumentException e) {
            throw rt.fail(e.getMessage());
        }
    }

    /**
     * {@code path} resolved against the session's folder; a string no file can have (a NUL character, found by
     * JsApiFuzzer) is a JavaScript Error naming the function, not Java's InvalidPathException.
     */
    private Path filePath(String path, String function) {
        String given = api.required(path, function, "a file path");
        try {
            return api.session().resolve(given);
        } catch (java.nio.file.InvalidPathException e) {
            throw rt.fail("qsh." + function + ": not a valid file path (" + e.getReason() + ")");
        }
    }

    private Map<String, Object> asMap(Value v, String what) {
        if (!(rt.toJava(v) instanceof Map<?, ?> m)) {
            throw rt.fail(what + " must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) m;
        return out;
    }

    private int intOption(Map<String, Object> o, String k, int otherwise) {
        Object v = o.get(k);
        if (v == null) {
            return otherwise;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.intValue() < 0) {
            throw rt.fail(k + " must be a whole number ≥ 0, not " + v);
        }
        return n.intValue();
    }
}
