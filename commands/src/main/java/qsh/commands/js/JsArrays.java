package qsh.commands.js;

import java.util.ArrayList;
import java.util.List;
import org.graalvm.polyglot.Value;

/**
 * JS arguments that are not options objects (arrays of numbers, of file names) as Java values; a wrong kind is a
 * JavaScript Error naming the argument, never a Java ClassCastException.
 */
final class JsArrays {
    private JsArrays() {}

    /** What a non-string argument is, in JavaScript's words ("a function", "an array", ...). */
    static String kind(Value v) {
        return v.canExecute() ? "a function" : v.hasArrayElements() ? "an array" : v.isNumber() ? "a number"
                : v.isBoolean() ? "a boolean" : "an object";
    }

    /** A JS array (or typed array) of numbers as floats; refuses more than {@link QshApi#ARRAY_LIMIT}. */
    static float[] floats(JsRuntime rt, Value v, String what) {
        if (v == null || !v.hasArrayElements()) {
            throw rt.fail(what + " must be an array or a typed array of numbers");
        }
        long n = v.getArraySize();
        if (n > QshApi.ARRAY_LIMIT) {
            throw rt.fail(what + " has " + n + " elements; at most " + QshApi.ARRAY_LIMIT + " cross into qsh this way");
        }
        float[] f = new float[(int) n];
        for (int i = 0; i < f.length; i++) {
            Value e = v.getArrayElement(i);
            if (!e.isNumber()) {
                throw rt.fail(what + "[" + i + "] is not a number");
            }
            f[i] = (float) e.asDouble();
        }
        return f;
    }

    /** A JS array of integers. */
    static int[] ints(JsRuntime rt, Value v, String what) {
        float[] f = floats(rt, v, what);
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            if (f[i] != Math.rint(f[i])) {
                throw rt.fail(what + "[" + i + "] must be an integer, not " + f[i]);
            }
            out[i] = (int) f[i];
        }
        return out;
    }

    /**
     * The raw input files of {@code qsh.FUNCTION}: a string, an array of strings ({@code NAME:=FILE.raw} or paths),
     * or none for null and undefined (then {@code {random: true}} says what to feed, as the command's words do).
     */
    static List<String> files(JsRuntime rt, Value inputs, String function) {
        List<String> files = new ArrayList<>();
        if (inputs == null || inputs.isNull()) {
            return files;
        }
        if (inputs.isString()) {
            files.add(inputs.asString());
            return files;
        }
        if (!inputs.hasArrayElements()) {
            throw rt.fail("qsh." + function + " needs a raw file, an array of them (NAME:=FILE.raw) or null with"
                    + " {random: true}, not " + kind(inputs));
        }
        for (long i = 0; i < inputs.getArraySize(); i++) {
            Value v = inputs.getArrayElement(i);
            if (v == null || !v.isString()) {
                throw rt.fail("qsh." + function + " inputs[" + i + "] must be a string (NAME:=FILE.raw or a path), not "
                        + (v == null || v.isNull() ? "null" : kind(v)));
            }
            files.add(v.asString());
        }
        return files;
    }
}
