package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Each activation kind computes exactly what the ONNX op(s) it replaces compute in qsh's element-wise ops. */
class ActivationTest {
    private static final float[] X = {-7f, -3f, -2.5f, -0f, 0f, 1e-8f, 0.4f, 2.9999f, 3f, 5.5f, 6f, 100f, Float.NaN};

    private static float[] applied(Activation a) {
        float[] y = X.clone();
        a.apply(y, 0, y.length);
        return y;
    }

    @Test
    void reluClipHardSigmoidHardSwish() {
        float[] relu = applied(Activation.RELU_ACT);
        float[] clip = applied(Activation.clip(-1f, 2f));
        float[] hs = applied(Activation.hardSigmoid(0.2f, 0.5f));
        float[] hw = applied(Activation.hardSwishChain(3f, 0f, 6f, 6f));
        for (int i = 0; i < X.length; i++) {
            float x = X[i];
            assertEquals(Math.max(x, 0f), relu[i], "Relu " + x);
            assertEquals(Math.min(2f, Math.max(-1f, x)), clip[i], "Clip " + x);
            double alpha = 0.2f;
            double beta = 0.5f;
            assertEquals((float) Math.max(0, Math.min(1, alpha * x + beta)), hs[i], "HardSigmoid " + x);
            float add = x + 3f;
            float clipped = Math.min(6f, Math.max(0f, add));
            float mul = x * clipped;
            assertEquals(mul / 6f, hw[i], "hard-swish chain " + x);
        }
        float[] none = applied(Activation.NONE);
        for (int i = 0; i < X.length; i++) {
            assertEquals(X[i], none[i]);
        }
    }
}
