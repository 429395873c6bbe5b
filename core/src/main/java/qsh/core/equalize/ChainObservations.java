package qsh.core.equalize;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.exec.ShapeInference;
import qsh.core.tensor.Tensor;

/**
 * What high-bias absorption needs to know about the data flowing through the CLE chains: the shape of each chain
 * layer's input (a zero-padding layer's bias map depends on it) and, when calibration inputs are at hand, the
 * smallest pre-activation seen on each channel of each layer that feeds another (a data-driven bound on c: where
 * every z ≥ c, ReLU(z) − c = ReLU(z − c) holds exactly).
 *
 * @param minima per chain layer (not the last of its chain): per output channel, min over inputs and positions of
 *               its pre-activation; empty without data
 * @param shapes value name → shape, for the inputs of the chain layers that are known
 * @param inputs how many inputs the minima were observed on (0: data-free)
 */
public record ChainObservations(Map<String, float[]> minima, Map<String, int[]> shapes, int inputs) {
    /** No data: shapes from static inference on the declared input shapes (empty where they are open). */
    public static ChainObservations dataFree(Graph g) {
        return new ChainObservations(Map.of(), ShapeInference.infer(g).shapes(), 0);
    }

    /** Runs {@code g} on {@code inputs} and records the chain layers' input shapes and pre-activation minima. */
    public static ChainObservations observe(Graph g, List<CleChain> chains, List<Map<String, Tensor>> inputs) {
        if (inputs.isEmpty()) {
            return dataFree(g);
        }
        Map<String, String> watched = new HashMap<>(); // pre-activation value → layer
        Set<String> layerInputs = new HashSet<>();
        for (CleChain c : chains) {
            for (int k = 0; k < c.layers().size(); k++) {
                Node n = g.node(c.layers().get(k));
                layerInputs.add(n.input(0));
                if (k + 1 < c.layers().size()) {
                    watched.put(BiasMap.output(g, n), n.name());
                }
            }
        }
        Map<String, float[]> minima = new HashMap<>();
        Map<String, int[]> shapes = new HashMap<>();
        for (Map<String, Tensor> in : inputs) {
            in.forEach((k, v) -> shapes.put(k, v.shape()));
            Executor.run(g, in, (name, node, value) -> {
                if (!(value instanceof Tensor t)) {
                    return;
                }
                if (layerInputs.contains(name)) {
                    shapes.put(name, t.shape());
                }
                String layer = watched.get(name);
                if (layer != null && t.rank() >= 2) {
                    minima.merge(layer, channelMinima(t), ChainObservations::min);
                }
            });
        }
        return new ChainObservations(Map.copyOf(minima), Map.copyOf(shapes), inputs.size());
    }

    /** Whether the minima come from data. */
    public boolean hasData() {
        return inputs > 0;
    }

    /** Per channel (axis 1) the smallest value of {@code t}. */
    private static float[] channelMinima(Tensor t) {
        int c = t.dim(1);
        int inner = t.size() / t.dim(0) / c;
        float[] m = new float[c];
        java.util.Arrays.fill(m, Float.POSITIVE_INFINITY);
        float[] d = t.data();
        for (int b = 0; b < t.dim(0); b++) {
            for (int ch = 0; ch < c; ch++) {
                int base = (b * c + ch) * inner;
                float v = m[ch];
                for (int i = base; i < base + inner; i++) {
                    v = Math.min(v, d[i]);
                }
                m[ch] = v;
            }
        }
        return m;
    }

    private static float[] min(float[] a, float[] b) {
        float[] m = a.clone();
        for (int i = 0; i < m.length; i++) {
            m[i] = Math.min(m[i], b[i]);
        }
        return m;
    }
}
