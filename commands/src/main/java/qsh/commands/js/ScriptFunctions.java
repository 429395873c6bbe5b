package qsh.commands.js;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.ConfigCallbacks;
import qsh.core.io.FileAccessPolicy;
import qsh.core.graph.Graph;
import qsh.core.graph.ValueInfo;
import qsh.core.tensor.Tensor;

/**
 * JavaScript functions named in a YAML config ({@code path/to/file.js:functionName}) as Java callbacks for
 * AdaRound, AMP and AutoQuant, the JS counterparts of the spec's Python callbacks:
 * <ul>
 *   <li>a data loader {@code function(kwargs)} returns an array (or iterable) of batches; a batch is the inputs
 *       {@code {inputName: values}} (or just the values, for a one-input model) or {@code [inputs, target]};
 *       values are a tensor view, a typed array or array holding B samples back to back, or an array of B
 *       per-sample values; the target is any JSON value (e.g. the B labels);</li>
 *   <li>an evaluator {@code function(output, target) → number} (or {@code [number, …]}, as the spec's
 *       accuracy returns) per batch, where output holds the B rows of the model's first output;</li>
 *   <li>a model evaluator {@code function(model) → number} and a forward pass {@code function(model)} or
 *       {@code function(model, inputs)}, where {@code model.run(sample)} runs one sample.</li>
 * </ul>
 * Every call happens inside {@link JsBridge#withScripts}, on the command's thread (the context is
 * single-threaded); an error in a callback, or a value of the wrong shape, is one line naming the file and function.
 */
public final class ScriptFunctions implements ConfigCallbacks {
    /**
     * A callback file runs as the body of a function of its own (module-like): its top-level declarations are its
     * own, so two files may both define {@code forward}, and running a config again redeclares nothing. The body ends
     * by handing back a lookup of its names (a direct eval sees the function's scope). The prefix is on the file's
     * first line, so error line numbers stay the file's.
     */
    private static final String MODULE_START = "(function () {";
    private static final String MODULE_END = "\n;return (qsh$name) => { try { return eval(qsh$name); } catch (qsh$e) {"
            + " return undefined; } };\n})()";
    private static final java.util.regex.Pattern IDENTIFIER = java.util.regex.Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

    private final JsRuntime rt;
    private final JsBridge bridge;
    private final QshApi api;
    /** Each file's scope (its name lookup), evaluated once per command that uses it. */
    private final Map<Path, Value> scopes = new HashMap<>();

    ScriptFunctions(JsRuntime rt, JsBridge bridge) {
        this.rt = rt;
        this.bridge = bridge;
        this.api = new QshApi(rt);
    }

    /** Runs {@code body} (JavaScript of {@code file}) with the files it may reach: the usual ones and its own folder. */
    private <T> T in(Path file, java.util.function.Supplier<T> body) {
        return rt.under(bridge.scriptAccess(file.toAbsolutePath().getParent()), body);
    }

    private static String name(Path file, String fn) {
        return file.getFileName() + ":" + fn;
    }

    /** The function {@code fn} of {@code file} (the file is evaluated once per scope). */
    private Value function(Path file, String fn) {
        if (!IDENTIFIER.matcher(fn).matches()) {
            throw new CommandException(file.getFileName() + ":" + fn + ": '" + fn + "' is not a function name (letters, digits, _ and $)");
        }
        Path key = file.toAbsolutePath().normalize();
        Value scope = scopes.get(key);
        if (scope == null) {
            String code;
            FileAccessPolicy.requireRead(file); // a config run by a script: the script's folders
            try {
                code = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CommandException("cannot read callback file " + file + ": " + e.getMessage());
            }
            try {
                String module = MODULE_START + code + MODULE_END;
                scope = in(file, () -> rt.context().eval(Source.newBuilder("js", module, file.getFileName().toString()).buildLiteral()));
            } catch (PolyglotException e) {
                throw rt.error(e, file.getFileName().toString());
            }
            scopes.put(key, scope);
        }
        Value lookup = scope;
        Value v = in(file, () -> lookup.execute(fn));
        if (v == null || !v.canExecute()) {
            throw new CommandException(file.getFileName() + " defines no function '" + fn + "' (declare it at the top level: "
                    + "function " + fn + "(…) { … })");
        }
        return v;
    }

    private Value call(Path file, String fn, Object... args) {
        Value f = function(file, fn);
        try {
            return in(file, () -> f.execute(args));
        } catch (PolyglotException e) {
            throw rt.error(e, name(file, fn));
        }
    }

    /** Calls a data loader with {@code kwargs}; returns its batches for {@code model}, at most {@code maxSamples} samples. */
    @Override
    public List<Batch> batches(Path file, String fn, Map<String, Object> kwargs, Graph model, int maxSamples) {
        String who = name(file, fn);
        Value ret = call(file, fn, rt.toJs(kwargs));
        // reading the batches may run the script's code (an iterator, a getter): under its policy too
        return in(file, () -> batches(ret, who, model, maxSamples));
    }

    private List<Batch> batches(Value ret, String who, Graph model, int maxSamples) {
        List<Value> items = new ArrayList<>();
        try {
            if (ret.hasArrayElements()) {
                for (long i = 0; i < ret.getArraySize(); i++) {
                    items.add(ret.getArrayElement(i));
                }
            } else if (ret.hasIterator()) {
                Value it = ret.getIterator();
                while (it.hasIteratorNextElement()) {
                    items.add(it.getIteratorNextElement());
                }
            } else {
                throw new CommandException(who + " must return an array of batches, not " + ret);
            }
            List<Batch> out = new ArrayList<>();
            int total = 0;
            for (int b = 0; b < items.size() && total < maxSamples; b++) {
                Batch batch = batch(items.get(b), model, who + ": batch " + b);
                out.add(batch);
                total += batch.samples().size();
            }
            if (out.isEmpty()) {
                throw new CommandException(who + " returned no batches");
            }
            return out;
        } catch (PolyglotException e) {
            throw rt.error(e, who);
        }
    }

    private Batch batch(Value b, Graph model, String where) {
        Value x = b;
        Value y = null;
        if (b.hasArrayElements() && !isHostTensor(b) && b.getArraySize() == 2 && !b.getArrayElement(0).isNumber()
                && !(model.inputs().size() == 1 && b.getArrayElement(0).hasArrayElements()
                     && b.getArrayElement(1).hasArrayElements() && b.getArrayElement(1).getArraySize() > 0
                     && !b.getArrayElement(1).getArrayElement(0).isNumber())) {
            x = b.getArrayElement(0);
            y = b.getArrayElement(1);
        }
        List<Map<String, Tensor>> samples = null;
        boolean byName = x.hasMembers() && !x.hasArrayElements() && !isHostTensor(x);
        if (!byName && model.inputs().size() != 1) {
            throw new CommandException(where + ": the model has inputs " + model.inputs().stream().map(ValueInfo::name).toList()
                    + ": give {name: values} for each");
        }
        for (ValueInfo in : model.inputs()) {
            Value v = byName ? x.getMember(in.name()) : x;
            if (v == null || v.isNull()) {
                throw new CommandException(where + ": no value for input '" + in.name() + "' (the batch has " + x.getMemberKeys() + ")");
            }
            List<Tensor> per = split(v, in, where);
            if (samples == null) {
                samples = new ArrayList<>();
                for (int i = 0; i < per.size(); i++) {
                    samples.add(new LinkedHashMap<>());
                }
            } else if (samples.size() != per.size()) {
                throw new CommandException(where + ": input '" + in.name() + "' has " + per.size() + " samples, the others "
                        + samples.size());
            }
            for (int i = 0; i < per.size(); i++) {
                samples.get(i).put(in.name(), per.get(i));
            }
        }
        Object target = y == null ? null : rt.toJava(y);
        if (target instanceof List<?> l && l.size() != samples.size()) {
            throw new CommandException(where + ": " + samples.size() + " samples but " + l.size() + " targets");
        }
        return new Batch(samples, target);
    }

    private static boolean isHostTensor(Value v) {
        return v.isHostObject() && v.asHostObject() instanceof JsTensor;
    }

    /** One input's values of a batch as per-sample tensors of the input's shape (batch 1). */
    private List<Tensor> split(Value v, ValueInfo in, String where) {
        int[] shape = new int[in.dims().length];
        int per = 1;
        for (int k = 0; k < shape.length; k++) {
            shape[k] = (int) Math.max(1, in.dims()[k]);
            per *= shape[k];
        }
        List<Tensor> out = new ArrayList<>();
        if (isHostTensor(v)) {
            return chunks(((JsTensor) v.asHostObject()).tensor().data(), per, shape, in, where);
        }
        if (!v.hasArrayElements()) {
            throw new CommandException(where + ": input '" + in.name() + "' must be a tensor, a typed array or an array, not " + v);
        }
        long n = v.getArraySize();
        if (n > 0 && !v.getArrayElement(0).isNumber()) { // an array of per-sample values
            for (long i = 0; i < n; i++) {
                out.addAll(split(v.getArrayElement(i), in, where + ", sample " + i));
            }
            return out;
        }
        if (n > (long) QshApi.ARRAY_LIMIT * 16) {
            throw new CommandException(where + ": input '" + in.name() + "' has " + n + " values: split it into smaller batches");
        }
        float[] f = new float[(int) n];
        for (int i = 0; i < f.length; i++) {
            Value e = v.getArrayElement(i);
            if (!e.isNumber()) {
                throw new CommandException(where + ": input '" + in.name() + "'[" + i + "] is not a number");
            }
            f[i] = (float) e.asDouble();
        }
        return chunks(f, per, shape, in, where);
    }

    private static List<Tensor> chunks(float[] f, int per, int[] shape, ValueInfo in, String where) {
        if (f.length == 0 || f.length % per != 0) {
            throw new CommandException(where + ": input '" + in.name() + "' has " + f.length + " values, not a multiple of "
                    + per + " (one sample " + in.shapeString() + ")");
        }
        List<Tensor> out = new ArrayList<>();
        for (int s = 0; s < f.length / per; s++) {
            float[] one = new float[per];
            System.arraycopy(f, s * per, one, 0, per);
            for (float x : one) {
                if (!Float.isFinite(x)) {
                    throw new CommandException(where + ": input '" + in.name() + "' of sample " + s + " holds " + x + " (NaN or infinity)");
                }
            }
            out.add(Tensor.of(shape.clone(), one));
        }
        return out;
    }

    /** An evaluator {@code function(output, target) → number | [number, …]}. */
    @Override
    public BatchMetric metric(Path file, String fn) {
        function(file, fn);
        String who = name(file, fn);
        return (outputs, target) -> {
            return in(file, () -> number(call(file, fn, rt.toJs(outputs), rt.toJs(target)), who));
        };
    }

    /** A model evaluator {@code function(model) → number}; the model is the simulated quantized one. */
    @Override
    public ToDoubleFunction<Graph> modelMetric(Path file, String fn) {
        function(file, fn);
        String who = name(file, fn);
        return g -> {
            JsModel m = new JsModel(api, g, true, null);
            try {
                return in(file, () -> number(call(file, fn, m), who));
            } finally {
                m.close(); // a handle dies with its callback
            }
        };
    }

    /**
     * Calls a forward-pass function ({@code function(model)}, or {@code function(model, inputs)} once per batch
     * when {@code batches} is given) on the float model and returns every sample it ran (for calibration).
     */
    @Override
    public List<Map<String, Tensor>> forwardPass(Path file, String fn, Graph model, List<Batch> batches) {
        List<Map<String, Tensor>> seen = new ArrayList<>();
        if (batches == null) {
            callWithModel(file, fn, new JsModel(api, model, false, seen));
        } else {
            for (Batch b : batches) {
                for (Map<String, Tensor> s : b.samples()) {
                    Map<String, Object> plain = new LinkedHashMap<>();
                    s.forEach((k, t) -> plain.put(k, t.data()));
                    callWithModel(file, fn, new JsModel(api, model, false, seen), rt.toJs(plain));
                }
            }
        }
        if (seen.isEmpty()) {
            throw new CommandException(name(file, fn) + " ran no samples (call model.run(sample) for each one)");
        }
        return seen;
    }

    /** Calls {@code fn} with a model handle first, and ends the handle when the call returns. */
    private void callWithModel(Path file, String fn, JsModel m, Object... more) {
        Object[] args = new Object[more.length + 1];
        args[0] = m;
        System.arraycopy(more, 0, args, 1, more.length);
        try {
            call(file, fn, args);
        } finally {
            m.close();
        }
    }

    private static double number(Value r, String who) {
        Value v = r.hasArrayElements() && r.getArraySize() > 0 ? r.getArrayElement(0) : r;
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new CommandException(who + " must return a finite number (or [number, …]), not " + r);
        }
        return v.asDouble();
    }
}
