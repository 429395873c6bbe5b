package qsh.commands.js;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Value;
import qsh.core.graph.Graph;
import qsh.core.graph.ValueInfo;
import qsh.core.tensor.Tensor;

/**
 * The calling conventions for JavaScript functions handed to qsh, as Java interfaces that features can call
 * (accuracy today; AdaRound and AMP later):
 * <ul>
 *   <li>a data loader {@code function(i) → {inputName: Float32Array | array | tensor view, …}} or {@code null}
 *       after the last sample; arrays take the model input's declared shape;</li>
 *   <li>an evaluation function {@code function(model) → number}, where {@code model.run(sample)} returns
 *       {@code {outputName: array}} and {@code model.quantized()} says which model it is.</li>
 * </ul>
 * A function is valid during the qsh call it was passed to (the sandbox scopes values to the call), and is
 * called on that call's thread: the JavaScript context is single-threaded.
 */
public final class JsCallbacks {
    private JsCallbacks() {}

    /** Sample {@code i} as input name → tensor, or null after the last sample. */
    @FunctionalInterface
    public interface DataLoader {
        Map<String, Tensor> sample(int i);
    }

    /** A score of one model (the float graph, or the simulated quantized one). */
    @FunctionalInterface
    public interface Metric {
        double score(Graph model, boolean quantized);
    }

    /** A JS function as a data loader for {@code model}'s inputs. */
    static DataLoader dataLoader(QshApi api, Value fn, Graph model) {
        requireFunction(api, fn, "the data loader");
        return i -> {
            Value v = call(api, fn, i);
            return v.isNull() ? null : sample(api, v, model);
        };
    }

    /** A JS function as a metric; it receives a {@link JsModel}. */
    static Metric metric(QshApi api, Value fn) {
        requireFunction(api, fn, "the evaluation function");
        return (g, quantized) -> {
            JsModel model = new JsModel(api, g, quantized);
            try {
                Value v = call(api, fn, model);
                if (!v.isNumber()) {
                    throw api.runtime().fail("the evaluation function must return a number, not " + v);
                }
                return v.asDouble();
            } finally {
                model.close(); // a handle dies with its callback
            }
        };
    }

    /** Reads up to {@code max} samples (fewer when the loader returns null first). */
    public static List<Map<String, Tensor>> collect(DataLoader loader, int max) {
        List<Map<String, Tensor>> out = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            Map<String, Tensor> s = loader.sample(i);
            if (s == null) {
                break;
            }
            out.add(s);
        }
        return out;
    }

    /** One sample object as tensors, checked against the model's inputs. */
    static Map<String, Tensor> sample(QshApi api, Value v, Graph model) {
        if (!v.hasMembers()) {
            throw api.runtime().fail("a sample must be an object {inputName: values}, not " + v);
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (ValueInfo in : model.inputs()) {
            Value x = v.getMember(in.name());
            if (x == null) {
                throw api.runtime().fail("the sample has no value for input '" + in.name() + "' (it has "
                        + v.getMemberKeys() + ")");
            }
            if (x.isHostObject() && x.asHostObject() instanceof JsTensor t) {
                out.put(in.name(), t.tensor());
                continue;
            }
            float[] data = api.floats(x, "input '" + in.name() + "'");
            int[] shape = new int[in.dims().length];
            long n = 1;
            for (int k = 0; k < shape.length; k++) {
                shape[k] = (int) Math.max(1, in.dims()[k]);
                n *= shape[k];
            }
            if (n != data.length) {
                throw api.runtime().fail("input '" + in.name() + "' needs " + n + " values " + in.shapeString()
                        + ", the sample has " + data.length);
            }
            out.put(in.name(), Tensor.of(shape, data));
        }
        return out;
    }

    /** Calls the function; a JS error it throws goes back into the script unchanged. */
    private static Value call(QshApi api, Value fn, Object arg) {
        return fn.execute(arg);
    }

    private static void requireFunction(QshApi api, Value fn, String what) {
        if (fn == null || !fn.canExecute()) {
            throw api.runtime().fail(what + " must be a function");
        }
    }

    /** Top-1/top-5 of {@code g} on samples a JS data loader gave; a sample the model cannot take is a JS error. */
    static Map<String, Object> top(QshApi api, Graph g, List<Map<String, Tensor>> samples, int[] labels) {
        try {
            qsh.core.metrics.TopK.Result r = qsh.core.metrics.TopK.evaluate(g, samples.size(), samples::get, labels, done -> { });
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("top1", r.top1Percent());
            m.put("top5", r.top5Percent());
            m.put("correct", r.top1());
            return m;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw api.runtime().fail(e.getMessage());
        }
    }
}
