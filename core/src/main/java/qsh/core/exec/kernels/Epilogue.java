package qsh.core.exec.kernels;

import java.util.ArrayList;
import java.util.List;

/**
 * What a producing kernel applies to each output row it has just written, in place, before the row leaves the
 * cache: per-channel stages (an inference BatchNormalization x · mul + add, an Add or Mul of a per-channel
 * constant) in order, then an {@link Activation}. Each stage is evaluated exactly as the op it replaces
 * evaluates it (same operands, same float operations, same order), so a fused result is bit-identical to running
 * the ops one by one: nothing is folded into weights.
 */
public final class Epilogue {
    private static final int AFFINE = 0;
    private static final int ADD = 1;
    private static final int MUL = 2;

    /** Nothing to apply. */
    public static final Epilogue NONE = new Epilogue(List.of(), Activation.NONE);

    private record Stage(int kind, float[] mul, float[] add) {}

    // the stages as arrays: the apply loop runs once per output row
    private final int[] kinds;
    private final float[][] muls;
    private final float[][] adds;
    private final Activation act;

    private Epilogue(List<Stage> stages, Activation act) {
        this.kinds = stages.stream().mapToInt(Stage::kind).toArray();
        this.muls = stages.stream().map(Stage::mul).toArray(float[][]::new);
        this.adds = stages.stream().map(Stage::add).toArray(float[][]::new);
        this.act = act;
    }

    /** A builder of stages. */
    public static final class Builder {
        private final List<Stage> stages = new ArrayList<>();

        /** y = x · mul[c] + add[c] (BatchNormalization in inference, with mul and add as its kernel computes them). */
        public Builder affine(float[] mul, float[] add) {
            stages.add(new Stage(AFFINE, mul, add));
            return this;
        }

        /** y = x + add[c]. */
        public Builder add(float[] add) {
            stages.add(new Stage(ADD, null, add));
            return this;
        }

        /** y = x · mul[c]. */
        public Builder mul(float[] mul) {
            stages.add(new Stage(MUL, mul, null));
            return this;
        }

        /** Whether no stage was added. */
        public boolean isEmpty() {
            return stages.isEmpty();
        }

        /** The epilogue: these stages, then {@code act}. */
        public Epilogue then(Activation act) {
            return stages.isEmpty() && act.isNone() ? NONE : new Epilogue(stages, act);
        }
    }

    /** Whether this epilogue does nothing. */
    public boolean isNone() {
        return kinds.length == 0 && act.isNone();
    }

    /** Applies the stages (with channel {@code c}'s parameters) and the activation to y[from, to). */
    public void apply(float[] y, int from, int to, int c) {
        for (int k = 0; k < kinds.length; k++) {
            switch (kinds[k]) {
                case AFFINE -> affine(y, from, to, muls[k][c], adds[k][c]);
                case ADD -> add(y, from, to, adds[k][c]);
                default -> mul(y, from, to, muls[k][c]);
            }
        }
        act.apply(y, from, to);
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
        for (int i = from; i < to; i++) {
            y[i] = y[i] * m;
        }
    }

    @Override
    public String toString() {
        return kinds.length + " per-channel stage(s), then " + act;
    }
}
