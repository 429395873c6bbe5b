package qsh.commands.algorithms;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import qsh.commands.spi.ConfigCallbacks;
import qsh.commands.spi.ConfigCallbacks.Batch;
import qsh.commands.spi.CommandException;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;

/**
 * The data side of a YAML config run: a dataset's batches from its JS loader, the samples of the first batches,
 * and evaluators that score a model on labelled batches with the config's eval callback (the spec's
 * {@code eval_callback_for_phase2} / {@code eval_callback}: per batch, then averaged weighted by batch size).
 */
final class ConfigData {
    private ConfigData() {}

    /** The dataset's batches (the loader is called once; at most {@code maxSamples} samples are kept). */
    static List<Batch> batches(ConfigCallbacks js, AlgorithmConfig.Dataset ds, Graph g, int maxSamples) {
        return js.batches(ds.loader().file(), ds.loader().function(), ds.kwargs(), g, maxSamples);
    }

    /** The samples of the first {@code n} batches. */
    static List<Map<String, Tensor>> samples(List<Batch> batches, int n) {
        List<Map<String, Tensor>> out = new ArrayList<>();
        for (int b = 0; b < Math.min(n, batches.size()); b++) {
            out.addAll(batches.get(b).samples());
        }
        return out;
    }

    /** The first {@code max} samples as batches (cutting the last one short). */
    static List<Batch> firstSamples(List<Batch> batches, Integer max) {
        if (max == null) {
            return batches;
        }
        List<Batch> out = new ArrayList<>();
        int left = max;
        for (Batch b : batches) {
            if (left <= 0) {
                break;
            }
            if (b.samples().size() <= left) {
                out.add(b);
            } else {
                Object t = b.target() instanceof List<?> l ? l.subList(0, left) : b.target();
                out.add(new Batch(b.samples().subList(0, left), t));
            }
            left -= b.samples().size();
        }
        return out;
    }

    /** Refuses batches without targets (an evaluator needs labels). */
    static void requireLabels(List<Batch> batches, AlgorithmConfig.Dataset ds, String who) {
        for (Batch b : batches) {
            if (b.target() == null) {
                throw new CommandException(who + " needs a labelled dataset: " + ds.loader().text() + " must return batches "
                        + "[inputs, target] (dataset '" + ds.name() + "')");
            }
        }
    }

    /**
     * A model's score on labelled batches: the eval callback per batch (or the built-in top-1 accuracy, in
     * percent), averaged weighted by batch size. Samples run on both cores; the callback on this thread.
     */
    static ToDoubleFunction<Graph> evaluator(ConfigCallbacks js, AlgorithmConfig.Callback eval, List<Batch> batches) {
        ConfigCallbacks.BatchMetric metric = eval.builtin() ? ConfigData::accuracy : js.metric(eval.file(), eval.function());
        return g -> {
            double sum = 0;
            int n = 0;
            for (Batch b : batches) {
                List<float[]> out = outputs(g, b.samples());
                sum += metric.score(out, b.target()) * out.size();
                n += out.size();
            }
            return sum / n;
        };
    }

    /** Every sample's first output, computed in parallel. */
    static List<float[]> outputs(Graph g, List<Map<String, Tensor>> samples) {
        try {
            return IntStream.range(0, samples.size()).parallel()
                    .mapToObj(i -> ((Tensor) Executor.run(g, samples.get(i), null).values().iterator().next()).data())
                    .toList();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CommandException(e.getMessage());
        }
    }

    /** The spec's accuracy (top-1, percent of the batch) as the built-in evaluator. */
    static double accuracy(List<float[]> outputs, Object target) {
        if (!(target instanceof List<?> labels) || labels.size() != outputs.size()) {
            throw new CommandException(AlgorithmConfig.BUILTIN_ACCURACY + " needs one integer label per sample as the batch target");
        }
        int correct = 0;
        for (int i = 0; i < outputs.size(); i++) {
            float[] row = outputs.get(i);
            int arg = 0;
            for (int k = 1; k < row.length; k++) {
                if (row[k] > row[arg]) {
                    arg = k;
                }
            }
            if (!(labels.get(i) instanceof Number y) || y.doubleValue() != Math.rint(y.doubleValue())) {
                throw new CommandException(AlgorithmConfig.BUILTIN_ACCURACY + ": label " + labels.get(i) + " is not an integer");
            }
            correct += arg == y.intValue() ? 1 : 0;
        }
        return 100.0 * correct / outputs.size();
    }
}
