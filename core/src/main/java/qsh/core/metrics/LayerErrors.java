package qsh.core.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;

/**
 * Per-tensor SQNR between a float model and quantized variants of it, accumulated over many inputs:
 * SQNR = 10·log10(Σ x² / Σ (x - x̂)²) over every element of every input (not an average of per-input dBs, which
 * would overweight easy inputs). Compares the values by name, so the variants must keep the float model's names
 * for the tensors of interest (the QDQ graphs do).
 */
public final class LayerErrors {
    /** Signal and noise energy of one tensor under each variant. */
    private static final class Energy {
        double signal;
        final double[] noise;

        Energy(int variants) {
            noise = new double[variants];
        }
    }

    /**
     * One tensor's result.
     *
     * @param tensor the tensor name
     * @param sqnrDb SQNR in dB per variant (+Inf when there was no error)
     */
    public record Row(String tensor, double[] sqnrDb) {}

    private final Graph reference;
    private final List<Graph> variants;
    private final Set<String> tensors;
    private final Map<String, Energy> energy = new LinkedHashMap<>();

    /** Compares {@code variants} against {@code reference} on {@code tensors}. */
    public LayerErrors(Graph reference, List<Graph> variants, Set<String> tensors) {
        this.reference = reference;
        this.variants = List.copyOf(variants);
        this.tensors = Set.copyOf(tensors);
    }

    /** Runs every model on one input set and adds the energies. */
    public void add(Map<String, Tensor> inputs) {
        Map<String, Object> ref = Executor.run(reference, inputs, null, tensors);
        for (int v = 0; v < variants.size(); v++) {
            Map<String, Object> out = Executor.run(variants.get(v), inputs, null, tensors);
            for (String t : tensors) {
                Object a = ref.get(t);
                Object b = out.get(t);
                if (!(a instanceof Tensor) || !(b instanceof Tensor)) {
                    continue;
                }
                float[] x = ((Tensor) a).data();
                float[] y = ((Tensor) b).data();
                Energy e = energy.computeIfAbsent(t, k -> new Energy(variants.size()));
                double s = 0;
                double n = 0;
                for (int i = 0; i < x.length; i++) {
                    double d = x[i] - y[i];
                    s += (double) x[i] * x[i];
                    n += d * d;
                }
                if (v == 0) {
                    e.signal += s;
                }
                e.noise[v] += n;
            }
        }
    }

    /** The rows, worst (lowest SQNR under variant 0) first. */
    public List<Row> rows() {
        List<Row> out = new ArrayList<>();
        energy.forEach((t, e) -> {
            double[] db = new double[variants.size()];
            for (int v = 0; v < db.length; v++) {
                db[v] = e.noise[v] == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(e.signal / e.noise[v]);
            }
            out.add(new Row(t, db));
        });
        out.sort(Comparator.comparingDouble(r -> r.sqnrDb()[0]));
        return out;
    }
}
