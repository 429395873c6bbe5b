package qsh.core.quant;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Collects the steps an algorithm took, with their numbers, for {@code --explain}. Core never prints:
 * it records steps and the shell renders them. {@link #NONE} discards everything at no cost.
 */
public class Explanation {
    /** One step: a short title and a detail line with the numbers. */
    public record Step(String title, String detail) {}

    /** An explanation that records nothing. */
    public static final Explanation NONE = new Explanation() {
        @Override
        public void step(String title, String detail) {}

        @Override
        public boolean enabled() {
            return false;
        }
    };

    private final List<Step> steps = new ArrayList<>();

    /** Records a step. */
    public void step(String title, String detail) {
        steps.add(new Step(title, detail));
    }

    /** Records a step with a formatted detail; skips formatting when disabled. */
    public void stepf(String title, String format, Object... args) {
        if (enabled()) {
            step(title, String.format(java.util.Locale.ROOT, format, args));
        }
    }

    /** Whether steps are kept (callers may skip building costly detail strings otherwise). */
    public boolean enabled() {
        return true;
    }

    /** The recorded steps, in order. */
    public List<Step> steps() {
        return Collections.unmodifiableList(steps);
    }
}
