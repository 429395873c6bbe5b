package qsh.core.exec.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Each activation kind computes exactly what the ONNX op(s) it replaces compute in qsh's element-wise ops. */
class ActivationTest {
    private static final float[] X = {-7f, -3f, -2.5f, -0f, 0f, 1e-8f, 0.4f, 2.9999f, 3f, 5.5f, 6f, 100f, Float.NaN,
        // products that are subnormal (flushed to zeros of their sign, as the Mul op does) and just normal
        1e-38f, -1e-38f, 4e-38f, -4e-38f, Float.MIN_VALUE, -Float.MIN_NORMAL, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, -2.9999998f, 0.25f, -1.5f, 7f, 1e-20f, -1e-39f};

    private static float[] applied(Activation a) {
        float[] y = X.clone();
        a.apply(y, 0, y.length);
        return y;
    }

    @Test
    void reluClipHardSigmoidHardSwish() throws InterruptedException {
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
            mul = mul != 0 && Math.abs(mul) < Float.MIN_NORMAL ? mul * 0f : mul;
            assertEquals(mul / 6f, hw[i], "hard-swish chain " + x);
        }
        // the vector hard-swish chain and Clip (one pass over whole vectors) and the plain loops give the same bits,
        // tails included
        if (VectorSupport.ENABLED) {
            WarmUps.awaitAndUse(VectorKernels.WARM_UP, VectorMath.WARM_UP);
            assertEquals(true, FloatMath.vectorReady());
        }
        float[] many = new float[X.length * 7 + 5];
        for (int i = 0; i < many.length; i++) {
            many[i] = X[i % X.length] * (i % 3 == 0 ? 1f : 0.37f);
        }
        for (Activation a : new Activation[] {Activation.hardSwishChain(3f, 0f, 6f, 6f), Activation.clip(0f, 6f),
            Activation.clip(-0f, 0f), Activation.clip(-1e-38f, 2.5f)}) {
            float[] vector = many.clone();
            a.apply(vector, 1, vector.length);
            VectorSupport.suspend(true);
            float[] plain = many.clone();
            try {
                a.apply(plain, 1, plain.length);
            } finally {
                VectorSupport.suspend(false);
            }
            for (int i = 0; i < many.length; i++) {
                assertEquals(Float.floatToIntBits(plain[i]), Float.floatToIntBits(vector[i]), a + ", x = " + many[i]);
                // the signs of zeros too (floatToIntBits tells +0 from -0)
            }
        }
        float[] none = applied(Activation.NONE);
        for (int i = 0; i < X.length; i++) {
            assertEquals(X[i], none[i]);
        }
    }

    /**
     * An epilogue's multiply by a per-channel constant (a Mul fused into a convolution) gives the Mul op's bits: the
     * product flushed to a zero of its sign where subnormal, in the vector pass and the plain loops alike.
     */
    @Test
    void epilogueMultiplyFlushesAsTheMulOp() throws InterruptedException {
        if (VectorSupport.ENABLED) {
            WarmUps.awaitAndUse(VectorKernels.WARM_UP, VectorMath.WARM_UP);
        }
        float[] many = new float[X.length * 5 + 3];
        for (int i = 0; i < many.length; i++) {
            many[i] = X[i % X.length] * (i % 2 == 0 ? 1f : 1e-30f);
        }
        Epilogue ep = new Epilogue.Builder().mul(new float[] {0.5f, 3e-9f}).then(Activation.NONE);
        for (int c = 0; c < 2; c++) {
            float m = c == 0 ? 0.5f : 3e-9f;
            float[] vector = many.clone();
            ep.apply(vector, 1, vector.length, c);
            VectorSupport.suspend(true);
            float[] plain = many.clone();
            try {
                ep.apply(plain, 1, plain.length, c);
            } finally {
                VectorSupport.suspend(false);
            }
            for (int i = 1; i < many.length; i++) {
                float p = many[i] * m;
                float want = p != 0 && Math.abs(p) < Float.MIN_NORMAL ? p * 0f : p;
                assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(plain[i]), "plain, x = " + many[i]);
                assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(vector[i]), "vector, x = " + many[i]);
            }
        }
    }
}
