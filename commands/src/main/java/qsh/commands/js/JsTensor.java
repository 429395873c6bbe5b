package qsh.commands.js;

import java.util.LinkedHashMap;
import java.util.Map;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;
import qsh.commands.spi.Format;
import qsh.commands.spi.SessionTensor;
import qsh.core.metrics.ErrorMetrics;
import qsh.core.tensor.Tensor;

/**
 * A tensor as scripts see it: coarse methods computed in Java (a loop over a million values in interpreted JS
 * would take a second), element access only through {@link #toArray} for tensors up to a million values.
 */
public final class JsTensor {
    private final QshApi api;
    private final SessionTensor st;

    JsTensor(QshApi api, SessionTensor st) {
        this.api = api;
        this.st = st;
    }

    /** The underlying tensor (for qsh's Java side; not visible to scripts). */
    Tensor tensor() {
        return st.tensor();
    }

    private float[] data() {
        return st.tensor().data();
    }

    /** The tensor's name. */
    @HostAccess.Export
    public String name() {
        return st.name();
    }

    /** The shape as an array. */
    @HostAccess.Export
    public Value shape() {
        return api.runtime().toJs(st.tensor().shape());
    }

    /** The number of values. */
    @HostAccess.Export
    public int size() {
        return st.tensor().size();
    }

    /** The smallest value. */
    @HostAccess.Export
    public double min() {
        return range()[0];
    }

    /** The largest value. */
    @HostAccess.Export
    public double max() {
        return range()[1];
    }

    private float[] range() {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float f : data()) {
            lo = Math.min(lo, f);
            hi = Math.max(hi, f);
        }
        return new float[] {lo, hi};
    }

    /** The mean value. */
    @HostAccess.Export
    public double mean() {
        double s = 0;
        for (float f : data()) {
            s += f;
        }
        return s / Math.max(1, data().length);
    }

    /** {@code {size, min, max, mean, std, absmax}} in one pass. */
    @HostAccess.Export
    public Value stats() {
        double s = 0;
        double s2 = 0;
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float f : data()) {
            s += f;
            s2 += (double) f * f;
            lo = Math.min(lo, f);
            hi = Math.max(hi, f);
        }
        int n = Math.max(1, data().length);
        double mean = s / n;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size", data().length);
        m.put("min", lo);
        m.put("max", hi);
        m.put("mean", mean);
        m.put("std", Math.sqrt(Math.max(0, s2 / n - mean * mean)));
        m.put("absmax", Math.max(Math.abs(lo), Math.abs(hi)));
        return api.runtime().toJs(m);
    }

    /** SQNR in dB of {@code other} (a tensor view or a tensor name) against this tensor as the reference. */
    @HostAccess.Export
    public double sqnr(Value other) {
        Tensor o = other.isString() ? api.tensor(other.asString()).st.tensor()
                : other.isHostObject() && other.asHostObject() instanceof JsTensor t ? t.st.tensor() : null;
        if (o == null) {
            throw api.runtime().fail("sqnr needs another tensor (a qsh.tensor(...) view or a name)");
        }
        if (o.size() != size()) {
            throw api.runtime().fail("sqnr: " + name() + " has " + size() + " values, the other " + o.size());
        }
        return ErrorMetrics.sqnrDb(data(), o.data());
    }

    /** The values as a plain array (tensors up to a million values). */
    @HostAccess.Export
    public Value toArray() {
        if (size() > QshApi.ARRAY_LIMIT) {
            throw api.runtime().fail(name() + " has " + size() + " values; toArray() stops at " + QshApi.ARRAY_LIMIT
                    + " (use stats(), encode or the commands)");
        }
        return api.runtime().toJs(data());
    }

    /** Shortcut for {@code qsh.encode(name)}. */
    @HostAccess.Export
    public Value encode() {
        return api.encode(name(), null);
    }

    /** Shortcut for {@code qsh.encode(name, options)}. */
    @HostAccess.Export
    public Value encode(Value options) {
        return api.encode(name(), options);
    }

    @HostAccess.Export
    @Override
    public String toString() {
        return "tensor " + name() + " " + st.dtype() + " " + Format.shape(st.tensor().shape()) + " (" + st.origin() + ")";
    }
}
