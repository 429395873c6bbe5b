package qsh.core.exec.kernels;

/**
 * An element-wise activation applied by a producing kernel to the rows it has just written (the epilogue of a
 * fused Conv or channel-affine step), so the activation's input never becomes a separate tensor. Each kind
 * uses the exact float (or double) arithmetic of the ONNX op(s) it replaces as qsh's element-wise ops compute
 * them, so a fused result equals the unfused one bit for bit given the same input. One loop per kind keeps the
 * loops monomorphic (C2 vectorizes the float ones).
 */
public final class Activation {
    private static final int NONE_KIND = 0;
    private static final int RELU = 1;
    private static final int CLIP = 2;
    private static final int HARD_SIGMOID = 3;
    private static final int HARD_SWISH = 4;

    /** No activation. */
    public static final Activation NONE = new Activation(NONE_KIND, 0, 0, 0, 0, "none");
    /** ONNX Relu: max(x, 0) (NaN stays NaN, as in Clip). */
    public static final Activation RELU_ACT = new Activation(RELU, 0, 0, 0, 0, "Relu");

    private final int kind;
    private final float a;
    private final float b;
    private final float c;
    private final float d;
    private final String text;

    private Activation(int kind, float a, float b, float c, float d, String text) {
        this.kind = kind;
        this.a = a;
        this.b = b;
        this.c = c;
        this.d = d;
        this.text = text;
    }

    /** ONNX Clip: min(hi, max(lo, x)). */
    public static Activation clip(float lo, float hi) {
        return new Activation(CLIP, lo, hi, 0, 0, "Clip(" + lo + ", " + hi + ")");
    }

    /** ONNX HardSigmoid: max(0, min(1, alpha * x + beta)), as one fused multiply-add in float as the op is. */
    public static Activation hardSigmoid(float alpha, float beta) {
        return new Activation(HARD_SIGMOID, alpha, beta, 0, 0, "HardSigmoid(" + alpha + ", " + beta + ")");
    }

    /**
     * The exported hard-swish chain Div(Mul(x, Clip(Add(x, add), lo, hi)), div), i.e. x * relu6(x + 3) / 6 for
     * the usual constants, each step rounded to float as the four ops are.
     */
    public static Activation hardSwishChain(float add, float lo, float hi, float div) {
        return new Activation(HARD_SWISH, add, lo, hi, div, "HardSwish(x * Clip(x + " + add + ", " + lo + ", " + hi
                + ") / " + div + ")");
    }

    private static volatile boolean vectorLoops = true;

    /**
     * Clip by the Vector API loop when ready (the default) or the plain one, for A/B runs (same bits). Relu keeps its
     * plain loop: C2 vectorizes a lone Math.max well (0.118 ns per element against the vector max and min's 0.135).
     */
    static void vectorLoops(boolean on) {
        vectorLoops = on;
    }

    /** Whether this is {@link #NONE}. */
    public boolean isNone() {
        return kind == NONE_KIND;
    }

    /** Applies the activation in place to y[from, to). */
    public void apply(float[] y, int from, int to) {
        // one small method per loop: C2 then unrolls and vectorizes each on its own
        switch (kind) {
            case RELU -> relu(y, from, to);
            case CLIP -> clip(y, from, to, a, b);
            case HARD_SIGMOID -> hardSigmoid(y, from, to, a, b);
            case HARD_SWISH -> hardSwish(y, from, to, a, b, c, d);
            default -> {
            }
        }
    }

    /** max(x, 0): for every non-NaN x the value x > 0 ? x : 0 (Math.max vectorizes, the conditional does not). */
    static void relu(float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] = Math.max(y[i], 0f);
        }
    }

    private static void clip(float[] y, int from, int to, float lo, float hi) {
        if (vectorLoops && FloatMath.vectorReady()) {
            VectorActivations.clamp(y, from, to, lo, hi);
            return;
        }
        for (int i = from; i < to; i++) {
            y[i] = Math.min(hi, Math.max(lo, y[i]));
        }
    }

    private static void hardSigmoid(float[] y, int from, int to, float alpha, float beta) {
        FloatMath.hardSigmoid(y, y, from, to, alpha, beta);
    }

    private static void hardSwish(float[] y, int from, int to, float add, float lo, float hi, float div) {
        if (FloatMath.vectorReady()) {
            VectorActivations.hardSwishChain(y, from, to, add, lo, hi, div); // one pass (PP-OCR's activation)
            return;
        }
        for (int i = from; i < to; i++) {
            float x = y[i];
            y[i] = x * Math.min(hi, Math.max(lo, x + add));
        }
        FloatMath.flushSubnormals(y, y, from, to); // the chain's Mul, as the Mul op
        for (int i = from; i < to; i++) {
            y[i] = y[i] / div;
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
