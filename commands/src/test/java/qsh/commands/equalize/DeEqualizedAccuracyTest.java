package qsh.commands.equalize;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.commands.Interpreter;
import qsh.core.workflow.ModelState;
import qsh.core.equalize.CleChain;
import qsh.core.equalize.ClePatternMatcher;
import qsh.core.equalize.Relu6Replacer;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.tensor.Tensor;

/**
 * Equalization does its job, measured (issue 5): a function-preserving "de-equalized" copy of the demo model —
 * output channel i of each CLE-chain conv scaled by s_i (log-uniform in [1/32, 32]) and the next conv's input
 * channel i divided by s_i — loses W8A8 per-tensor accuracy sharply; {@code cle apply} brings it back within 0.5
 * points of the equalizable model's W8A8 per-tensor accuracy. Calibrated on 200 training images; scored on the
 * first 2000 test images (all 10 000 with {@code -Dqsh.evalLimit=10000}, which the README's figures use).
 */
class DeEqualizedAccuracyTest {
    static final int LIMIT = Integer.getInteger("qsh.evalLimit", 2000);

    @TempDir
    Path dir;

    @Test
    void cleRecoversADeEqualizedModel() {
        Interpreter in = new Interpreter();
        in.execute("dataset fashion-mnist --count 200 --out " + dir);
        String list = dir.resolve("input_list.txt").toString();
        double original = w8a8(in, list);
        // the equalizable form: batch norms folded, ReLU6 → ReLU (CLE's own first steps; same scaling freedom)
        in.execute("fold-bn");
        ModelState m = in.session().model().orElseThrow();
        Graph relu = Relu6Replacer.replace(m.graph()).graph();
        in.session().model(m.withGraph(relu));
        double equalizable = w8a8(in, list);
        double floatRelu = floatTop1(in);
        Graph de = deEqualize(relu, new Random(7));
        in.session().model(in.session().model().orElseThrow().withGraph(de));
        double floatDe = floatTop1(in);
        double deEqualized = w8a8(in, list);
        in.execute("cle apply");
        double recovered = w8a8(in, list);
        System.out.printf("de-equalized demo (" + LIMIT + " test images), W8A8 per-tensor top-1: original %.2f%%, folded+ReLU %.2f%% (float %.2f%%),"
                + " de-equalized %.2f%% (float %.2f%%), after cle apply %.2f%%%n", original, equalizable, floatRelu,
                deEqualized, floatDe, recovered);
        assertTrue(Math.abs(floatDe - floatRelu) < 0.05, "de-equalizing must preserve the float function");
        assertTrue(deEqualized < equalizable - 5, "W8A8 per-tensor should drop sharply on the de-equalized model");
        assertTrue(recovered >= equalizable - 0.5, "cle apply should recover to within 0.5 points: " + recovered);
    }

    private static double w8a8(Interpreter in, String list) {
        in.execute("calibrate " + list);
        return quantizedTop1(in);
    }

    /** The session's quantized top-1 on the first {@link #LIMIT} test images (shared with the high-beta test). */
    static double quantizedTop1(Interpreter in) {
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) in.execute("eval fashion-mnist --limit " + LIMIT).result().data();
        @SuppressWarnings("unchecked")
        Map<String, Object> q = (Map<String, Object>) data.get("quantized");
        return (Double) q.get("top1");
    }

    /** The session model's float top-1 on the first {@link #LIMIT} test images. */
    static double floatTop1(Interpreter in) {
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) in.execute("eval fashion-mnist --float-only --limit " + LIMIT).result().data();
        @SuppressWarnings("unchecked")
        Map<String, Object> f = (Map<String, Object>) data.get("float");
        return (Double) f.get("top1");
    }

    /** Scales every chain link conv1 → conv2: conv1's output channel i (weights, bias) by s_i, conv2's input channel i by 1/s_i. */
    static Graph deEqualize(Graph g, Random rnd) {
        Graph out = g;
        for (CleChain c : ClePatternMatcher.match(g).chains()) {
            for (int k = 0; k + 1 < c.layers().size(); k++) {
                out = scaleLink(out, out.node(c.layers().get(k)), out.node(c.layers().get(k + 1)), rnd);
            }
        }
        return out;
    }

    private static Graph scaleLink(Graph g, Node a, Node b, Random rnd) {
        Tensor wa = ((Tensor) g.weights().get(a.input(1))).copy();
        int channels = wa.dim(0);
        double[] s = new double[channels];
        for (int i = 0; i < channels; i++) {
            s[i] = Math.pow(2, -5 + 10 * rnd.nextDouble()); // log-uniform in [1/32, 32]
        }
        int per = wa.size() / channels;
        for (int i = 0; i < wa.size(); i++) {
            wa.data()[i] *= (float) s[i / per];
        }
        Graph out = g.withWeight(a.input(1), wa);
        if (!a.input(2).isEmpty()) {
            Tensor ba = ((Tensor) g.weights().get(a.input(2))).copy();
            for (int i = 0; i < channels; i++) {
                ba.data()[i] *= (float) s[i];
            }
            out = out.withWeight(a.input(2), ba);
        }
        Tensor wb = ((Tensor) g.weights().get(b.input(1))).copy();
        int[] shape = wb.shape();
        boolean depthwise = shape[1] == 1 && b.attrInt("group", 1) == channels;
        int inner = shape[2] * shape[3];
        for (int i = 0; i < wb.size(); i++) {
            int inChannel = depthwise ? i / inner : (i / inner) % shape[1];
            wb.data()[i] /= (float) s[inChannel];
        }
        return out.withWeight(b.input(1), wb);
    }
}
