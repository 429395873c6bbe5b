package qsh.commands.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;

/**
 * The functions a YAML config names ({@code path/to/file.js:functionName}) as AdaRound, AMP and AutoQuant call
 * them: the JavaScript bridge implements this ({@code js.ScriptFunctions}), and the algorithms reach it through
 * {@link Scripts#withScripts} without naming the bridge. Each method's contract is on the implementation.
 */
public interface ConfigCallbacks {
    /** One batch: its samples (input name → tensor, batch 1 each) and its target as plain data (null: unlabelled). */
    record Batch(List<Map<String, Tensor>> samples, Object target) {}

    /** A per-batch metric (the spec's eval_callback_for_phase2 / eval_callback). */
    @FunctionalInterface
    interface BatchMetric {
        double score(List<float[]> outputs, Object target);
    }

    /** The batches a data-loader function {@code fn} of {@code file} returns for {@code kwargs}. */
    List<Batch> batches(Path file, String fn, Map<String, Object> kwargs, Graph model, int maxSamples);

    /** An evaluator {@code function(output, target) → number} as a per-batch metric. */
    BatchMetric metric(Path file, String fn);

    /** A model evaluator {@code function(model) → number}. */
    ToDoubleFunction<Graph> modelMetric(Path file, String fn);

    /** The samples a forward-pass function {@code function(model[, inputs])} runs the model on. */
    List<Map<String, Tensor>> forwardPass(Path file, String fn, Graph model, List<Batch> batches);
}
