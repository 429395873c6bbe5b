package qsh.commands.spi;

import java.util.Locale;

/** Number and tensor formatting shared by command results (NumPy-style summaries with edge items). */
public final class Format {
    private Format() {}

    /** {@code s} cut to its last {@code width} characters, marked with a leading ellipsis (node names end in what matters). */
    public static String tail(String s, int width) {
        return s.length() <= width ? s : "…" + s.substring(s.length() - width + 1);
    }

    /** A number with up to 7 significant digits, plain notation for ordinary magnitudes. */
    public static String num(double v) {
        if (v == 0) {
            return "0";
        }
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        double a = Math.abs(v);
        java.math.BigDecimal b = new java.math.BigDecimal(v).round(new java.math.MathContext(7)).stripTrailingZeros();
        if (a >= 1e-5 && a < 1e9) {
            return b.toPlainString();
        }
        return String.format(Locale.ROOT, "%.6e", v);
    }

    /** A flat array summarised with {@code edge} items at each end of every axis (NumPy's default style). */
    public static String values(float[] d, int[] shape, int edge) {
        StringBuilder sb = new StringBuilder();
        appendAxis(sb, i -> num(d[i]), shape, 0, 0, edge);
        return sb.toString();
    }

    /** The same for grid (integer) values stored in a float array. */
    public static String ints(float[] d, int[] shape, int edge) {
        StringBuilder sb = new StringBuilder();
        appendAxis(sb, i -> Long.toString((long) d[i]), shape, 0, 0, edge);
        return sb.toString();
    }

    /** The same for grid values of up to 32 bits, exact (a float holds only 24 bits of them). */
    public static String longs(long[] d, int[] shape, int edge) {
        StringBuilder sb = new StringBuilder();
        appendAxis(sb, i -> Long.toString(d[i]), shape, 0, 0, edge);
        return sb.toString();
    }

    private static void appendAxis(StringBuilder sb, java.util.function.IntFunction<String> item, int[] shape, int axis,
                                   int offset, int edge) {
        if (shape.length == 0) {
            sb.append(item.apply(offset));
            return;
        }
        int n = shape[axis];
        int stride = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            stride *= shape[i];
        }
        sb.append('[');
        boolean cut = n > 2 * edge;
        for (int i = 0; i < n; i++) {
            if (cut && i == edge) {
                sb.append("..., ");
                i = n - edge;
            }
            if (axis == shape.length - 1) {
                sb.append(item.apply(offset + i));
            } else {
                appendAxis(sb, item, shape, axis + 1, offset + i * stride, edge);
            }
            if (i < n - 1) {
                sb.append(", ");
            }
        }
        sb.append(']');
    }

    /** A shape as {@code [2, 3]}. */
    public static String shape(int[] shape) {
        return java.util.Arrays.toString(shape);
    }
}
