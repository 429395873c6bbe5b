package qsh.core.tensor;

import java.util.Arrays;
import java.util.Locale;

/**
 * The most memory one tensor qsh creates may take: model inputs, and every output the executor produces. A model
 * can ask for any shape (an Expand to [100000, 100000] is a 64-byte file), so sizes are checked against this budget
 * before anything is allocated, and going over it is one line naming the tensor and its shape instead of an
 * {@link OutOfMemoryError} that would take the session down.
 *
 * <p>There is one budget per JVM, as there is one heap: by default half the maximum heap, changed with
 * {@code set memory-budget}.
 */
public final class MemoryBudget {
    private static volatile long limit;

    private MemoryBudget() {}

    /** The exception for a tensor over the budget; an input error (the model or the command asked for too much). */
    public static final class Exceeded extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Exceeded(String message) {
            super(message);
        }
    }

    /** The default budget: half the heap the JVM may grow to. */
    public static long defaultBytes() {
        return Runtime.getRuntime().maxMemory() / 2;
    }

    /** The budget in bytes now in force. */
    public static long bytes() {
        long l = limit;
        return l > 0 ? l : defaultBytes();
    }

    /** Sets the budget; 0 restores the default. */
    public static void set(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("a memory budget cannot be negative");
        }
        limit = bytes;
    }

    /** The bytes a tensor of {@code shape} with {@code bytesPerElement}-byte elements takes (saturating, never negative). */
    public static long bytesOf(int[] shape, int bytesPerElement) {
        long n = bytesPerElement;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = d != 0 && n > Long.MAX_VALUE / d ? Long.MAX_VALUE : n * d;
        }
        return n;
    }

    /**
     * Refuses a tensor of {@code shape} ({@code bytesPerElement} bytes each) when it would not fit the budget, with one
     * line starting with {@code what} ("node 'Expand_1' (Expand): output").
     */
    public static void check(String what, int[] shape, int bytesPerElement) {
        long need = bytesOf(shape, bytesPerElement);
        long budget = bytes();
        if (need > budget) {
            throw new Exceeded(what + " " + Arrays.toString(shape) + " needs " + describe(need)
                    + ", over the memory budget of " + describe(budget) + " (set memory-budget SIZE to change it)");
        }
    }

    /** A byte count as people read it: 512 B, 3.1 MB, 8.0 GB (powers of 1024). */
    public static String describe(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB", "PB", "EB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /**
     * Parses a size as {@code set memory-budget} takes it: a byte count with an optional unit (k, m, g, t; powers of
     * 1024), e.g. {@code 512m} or {@code 2g}; {@code auto} (or 0) is the default, returned as 0.
     */
    public static long parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("auto") || t.equals("0")) {
            return 0;
        }
        t = t.endsWith("b") ? t.substring(0, t.length() - 1) : t;
        long mult = 1;
        if (!t.isEmpty() && "kmgt".indexOf(t.charAt(t.length() - 1)) >= 0) {
            mult = 1L << (10 * ("kmgt".indexOf(t.charAt(t.length() - 1)) + 1));
            t = t.substring(0, t.length() - 1);
        }
        double v;
        try {
            v = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("memory-budget must be auto or a size such as 512m or 2g, not '" + text + "'");
        }
        if (!(v > 0) || v * mult >= Long.MAX_VALUE) {
            throw new IllegalArgumentException("memory-budget must be auto or a positive size such as 512m or 2g, not '" + text + "'");
        }
        return Math.max(1, (long) (v * mult));
    }
}
