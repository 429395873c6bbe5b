package qsh.core.modelio;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.graph.ValueInfo;
import qsh.core.onnx.TensorProtos;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.MemoryBudget;
import qsh.core.tensor.Tensor;
import qsh.core.testing.FuzzVerdict;

/**
 * Jazzer target: an ONNX file as a user's {@code load} would read it, then, when it loads, one {@code infer} on
 * inputs drawn from the same bytes, under a 64 MB memory budget. Property: success, or one of qsh's user-facing
 * errors ({@link FuzzVerdict}); never an internal failure, an OutOfMemoryError or a hang. The corpus (seeds and
 * every finding) is in {@code OnnxModelFuzzerInputs/fuzz} beside this class's resources; see docs/fuzzing.md.
 */
class OnnxModelFuzzer {
    /** Small enough that a model claiming a huge output is refused long before the fuzzing JVM's heap fills. */
    static final long BUDGET_BYTES = 64L << 20;
    /** Inputs larger than this are not run (the model loaded, which is what the reader part checks). */
    static final int MAX_INPUT_ELEMENTS = 1 << 16;

    @BeforeAll
    static void smallBudget() {
        MemoryBudget.set(BUDGET_BYTES);
    }

    @AfterAll
    static void defaultBudget() {
        MemoryBudget.set(0);
    }

    @FuzzTest
    void fuzz(FuzzedDataProvider data) {
        // the first bytes choose the inputs' values and free dimensions, the rest is the model file
        int freeDim = data.consumeInt(1, 3);
        long seed = data.consumeLong();
        byte[] model = data.consumeRemainingAsBytes();
        Graph g;
        try {
            g = OnnxReader.read(new ByteArrayInputStream(model), "fuzz.onnx");
        } catch (IOException e) {
            throw new AssertionError("a byte array cannot fail to read", e);
        } catch (RuntimeException e) {
            FuzzVerdict.requireUsersError(e);
            return;
        }
        Map<String, Object> inputs = new LinkedHashMap<>();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        for (ValueInfo vi : g.inputs()) {
            int[] shape = new int[vi.dims().length];
            long n = 1;
            for (int i = 0; i < shape.length; i++) {
                long d = vi.dims()[i];
                shape[i] = d < 0 ? freeDim : (int) Math.min(d, Integer.MAX_VALUE);
                n = Math.min((long) MAX_INPUT_ELEMENTS + 1, n * shape[i]);
            }
            if (n > MAX_INPUT_ELEMENTS) {
                return;
            }
            if (TensorProtos.isInteger(vi.elemType()) || vi.elemType() == 9 /* BOOL */) {
                long[] v = new long[(int) n];
                for (int i = 0; i < v.length; i++) {
                    v[i] = rnd.nextInt(4);
                }
                inputs.put(vi.name(), LongTensor.of(shape, v));
            } else {
                float[] v = new float[(int) n];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) rnd.nextDouble(-4, 4);
                }
                inputs.put(vi.name(), Tensor.of(shape, v));
            }
        }
        try {
            Executor.run(g, inputs, null);
        } catch (RuntimeException e) {
            FuzzVerdict.requireUsersError(e);
        }
    }
}
