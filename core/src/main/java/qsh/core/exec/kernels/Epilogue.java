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

    private final List<Stage> stages;
    private final Activation act;

    private Epilogue(List<Stage> stages, Activation act) {
        this.stages = List.copyOf(stages);
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
        return stages.isEmpty() && act.isNone();
    }

    /** Applies the stages (with channel {@code c}'s parameters) and the activation to y[from, to). */
    public void apply(float[] y, int from, int to, int c) {
        for (Stage s : stages) {
            switch (s.kind) {
                case AFFINE -> {
                    float m = s.mul[c];
                    float a = s.add[c];
                    for (int i = from; i < to; i++) {
                        y[i] = y[i] * m + a;
                    }
                }
                case ADD -> {
                    float a = s.add[c];
                    for (int i = from; i < to; i++) {
                        y[i] = y[i] + a;
                    }
                }
                default -> {
                    float m = s.mul[c];
                    for (int i = from; i < to; i++) {
                        y[i] = y[i] * m;
                    }
                }
            }
        }
        act.apply(y, from, to);
    }

    @Override
    public String toString() {
        return stages.size() + " per-channel stage(s), then " + act;
    }
}
