package qsh.core.exec.kernels;

import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * Whether a family of Vector API kernels may be used. Before C2 compiles them, Vector API methods run boxed,
 * thousands of times slower than plain loops, so a background thread (daemon, lowest priority) runs the family's
 * warm-up rounds until one finds the kernels compiled and fast enough, at most {@link #ROUNDS}; then the family is
 * used ({@link #ready()}) or given up for this JVM. Until then callers take their plain kernels.
 */
final class KernelWarmUp {
    /**
     * Rounds before a family that is still slow is given up. Rounds are short (a few thousand calls, then a
     * speed check that gives up after one call while the kernels are still boxed), so a family is used within a
     * round of being compiled; many, because a loaded machine compiles late.
     */
    static final int ROUNDS = 60;
    private final String name;
    private volatile boolean ready;
    private volatile boolean finished;

    private KernelWarmUp(String name) {
        this.name = name;
    }

    /**
     * Starts the warm-up of the family {@code name}: {@code prepare} builds the round (its data made once), each
     * round (given its number, from 1) runs the kernels and says whether they are fast enough; {@code then} runs when the warm-up has ended.
     */
    static KernelWarmUp start(String name, Supplier<IntPredicate> prepare, Runnable then) {
        KernelWarmUp w = new KernelWarmUp(name);
        Thread t = new Thread(() -> {
            IntPredicate round = prepare.get();
            for (int r = 1; r <= ROUNDS && !w.ready; r++) {
                w.ready = round.test(r);
            }
            w.finished = true;
            then.run();
        }, "qsh-" + name.replace(' ', '-') + "-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return w;
    }

    /** The family's name, e.g. "math kernels". */
    String name() {
        return name;
    }

    /** Whether the kernels are compiled and fast enough to be used. */
    boolean ready() {
        return ready;
    }

    /** Whether the warm-up has ended (with the kernels ready or given up). */
    boolean finished() {
        return finished;
    }

    /**
     * Uses the kernels whatever speed the warm-up measured: for tests of their results, which must not depend on
     * how busy the machine was while it warmed up (a loaded CI machine measured the GEMM kernel at 6.7 GMAC/s once).
     */
    void useRegardlessOfSpeed() {
        ready = true;
    }
}
