package qsh.core.exec.kernels;

import java.util.ArrayList;
import java.util.List;

/**
 * What a producing kernel applies to each output row it has just written, in place, before the row leaves the
 * cache: stages in order, each per-channel (an inference BatchNormalization x · mul + add, an Add or Mul of a
 * per-channel constant), an {@link Activation}, or a simulated quantization's QuantizeLinear → DequantizeLinear
 * ({@link FakeQuant}). Each stage is evaluated exactly as the op it replaces
 * evaluates it (same operands, same float operations, same order), so a fused result is bit-identical to running
 * the ops one by one: nothing is folded into weights.
 */
public final class Epilogue {
    private static final int AFFINE = 0;
    private static final int ADD = 1;
    private static final int MUL = 2;
    private static final int ACT = 3;
    private static final int FAKE_QUANT = 4;
    private static final int QUANT_HARD_SWISH = 5;
    private static final int SWISH = 6;

    /** Nothing to apply. */
    public static final Epilogue NONE = new Epilogue(List.of());

    private record Stage(int kind, float[] mul, float[] add, Activation act, FakeQuant fq, QuantizedHardSwish qhs) {}

    // the stages as arrays: the apply loop runs once per output row
    private final int[] kinds;
    private final float[][] muls;
    private final float[][] adds;
    private final Activation[] acts;
    private final FakeQuant[] fqs;
    private final QuantizedHardSwish[] qhss;
    /** Whether stage k is the same for every channel (an activation, a per-tensor quantization, constants all equal). */
    private final boolean[] uniform;
    /**
     * The stage from which a table gives the rest of the chain (-1: none): a per-tensor pair whose grid has at most
     * {@link #MOST_TABLE_ENTRIES} values, followed only by stages the same for every channel. Its output is one of
     * the grid's values (q - z) s, and every stage after it is element-wise, so the chain's result is a function of q:
     * {@link #table}[q - lo] holds the later stages applied, by their own kernels, to the grid value of q, and
     * {@link #lookup} computes q as {@link FakeQuant}'s float form does and reads it. The same bits by construction;
     * PP-OCR's eleven-stage chains (eight pairs, each a division, two clamps and the rounding) cost 3.2-3.8 ns an
     * element on one core, a lookup one division and a load.
     */
    private final int tableStage;
    private final float[] table;
    private static final int MOST_TABLE_ENTRIES = 1 << 12;

    private Epilogue(List<Stage> stages) {
        this.kinds = stages.stream().mapToInt(Stage::kind).toArray();
        this.muls = stages.stream().map(Stage::mul).toArray(float[][]::new);
        this.adds = stages.stream().map(Stage::add).toArray(float[][]::new);
        this.acts = stages.stream().map(Stage::act).toArray(Activation[]::new);
        this.fqs = stages.stream().map(Stage::fq).toArray(FakeQuant[]::new);
        this.qhss = stages.stream().map(Stage::qhs).toArray(QuantizedHardSwish[]::new);
        this.uniform = new boolean[kinds.length];
        for (int k = 0; k < kinds.length; k++) {
            uniform[k] = switch (kinds[k]) {
                case ACT -> true;
                case SWISH -> fqs[k] == null || fqs[k].channels() == 1;
                case FAKE_QUANT -> fqs[k].channels() == 1;
                case QUANT_HARD_SWISH -> qhss[k].perTensor();
                default -> sameForAll(muls[k]) && sameForAll(adds[k]);
            };
        }
        int found = -1;
        for (int k = kinds.length - 2; k >= 0; k--) {
            if (!uniform[k + 1]) {
                break;
            }
            if (kinds[k] == FAKE_QUANT && tableable(fqs[k])) {
                found = k;
            }
        }
        tableStage = found;
        table = found < 0 ? null : table(found);
    }

    /** Whether every value of a stage's per-channel constants is the same float (true for none). */
    private static boolean sameForAll(float[] v) {
        if (v == null) {
            return true;
        }
        for (float x : v) {
            if (Float.floatToRawIntBits(x) != Float.floatToRawIntBits(v[0])) {
                return false;
            }
        }
        return true;
    }

    private static boolean tableable(FakeQuant fq) {
        return fq.channels() == 1 && fq.floatExact() && Float.isFinite(fq.scale(0)) && fq.scale(0) != 0f
                && fq.above(0) - fq.below(0) < MOST_TABLE_ENTRIES;
    }

    /** The first stage the table gives (the stage count when there is none or tables are off). */
    private int tableFrom() {
        return useTables && tableStage >= 0 ? tableStage : kinds.length;
    }

    /** The grid of stage k's pair, (below + i) s, each value through the stages after k. */
    private float[] table(int k) {
        FakeQuant fq = fqs[k];
        int n = (int) (fq.above(0) - fq.below(0)) + 1;
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            t[i] = (fq.below(0) + i) * fq.scale(0); // (float)(q - z) * s: DequantizeLinear's value, q - z exact in float
        }
        for (int j = k + 1; j < kinds.length; j++) {
            stage(j, t, 0, n, 0);
        }
        return t;
    }

    /**
     * Stage {@link #tableStage} and every stage after it on y[from, to): the pair's code as {@link FakeQuant}'s float
     * form computes it (x / s, clamped, rounded by adding and subtracting 1.5 2^23; NaN to the zero point's code), then
     * the table's value for it.
     */
    private void lookup(float[] y, int from, int to) {
        FakeQuant fq = fqs[tableStage];
        float s = fq.scale(0);
        float below = fq.below(0);
        float above = fq.above(0);
        float[] t = table;
        int i = FloatMath.vectorReady() ? VectorMath.fakeQuantLookup(y, y, from, to, s, below, above, t) : from;
        int nanIndex = (int) -below;
        for (; i < to; i++) {
            float v = y[i] / s;
            y[i] = t[v != v ? nanIndex
                    : (int) (((Math.min(above, Math.max(below, v)) + FloatMath.ROUND) - FloatMath.ROUND) - below)];
        }
    }

    /** Turns the table of a chain's last stages on (the default) or off, for one-JVM A/B runs and tests. */
    static void tables(boolean on) {
        useTables = on;
    }

    private static volatile boolean useTables = true;

    /** A builder of stages. */
    public static final class Builder {
        private final List<Stage> stages = new ArrayList<>();

        /** y = x · mul[c] + add[c] (BatchNormalization in inference, with mul and add as its kernel computes them). */
        public Builder affine(float[] mul, float[] add) {
            stages.add(new Stage(AFFINE, mul, add, null, null, null));
            return this;
        }

        /** y = x + add[c]. */
        public Builder add(float[] add) {
            stages.add(new Stage(ADD, null, add, null, null, null));
            return this;
        }

        /** y = x · mul[c]. */
        public Builder mul(float[] mul) {
            stages.add(new Stage(MUL, mul, null, null, null, null));
            return this;
        }

        /** y = act(x) (nothing for {@link Activation#NONE}). */
        public Builder activation(Activation act) {
            if (!act.isNone()) {
                stages.add(new Stage(ACT, null, null, act, null, null));
            }
            return this;
        }

        /**
         * y = QuantizeLinear then DequantizeLinear of x ({@link FakeQuant}): with one channel per tensor, else with
         * channel c's scale and zero point.
         */
        public Builder fakeQuant(FakeQuant fq) {
            stages.add(new Stage(FAKE_QUANT, null, null, null, fq, null));
            return this;
        }

        /** The hard-swish chain with fake quantization inside ({@link QuantizedHardSwish}). */
        public Builder quantizedHardSwish(QuantizedHardSwish qhs) {
            stages.add(new Stage(QUANT_HARD_SWISH, null, null, null, null, qhs));
            return this;
        }

        /**
         * y = x · Sigmoid(x), the Sigmoid as qsh's Sigmoid op computes it ({@link FloatMath#sigmoid}), then through
         * {@code fq} (the simulated graph's QuantizeLinear → DequantizeLinear on the Sigmoid's output; null for none),
         * then one float multiply as the Mul op does.
         */
        public Builder swish(FakeQuant fq) {
            stages.add(new Stage(SWISH, null, null, null, fq, null));
            return this;
        }

        /** Whether no stage was added. */
        public boolean isEmpty() {
            return stages.isEmpty();
        }

        /** The epilogue: these stages, then {@code act}. */
        public Epilogue then(Activation act) {
            activation(act);
            return stages.isEmpty() ? NONE : new Epilogue(stages);
        }
    }

    /** Whether this epilogue does nothing. */
    public boolean isNone() {
        return kinds.length == 0;
    }

    /** Applies the stages in order (with channel {@code c}'s parameters) to y[from, to). */
    public void apply(float[] y, int from, int to, int c) {
        int last = tableFrom();
        for (int k = 0; k < last; k++) {
            stage(k, y, from, to, c);
        }
        if (last < kinds.length) {
            lookup(y, from, to);
        }
    }

    /**
     * Most floats worked stage by stage ({@link #applyPlanes}): they stay in L1 between the stages. A multiple of
     * two vectors of any width, so a long plane's pieces leave the vector kernels no tail but the plane's own.
     */
    private static final int STAGED_FLOATS = 4096;

    /**
     * {@link #apply} on {@code count} consecutive planes (rows) of {@code size} elements from y[from], plane i as
     * channel c0 + i: the planes in groups of at most {@link #STAGED_FLOATS} floats (a longer plane in pieces of that
     * size), every stage over a group before the next stage, a stage that is the same for every channel in one call
     * over the whole group. Same results (every stage is element-wise). Why: the stages meet each element while it is
     * in L1, and on small planes a call's set-up outweighs its work (EfficientNet-B0's swish on 1152 planes of 5 x 5
     * cost about 0.15 ms called plane by plane; its simulated swish, three stages, ran plane by plane at 4-5 ns an
     * element on 10 x 10 planes against 0.66 for the float one).
     */
    public void applyPlanes(float[] y, int from, int size, int c0, int count) {
        if (size >= STAGED_FLOATS) {
            for (int i = 0; i < count; i++) {
                int end = from + (i + 1) * size;
                for (int a = from + i * size; a < end; a += STAGED_FLOATS) {
                    apply(y, a, Math.min(end, a + STAGED_FLOATS), c0 + i);
                }
            }
            return;
        }
        int per = Math.max(1, STAGED_FLOATS / Math.max(1, size));
        int last = tableFrom();
        for (int g0 = 0; g0 < count; g0 += per) {
            int g1 = Math.min(count, g0 + per);
            for (int k = 0; k < last; k++) {
                if (uniform[k]) {
                    stage(k, y, from + g0 * size, from + g1 * size, c0 + g0);
                    continue;
                }
                for (int i = g0; i < g1; i++) {
                    stage(k, y, from + i * size, from + (i + 1) * size, c0 + i);
                }
            }
            if (last < kinds.length) { // every stage from the table's on is the same for every channel
                lookup(y, from + g0 * size, from + g1 * size);
            }
        }
    }

    private void stage(int k, float[] y, int from, int to, int c) {
        switch (kinds[k]) {
            case AFFINE -> affine(y, from, to, muls[k][c], adds[k][c]);
            case ADD -> add(y, from, to, adds[k][c]);
            case MUL -> mul(y, from, to, muls[k][c]);
            case ACT -> acts[k].apply(y, from, to);
            case QUANT_HARD_SWISH -> qhss[k].apply(y, from, to, c);
            case SWISH -> swish(y, from, to, fqs[k], c);
            default -> fqs[k].apply(y, from, to, fqs[k].channels() == 1 ? 0 : c);
        }
    }

    private static final ThreadLocal<float[][]> SIGMOIDS = ThreadLocal.withInitial(() -> new float[2][0]);

    private static void swish(float[] y, int from, int to, FakeQuant fq, int c) {
        if (fq == null) {
            FloatMath.swish(y, y, from, to); // one kernel: 1.0 -> 0.64 ns per element on 464-wide rows (AVX-512)
            return;
        }
        int cq = fq.channels() == 1 ? 0 : c;
        if (fq.floatExact() && FloatMath.vectorReady() && VectorMath.kindReady(FloatMath.SWISH)) {
            // whole pairs of vectors in one pass (VectorSwish), the rest below
            int pairs = from + (to - from) / (2 * VectorMath.length()) * (2 * VectorMath.length());
            VectorSwish.swishQuantizedPairs(y, y, from, pairs, fq.scale(cq), fq.below(cq), fq.above(cq),
                    fq.nanResult(cq));
            from = pairs;
            if (from == to) {
                return;
            }
        }
        int n = to - from;
        float[][] scratch = SIGMOIDS.get();
        if (scratch[0].length < n) {
            scratch[0] = new float[n];
            scratch[1] = new float[n];
        }
        float[] x = scratch[0];
        float[] s = scratch[1];
        // the row copied to the start of a scratch row: sigmoid's array form indexes x and y alike, and its vector
        // form keeps intermediate values in y, so y cannot be x
        System.arraycopy(y, from, x, 0, n);
        FloatMath.sigmoid(x, s, 0, n);
        fq.apply(s, 0, n, cq);
        // x and s at the same index: C2 vectorizes the product only when both arrays share one offset
        for (int i = 0; i < n; i++) {
            x[i] = x[i] * s[i];
        }
        FloatMath.flushSubnormals(x, x, 0, n); // as the Mul op
        System.arraycopy(x, 0, y, from, n);
    }

    private static void affine(float[] y, int from, int to, float m, float a) {
        for (int i = from; i < to; i++) {
            y[i] = y[i] * m + a;
        }
    }

    private static void add(float[] y, int from, int to, float a) {
        for (int i = from; i < to; i++) {
            y[i] = y[i] + a;
        }
    }

    private static void mul(float[] y, int from, int to, float m) {
        if (FloatMath.vectorReady()) {
            VectorActivations.scaleFlushed(y, from, y, from, to - from, m); // one pass (BatchNormalization exported as Mul, Add: PP-OCR)
            return;
        }
        for (int i = from; i < to; i++) {
            y[i] = y[i] * m;
        }
        FloatMath.flushSubnormals(y, y, from, to); // as the Mul op
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < kinds.length; k++) {
            b.append(k == 0 ? "" : ", ").append(switch (kinds[k]) {
                case AFFINE -> "affine";
                case ADD -> "add";
                case MUL -> "mul";
                case ACT -> acts[k].toString();
                case QUANT_HARD_SWISH -> qhss[k].toString();
                case SWISH -> fqs[k] == null ? "Swish(x * Sigmoid(x))" : "Swish(x * " + fqs[k] + "(Sigmoid(x)))";
                default -> fqs[k].toString();
            });
        }
        return kinds.length == 0 ? "none" : b.toString();
    }
}
