package qsh.core.sim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import qsh.core.quant.Encoding;

/**
 * Quantization overrides (spec "Quantization Overrides", AIMET encodings JSON): per tensor, the encodings that
 * replace calibrated ones, in two sections — activations (op outputs) and params (weights, biases).
 *
 * <p>A tensor's list holds one {@link Encoding} per tensor, or one per output channel (per-channel, spec
 * "Per-channel Quantization Overrides": list size &gt; 1, symmetric). {@code dtype: float} entries are
 * {@link Encoding#floatingPoint(int)}. Entries that give only {@code bitwidth} + {@code dtype: int} (the spec's
 * mixed-precision examples) fix the integer bitwidth but leave the range to calibration: they live in the
 * separate bitwidth-only maps. A tensor is in at most one of the two maps of its section. Immutable.
 */
public final class QuantOverrides {
    /** Which section of the JSON an override belongs to. */
    public enum Section {
        ACTIVATION("activation_encodings"), PARAM("param_encodings");

        private final String jsonKey;

        Section(String jsonKey) {
            this.jsonKey = jsonKey;
        }

        /** The section's key in encodings JSON. */
        public String jsonKey() {
            return jsonKey;
        }
    }

    /** Overrides with both sections empty. */
    public static final QuantOverrides EMPTY = new QuantOverrides(Map.of(), Map.of(), Map.of(), Map.of(), Map.of());

    private final Map<String, List<Encoding>> activations;
    private final Map<String, List<Encoding>> params;
    private final Map<String, Integer> activationBitwidths;
    private final Map<String, Integer> paramBitwidths;
    private final Map<String, Object> quantizerArgs;
    private final List<String> notes;

    /**
     * Builds overrides; maps are copied (order kept). {@code quantizerArgs} is the 0.6.1 {@code quantizer_args}
     * object as plain maps/lists/values (empty when absent).
     */
    public QuantOverrides(Map<String, List<Encoding>> activations, Map<String, List<Encoding>> params,
                          Map<String, Integer> activationBitwidths, Map<String, Integer> paramBitwidths,
                          Map<String, Object> quantizerArgs) {
        this.activations = copy(activations, "activation");
        this.params = copy(params, "param");
        this.activationBitwidths = Collections.unmodifiableMap(new LinkedHashMap<>(activationBitwidths));
        this.paramBitwidths = Collections.unmodifiableMap(new LinkedHashMap<>(paramBitwidths));
        this.quantizerArgs = Collections.unmodifiableMap(new LinkedHashMap<>(quantizerArgs));
        this.notes = List.of();
        checkDisjoint(this.activations.keySet(), this.activationBitwidths.keySet(), "activation");
        checkDisjoint(this.params.keySet(), this.paramBitwidths.keySet(), "param");
    }

    private QuantOverrides(QuantOverrides o, List<String> notes) {
        this.activations = o.activations;
        this.params = o.params;
        this.activationBitwidths = o.activationBitwidths;
        this.paramBitwidths = o.paramBitwidths;
        this.quantizerArgs = o.quantizerArgs;
        this.notes = List.copyOf(notes);
    }

    /**
     * The same overrides with notes on how they were read (e.g. ranges derived from scale and offset), one line
     * each, for the command that loaded them to show. Notes are not part of equality.
     */
    public QuantOverrides withNotes(List<String> newNotes) {
        return new QuantOverrides(this, newNotes);
    }

    /** Lines saying how the file was read where that is not obvious (empty for most files). */
    public List<String> notes() {
        return notes;
    }

    /** Overrides holding only full encodings (no bitwidth-only entries, no quantizer_args). */
    public static QuantOverrides of(Map<String, List<Encoding>> activations, Map<String, List<Encoding>> params) {
        return new QuantOverrides(activations, params, Map.of(), Map.of(), Map.of());
    }

    private static Map<String, List<Encoding>> copy(Map<String, List<Encoding>> m, String what) {
        Map<String, List<Encoding>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<Encoding>> e : m.entrySet()) {
            List<Encoding> list = e.getValue();
            if (list == null || list.isEmpty()) {
                throw new IllegalArgumentException(what + " override '" + e.getKey()
                        + "' has no encodings: give at least one");
            }
            if (list.size() > 1) {
                Encoding first = list.get(0);
                for (Encoding enc : list) {
                    if (!enc.isInt() || !enc.symmetric() || enc.bitwidth() != first.bitwidth()) {
                        throw new IllegalArgumentException(what + " override '" + e.getKey() + "' is per-channel ("
                                + list.size() + " encodings), so every channel must be a symmetric integer encoding"
                                + " of one bitwidth (spec, Per-channel Quantization Overrides)");
                    }
                }
            }
            out.put(e.getKey(), List.copyOf(list));
        }
        return Collections.unmodifiableMap(out);
    }

    private static void checkDisjoint(Collection<String> full, Collection<String> bwOnly, String what) {
        for (String name : bwOnly) {
            if (full.contains(name)) {
                throw new IllegalArgumentException(what + " override '" + name
                        + "' is given both as full encodings and as bitwidth-only: keep one");
            }
        }
    }

    /** Full activation encodings by tensor name (list size &gt; 1 = per-channel). */
    public Map<String, List<Encoding>> activations() {
        return activations;
    }

    /** Full parameter encodings by tensor name (list size &gt; 1 = per-channel). */
    public Map<String, List<Encoding>> params() {
        return params;
    }

    /** Activation tensors whose override fixes only an integer bitwidth (range from calibration). */
    public Map<String, Integer> activationBitwidths() {
        return activationBitwidths;
    }

    /** Parameter tensors whose override fixes only an integer bitwidth (range from the weights). */
    public Map<String, Integer> paramBitwidths() {
        return paramBitwidths;
    }

    /** The full-encodings map of {@code section}. */
    public Map<String, List<Encoding>> encodings(Section section) {
        return section == Section.ACTIVATION ? activations : params;
    }

    /** The bitwidth-only map of {@code section}. */
    public Map<String, Integer> bitwidthsOnly(Section section) {
        return section == Section.ACTIVATION ? activationBitwidths : paramBitwidths;
    }

    /** The 0.6.1 {@code quantizer_args} object (empty when the file had none). */
    public Map<String, Object> quantizerArgs() {
        return quantizerArgs;
    }

    /** True when both sections are empty. */
    public boolean isEmpty() {
        return activations.isEmpty() && params.isEmpty() && activationBitwidths.isEmpty() && paramBitwidths.isEmpty();
    }

    /** True when {@code tensor} has any override (either section, full or bitwidth-only). */
    public boolean contains(String tensor) {
        return activations.containsKey(tensor) || params.containsKey(tensor)
                || activationBitwidths.containsKey(tensor) || paramBitwidths.containsKey(tensor);
    }

    /** True when {@code tensor}'s override is per-channel (more than one encoding). */
    public boolean isPerChannel(String tensor) {
        List<Encoding> l = params.containsKey(tensor) ? params.get(tensor) : activations.get(tensor);
        return l != null && l.size() > 1;
    }

    /**
     * Checks that a per-channel override of {@code tensor} has one encoding per channel; per-tensor overrides and
     * tensors without an override pass.
     */
    public void checkChannels(String tensor, int channels) {
        List<Encoding> l = params.containsKey(tensor) ? params.get(tensor) : activations.get(tensor);
        if (l != null && l.size() > 1 && l.size() != channels) {
            throw new IllegalArgumentException("override for '" + tensor + "' has " + l.size()
                    + " per-channel encodings, but the tensor has " + channels + " output channels: give exactly "
                    + channels + " encodings (one per channel) or a single per-tensor encoding");
        }
    }

    /** Names with an override that are not in {@code known} (for "tensor not in the model" warnings), in file order. */
    public List<String> unknownTensors(Collection<String> known) {
        // sets, not list scans: 200 000 unknown names took minutes as a List.contains per name (issue 18.7)
        Set<String> knownSet = known instanceof Set<String> s ? s : new HashSet<>(known);
        Set<String> out = new LinkedHashSet<>();
        for (Map<String, ?> m : List.of(activations, activationBitwidths, params, paramBitwidths)) {
            for (String name : m.keySet()) {
                if (!knownSet.contains(name)) {
                    out.add(name);
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** Total number of overridden tensors (both sections). */
    public int size() {
        return activations.size() + params.size() + activationBitwidths.size() + paramBitwidths.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantOverrides q && activations.equals(q.activations) && params.equals(q.params)
                && activationBitwidths.equals(q.activationBitwidths) && paramBitwidths.equals(q.paramBitwidths)
                && quantizerArgs.equals(q.quantizerArgs);
    }

    @Override
    public int hashCode() {
        return activations.hashCode() * 31 + params.hashCode();
    }

    @Override
    public String toString() {
        return "QuantOverrides{activations=" + activations.keySet() + ", params=" + params.keySet()
                + ", bitwidth-only=" + activationBitwidths.keySet() + "/" + paramBitwidths.keySet() + "}";
    }
}
