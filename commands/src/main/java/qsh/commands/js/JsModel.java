package qsh.commands.js;

import java.util.LinkedHashMap;
import java.util.Map;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;

/** A model handed to a JS evaluation function: {@code model.run(sample)} → {@code {outputName: array}}. */
public final class JsModel {
    private final QshApi api;
    private Graph graph; // null once the callback it was handed to has returned
    private final boolean quantized;
    private final java.util.List<Map<String, Tensor>> record;

    JsModel(QshApi api, Graph graph, boolean quantized) {
        this(api, graph, quantized, null);
    }

    /** A model that also appends every sample it runs to {@code record} (a forward-pass callback's data), if not null. */
    JsModel(QshApi api, Graph graph, boolean quantized, java.util.List<Map<String, Tensor>> record) {
        this.api = api;
        this.graph = graph;
        this.quantized = quantized;
        this.record = record;
    }

    /** Whether this is the simulated quantized model (false: the float model). */
    @HostAccess.Export
    public boolean quantized() {
        return quantized;
    }

    /** Runs one sample ({@code {inputName: array | typed array | tensor view}}); returns every output as an array. */
    @HostAccess.Export
    public Value run(Value sample) {
        Graph graph = this.graph;
        if (graph == null) {
            throw api.runtime().fail("model.run: this model was handed to a callback that has returned; a model handle"
                    + " lives only while its callback runs (use it inside the callback)");
        }
        Map<String, Tensor> in = JsCallbacks.sample(api, sample, graph);
        if (record != null) {
            record.add(in);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            Executor.run(graph, in, null).forEach((k, v) -> out.put(k, v instanceof Tensor t ? t.data() : v));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw api.runtime().fail(e.getMessage());
        }
        return api.runtime().toJs(out);
    }

    /** Ends the handle (its callback returned): a kept reference can no longer run, or hold, the model. */
    void close() {
        graph = null;
    }

    @HostAccess.Export
    @Override
    public String toString() {
        return quantized ? "model (simulated quantized)" : "model (float)";
    }
}
