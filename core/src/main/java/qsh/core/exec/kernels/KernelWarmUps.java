package qsh.core.exec.kernels;

import java.util.ArrayList;
import java.util.List;

/**
 * The Vector API kernel families' warm-ups seen from outside the package: wait for them, and say which kernels
 * run vectorized. A benchmark waits before its first run, as a REPL user's first command comes after qsh has warmed
 * up at start: a warm-up that competes with a model running on both cores compiles late, and on JDK 17 a Vector API
 * kernel C2 compiles late can lose an intrinsic and stay boxed for the life of the JVM (measured on AVX-512:
 * EfficientNet-B0's sigmoid left scalar, 30-45 ms a run instead of 15).
 */
public final class KernelWarmUps {
    private static final String[] KINDS = {"exp", "sigmoid", "tanh", "erf", "log", "hard-sigmoid", "hard-swish", "swish", "flush"};

    private KernelWarmUps() {
    }

    /** The families, in the order their warm-ups run (touching them starts their warm-ups). */
    private static KernelWarmUp[] families() {
        return new KernelWarmUp[] {VectorKernels.WARM_UP, VectorMath.WARM_UP, VectorRows.WARM_UP,
            VectorDepthwiseRows.WARM_UP};
    }

    /**
     * Waits up to {@code timeoutMillis} for every family's warm-up to end (none without the Vector API module), then
     * returns {@link #status()}.
     */
    public static String await(long timeoutMillis) throws InterruptedException {
        if (VectorSupport.ENABLED) {
            long until = System.nanoTime() + timeoutMillis * 1_000_000L;
            for (KernelWarmUp w : families()) {
                while (!w.finished() && System.nanoTime() < until) {
                    Thread.sleep(5);
                }
            }
        }
        return status();
    }

    /**
     * One line: which families run their Vector API kernels now, e.g. "vector kernels: GEMM kernel, math kernels
     * (tanh scalar), row kernels", or why none do.
     */
    public static String status() {
        if (!VectorSupport.ENABLED) {
            return "vector kernels: off (no jdk.incubator.vector module, -Dqsh.vector=false, or vectors under 8 floats)";
        }
        List<String> parts = new ArrayList<>();
        for (KernelWarmUp w : families()) {
            String s = w.name() + (w.ready() ? "" : w.finished() ? " (given up: plain loops)" : " (warming up)");
            if (w == VectorMath.WARM_UP && w.ready()) {
                List<String> scalar = new ArrayList<>();
                for (int k = 0; k < KINDS.length; k++) {
                    if (!VectorMath.kindReady(k)) {
                        scalar.add(KINDS[k]);
                    }
                }
                s += scalar.isEmpty() ? "" : " (" + String.join(", ", scalar) + " scalar)";
            }
            if (w == VectorRows.WARM_UP && w.ready() && !VectorRows.evensReady()) {
                s += " (evens plain)";
            }
            parts.add(s);
        }
        return "vector kernels: " + String.join(", ", parts) + " (" + VectorMath.length() + " floats per vector)";
    }
}
