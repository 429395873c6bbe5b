package qsh.core.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import qsh.core.exec.Cancelled;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;

/**
 * Top-1 / top-5 accuracy of a classifier over labelled samples (spec, "Quantization Impacts": top-1 and top-5
 * error), the samples spread over the available cores. Ties rank the lower class index first (argmax order).
 */
public final class TopK {
    /**
     * The outcome over {@code n} samples.
     *
     * @param samples     how many were scored
     * @param top1        correct at rank 1
     * @param top5        correct within the first five ranks
     * @param predictions the rank-1 class per sample
     */
    public record Result(int samples, int top1, int top5, int[] predictions) {
        /** Top-1 accuracy in percent. */
        public double top1Percent() {
            return 100.0 * top1 / samples;
        }

        /** Top-5 accuracy in percent. */
        public double top5Percent() {
            return 100.0 * top5 / samples;
        }
    }

    private TopK() {}

    /**
     * Runs {@code g} on sample i ({@code inputs.apply(i)}) for i in [0, n), compares its first output's argmax
     * with {@code labels[i]}. Interrupting the calling thread stops with an {@link IllegalStateException}.
     */
    public static Result evaluate(Graph g, int n, IntFunction<Map<String, Tensor>> inputs, int[] labels, IntConsumer progress) {
        int[] pred = new int[n];
        boolean[] in5 = new boolean[n];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), n));
        Thread caller = Thread.currentThread();
        List<Thread> workers = new ArrayList<>();
        RuntimeException[] failure = new RuntimeException[1];
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < n && failure[0] == null && !caller.isInterrupted()) {
                    try {
                        Map<String, Object> result = Executor.run(g, inputs.apply(i), null);
                        float[] logits = ((Tensor) result.values().iterator().next()).data();
                        if (labels[i] < 0 || labels[i] >= logits.length) {
                            throw new IllegalArgumentException("label " + labels[i] + " of sample " + (i + 1)
                                    + " is not a class of the model, whose output scores " + logits.length
                                    + " classes (labels 0 to " + (logits.length - 1) + "): fix the labels");
                        }
                        pred[i] = rankOf(logits, -1);
                        in5[i] = rankOf(logits, labels[i]) < 5;
                        Executor.recycle(g, result); // the logits are read: their buffer serves the next run
                    } catch (RuntimeException e) {
                        synchronized (failure) {
                            failure[0] = failure[0] == null ? e : failure[0];
                        }
                    }
                    done.incrementAndGet();
                }
            }, "qsh-eval-" + t);
            w.setDaemon(true);
            workers.add(w);
            w.start();
        }
        try {
            for (Thread w : workers) {
                while (w.isAlive()) {
                    w.join(200);
                    progress.accept(Math.min(n, done.get()));
                }
            }
        } catch (InterruptedException e) {
            caller.interrupt();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        if (caller.isInterrupted()) {
            throw new Cancelled("evaluation interrupted after " + done.get() + " of " + n + " samples");
        }
        int top1 = 0;
        int top5 = 0;
        for (int i = 0; i < n; i++) {
            top1 += pred[i] == labels[i] ? 1 : 0;
            top5 += in5[i] ? 1 : 0;
        }
        return new Result(n, top1, top5, pred);
    }

    /** With label &lt; 0: the argmax; else the rank of {@code label} (how many classes score higher, ties before). */
    static int rankOf(float[] logits, int label) {
        if (label < 0) {
            int best = 0;
            for (int k = 1; k < logits.length; k++) {
                if (logits[k] > logits[best]) {
                    best = k;
                }
            }
            return best;
        }
        int rank = 0;
        for (int k = 0; k < logits.length; k++) {
            if (logits[k] > logits[label] || (logits[k] == logits[label] && k < label)) {
                rank++;
            }
        }
        return rank;
    }
}
