package qsh.commands.equalize;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.Format;
import qsh.core.equalize.ClePatternMatcher;
import qsh.core.equalize.CrossLayerEqualizer.ChainPlan;

/** Text and JSON pieces shared by the equalization commands. */
final class EqualizeText {
    private EqualizeText() {}

    /** The first {@code n} names joined, then "… and K more". */
    static String list(List<String> names, int n) {
        String head = String.join(", ", names.subList(0, Math.min(n, names.size())));
        return names.size() > n ? head + " … and " + (names.size() - n) + " more" : head;
    }

    /** "triplet, ReLU / none" style description of a chain's shape. */
    static String shape(ChainPlan p) {
        List<String> acts = p.chain().activations().stream().map(a -> a.isEmpty() ? "no activation" : a).toList();
        return (p.chain().isTriplet() ? "conv → depthwise → conv" : "pair") + ", " + String.join(" / ", acts);
    }

    /** Column names of a plan's ranges and scales. */
    static List<String> columns(ChainPlan p) {
        return p.chain().isTriplet() ? List.of("r0", "r1", "r2", "s12", "s23") : List.of("r1", "r2", "s");
    }

    /** The per-channel table of one chain: the first {@code rows} channels, then a count of the rest. */
    static List<String> table(ChainPlan p, int rows) {
        List<String> lines = new ArrayList<>();
        StringBuilder head = new StringBuilder("    channel");
        for (String c : columns(p)) {
            head.append(String.format("%13s", c));
        }
        lines.add(head.toString());
        int n = p.ranges().get(0).length;
        for (int i = 0; i < Math.min(rows, n); i++) {
            StringBuilder sb = new StringBuilder(String.format("    %7d", i));
            for (float[] r : p.ranges()) {
                sb.append(String.format("%13s", Format.num(r[i])));
            }
            for (float[] s : p.scales()) {
                sb.append(String.format("%13s", Format.num(s[i])));
            }
            lines.add(sb.toString());
        }
        if (n > rows) {
            lines.add("    … " + (n - rows) + " more channels (--rows N shows more, --json has all)");
        }
        return lines;
    }

    /** A plan as JSON: layers, activations, and every channel's numbers. */
    static Map<String, Object> json(ChainPlan p) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("layers", p.chain().layers());
        d.put("activations", p.chain().activations());
        d.put("equalized", p.isEqualized());
        List<String> cols = columns(p);
        List<float[]> values = new ArrayList<>(p.ranges());
        values.addAll(p.scales());
        List<Map<String, Object>> channels = new ArrayList<>();
        for (int i = 0; i < values.get(0).length; i++) {
            Map<String, Object> ch = new LinkedHashMap<>();
            ch.put("channel", i);
            for (int k = 0; k < cols.size(); k++) {
                ch.put(cols.get(k), values.get(k)[i]);
            }
            channels.add(ch);
        }
        d.put("channels", channels);
        return d;
    }

    /** Skipped candidates as lines (the first {@code max}) and JSON. */
    static List<String> skipped(List<ClePatternMatcher.Skipped> skipped, int max) {
        List<String> lines = new ArrayList<>();
        if (skipped.isEmpty()) {
            return lines;
        }
        lines.add("skipped " + skipped.size() + " conv" + (skipped.size() == 1 ? "" : "s") + " that start no chain:");
        for (int i = 0; i < Math.min(max, skipped.size()); i++) {
            ClePatternMatcher.Skipped k = skipped.get(i);
            lines.add("  " + (k.reason().startsWith(k.layer()) ? "" : k.layer() + ": ") + k.reason());
        }
        if (skipped.size() > max) {
            lines.add("  … " + (skipped.size() - max) + " more (--json has all)");
        }
        return lines;
    }

    /** The formula of CLE and its numbers for the first {@code n} channels of {@code p}. */
    static List<String> explain(ChainPlan p, int n) {
        List<String> lines = new ArrayList<>();
        List<String> l = p.chain().layers();
        if (p.chain().isTriplet()) {
            lines.add("explain: triplet rule (Nagel et al. 2019, §4.1): r0, r1, r2 = per-channel max|W| of " + l.get(0)
                    + " (outputs), the depthwise " + l.get(1) + ", " + l.get(2) + " (inputs)");
            lines.add("  c = ∛(r0·r1·r2), s12 = r0/c, s23 = c/r2;  W0[i], b0[i] /= s12;  W1[i] *= s12/s23, b1[i] /= s23;"
                    + "  W2[:, i] *= s23  → all three ranges become c");
            for (int i = 0; i < Math.min(n, p.scales().get(0).length); i++) {
                float r0 = p.ranges().get(0)[i];
                float r1 = p.ranges().get(1)[i];
                float r2 = p.ranges().get(2)[i];
                lines.add("  channel " + i + ": c = ∛(" + Format.num(r0) + "·" + Format.num(r1) + "·" + Format.num(r2) + ") = "
                        + Format.num(Math.cbrt((double) r0 * r1 * r2)) + ", s12 = " + Format.num(p.scales().get(0)[i])
                        + ", s23 = " + Format.num(p.scales().get(1)[i]));
            }
        } else {
            lines.add("explain: pair rule (Nagel et al. 2019, eq. 12): r1 = per-channel max|W1| of " + l.get(0)
                    + " (outputs), r2 = max|W2[:, i]| of " + l.get(1) + " (inputs)");
            lines.add("  s = √(r1/r2);  W1[i], b1[i] /= s;  W2[:, i] *= s  → both ranges become √(r1·r2)");
            for (int i = 0; i < Math.min(n, p.scales().get(0).length); i++) {
                float r1 = p.ranges().get(0)[i];
                float r2 = p.ranges().get(1)[i];
                lines.add("  channel " + i + ": s = √(" + Format.num(r1) + "/" + Format.num(r2) + ") = "
                        + Format.num(p.scales().get(0)[i]) + ", both ranges → " + Format.num(Math.sqrt((double) r1 * r2)));
            }
        }
        lines.add("  (a zero or non-finite scale, from a dead channel, becomes 1)");
        return lines;
    }
}
