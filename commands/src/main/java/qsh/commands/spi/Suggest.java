package qsh.commands.spi;

import java.util.Collection;

/** "Did you mean" suggestions by edit distance. */
public final class Suggest {
    private Suggest() {}

    /** {@code " (did you mean PREFIXbest?)"} when a candidate is within distance 2, else "". */
    public static String hint(String word, Collection<String> candidates, String prefix) {
        String best = null;
        int bestD = 3;
        for (String c : candidates) {
            int d = distance(word, c);
            if (d < bestD || (c.startsWith(word) && best == null)) {
                bestD = Math.min(d, bestD);
                best = c;
            }
        }
        return best == null ? "" : " (did you mean " + prefix + best + "?)";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
