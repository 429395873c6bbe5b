package qsh.commands.spi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import qsh.core.graph.Node;
import qsh.core.tensor.Tensor;

/**
 * Per-output-channel min/max of a layer's weight and their picture: one whisker row per channel on a shared
 * axis (Nagel et al. 2019, Fig. 2). Used by {@code ranges} and, before/after side by side, by {@code cle step}.
 *
 * @param axis the output-channel axis of the weight
 * @param lo   per-channel minimum
 * @param hi   per-channel maximum
 */
public record ChannelRanges(int axis, float[] lo, float[] hi) {
    /** The ranges of {@code node}'s weight {@code t}, channels on the node's output axis. */
    public static ChannelRanges of(Node node, Tensor t) {
        // Conv/Gemm(transB) weights keep output channels on axis 0; ConvTranspose on axis 1; MatMul/Gemm on the last.
        int axis = node.opType().equals("ConvTranspose") ? 1 : node.opType().equals("MatMul")
                || (node.opType().equals("Gemm") && node.attrInt("transB", 0) == 0) ? t.rank() - 1 : 0;
        int channels = t.dim(axis);
        float[] lo = new float[channels];
        float[] hi = new float[channels];
        Arrays.fill(lo, Float.POSITIVE_INFINITY);
        Arrays.fill(hi, Float.NEGATIVE_INFINITY);
        int[] st = t.strides();
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            int c = (i / st[axis]) % channels;
            lo[c] = Math.min(lo[c], d[i]);
            hi[c] = Math.max(hi[c], d[i]);
        }
        return new ChannelRanges(axis, lo, hi);
    }

    /** The number of channels. */
    public int channels() {
        return lo.length;
    }

    /** The smallest minimum over all channels. */
    public float min() {
        float m = Float.POSITIVE_INFINITY;
        for (float v : lo) {
            m = Math.min(m, v);
        }
        return m;
    }

    /** The largest maximum over all channels. */
    public float max() {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : hi) {
            m = Math.max(m, v);
        }
        return m;
    }

    /** max |w| of channel {@code c}. */
    public float absMax(int c) {
        return Math.max(Math.abs(lo[c]), Math.abs(hi[c]));
    }

    /** Channel {@code c} as a whisker row of {@code width} cells on this layer's shared axis. */
    public String row(int c, int width) {
        return whisker(lo[c], hi[c], min(), max(), width);
    }

    /**
     * Two layers' channels side by side, each on its own axis (so the shapes compare, not the scales): the first
     * {@code max} rows as {@code channel │before│ │after│ max|w| before → after}, then a count of the rest.
     */
    public static List<String> sideBySide(ChannelRanges before, ChannelRanges after, int width, int max) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format("  %4s %-" + (width + 2) + "s %-" + (width + 2) + "s  %s", "ch", " before", " after",
                SIDE_BY_SIDE_NUMBERS));
        for (int c = 0; c < Math.min(max, before.channels()); c++) {
            lines.add(String.format("  %4d %s %s  %s", c, before.row(c, width), after.row(c, width), absMaxes(before, after, c)));
        }
        if (before.channels() > max) {
            lines.add("  … " + (before.channels() - max) + " more channels (--rows " + before.channels() + " shows all)");
        }
        lines.add("  axes: before [" + Format.num(before.min()) + ", " + Format.num(before.max()) + "], after ["
                + Format.num(after.min()) + ", " + Format.num(after.max()) + "]");
        return lines;
    }

    private static final String SIDE_BY_SIDE_NUMBERS = "max|w| before → after";

    private static String absMaxes(ChannelRanges before, ChannelRanges after, int c) {
        return Format.num(before.absMax(c)) + " → " + Format.num(after.absMax(c));
    }

    /**
     * The widest whisker axis, at most {@code cap}, with which the first {@code max} rows of {@link #sideBySide} fit in
     * {@code columns} ("  cccc │axis│ │axis│  a → b"), and never below 10.
     */
    public static int sideBySideWidth(ChannelRanges before, ChannelRanges after, int max, int columns, int cap) {
        int numbers = SIDE_BY_SIDE_NUMBERS.length();
        for (int c = 0; c < Math.min(max, before.channels()); c++) {
            numbers = Math.max(numbers, TextFit.width(absMaxes(before, after, c)));
        }
        return Math.max(10, Math.min(cap, (columns - 7 - 1 - 2 - numbers) / 2 - 2));
    }

    /** A row of width cells: '─' over [lo, hi], '┼' at zero, spaces elsewhere, on the shared axis [gl, gh]. */
    public static String whisker(float lo, float hi, float gl, float gh, int width) {
        char[] row = new char[width];
        Arrays.fill(row, ' ');
        double span = Math.max(gh - gl, 1e-30);
        int a = (int) Math.floor((lo - gl) / span * (width - 1));
        int b = (int) Math.ceil((hi - gl) / span * (width - 1));
        for (int i = Math.max(0, a); i <= Math.min(width - 1, b); i++) {
            row[i] = '─';
        }
        row[Math.max(0, a)] = '├';
        row[Math.min(width - 1, b)] = '┤';
        if (gl <= 0 && gh >= 0) {
            int z = (int) Math.round(-gl / span * (width - 1));
            row[z] = row[z] == ' ' ? '┊' : '┼';
        }
        return "│" + new String(row) + "│";
    }
}
