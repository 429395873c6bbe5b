package qsh.core.exec.ops;

import java.util.Arrays;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import qsh.core.exec.kernels.Buffers;
import qsh.core.exec.kernels.FloatMath;
import qsh.core.exec.kernels.Parallel;
import qsh.core.shape.Broadcasting;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;

/** Activations and broadcasting arithmetic (ONNX operator definitions; float32 results). */
final class ElementwiseOps {
    private ElementwiseOps() {}

    static void register(Map<String, OpKernel> m) {
        binary(m, "Add", FloatLoops.ADD, (a, b) -> a + b, (a, b) -> a + b);
        binary(m, "Sub", FloatLoops.SUB, (a, b) -> a - b, (a, b) -> a - b);
        // the product flushed to zero where subnormal (FloatMath.flushSubnormal), as FloatLoops' Mul
        binary(m, "Mul", FloatLoops.MUL, (a, b) -> FloatMath.flushSubnormal(a * b), (a, b) -> a * b);
        binary(m, "Div", FloatLoops.DIV, (a, b) -> a / b, (a, b) -> {
            if (b == 0) {
                throw new IllegalArgumentException("integer division by zero");
            }
            return a / b;
        });
        Broadcast.FloatOp pow = (a, b) -> (float) Math.pow(a, b);
        OpKernel generalPow = binaryKernel(-1, pow, (a, b) -> (long) Math.pow(a, b));
        m.put("Pow", (n, in, op) -> {
            Tensor fast = in[0] instanceof Tensor && !n.hasAttr("axis") ? FloatLoops.powScalarExponent((Tensor) in[0], in[1])
                    : null;
            return fast != null ? new Object[] {fast} : generalPow.run(n, in, op);
        });
        variadic(m, "Max", Math::max, Math::max);
        variadic(m, "Min", Math::min, Math::min);
        variadic(m, "Sum", (a, b) -> a + b, (a, b) -> a + b);
        m.put("Relu", (n, in, op) -> new Object[] {FloatLoops.relu(asFloat(in[0]))});
        // the transcendental ops: qsh's float kernels (FloatMath: within 2 ulp, vectorized)
        m.put("Sigmoid", (n, in, op) -> new Object[] {FloatLoops.map(asFloat(in[0]), FloatMath::sigmoid)});
        m.put("Tanh", (n, in, op) -> new Object[] {FloatLoops.map(asFloat(in[0]), FloatMath::tanh)});
        m.put("Exp", (n, in, op) -> new Object[] {FloatLoops.map(asFloat(in[0]), FloatMath::exp)});
        m.put("Log", (n, in, op) -> new Object[] {FloatLoops.map(asFloat(in[0]), FloatMath::log)});
        unary(m, "Sqrt", Math::sqrt);
        unary(m, "Neg", x -> -x);
        unary(m, "Abs", Math::abs);
        unary(m, "Floor", Math::floor);
        unary(m, "Ceil", Math::ceil);
        unary(m, "Reciprocal", x -> 1 / x);
        m.put("Erf", (n, in, op) -> new Object[] {FloatLoops.map(asFloat(in[0]), FloatMath::erf)});
        m.put("HardSwish", (n, in, op) -> new Object[] {FloatLoops.map(asFloat(in[0]), (x, y, from, to) ->
                FloatMath.hardSwish(x, y, from, to, FloatMath.HARD_SWISH_ALPHA, FloatMath.HARD_SWISH_BETA))});
        m.put("LeakyRelu", (n, in, op) -> {
            float alpha = n.attrFloat("alpha", 0.01f);
            return map(in[0], x -> x >= 0 ? x : alpha * x);
        });
        m.put("HardSigmoid", (n, in, op) -> {
            float alpha = n.attrFloat("alpha", 0.2f);
            float beta = n.attrFloat("beta", 0.5f);
            // in float with one fused multiply-add, as the fused epilogue (Activation.hardSigmoid) computes it
            return new Object[] {FloatLoops.map(asFloat(in[0]), (x, y, from, to) ->
                    FloatMath.hardSigmoid(x, y, from, to, alpha, beta))};
        });
        m.put("Elu", (n, in, op) -> {
            float alpha = n.attrFloat("alpha", 1f);
            return map(in[0], x -> x >= 0 ? x : alpha * (Math.exp(x) - 1));
        });
        m.put("Clip", (n, in, op) -> {
            // Clip-1/6: min/max attributes; Clip-11: optional inputs 1 and 2 (whichever form the node has)
            float lo = n.hasAttr("min") ? n.attrFloat("min", 0f)
                    : in.length > 1 && in[1] != null ? scalar(in[1]) : Float.NEGATIVE_INFINITY;
            float hi = n.hasAttr("max") ? n.attrFloat("max", 0f)
                    : in.length > 2 && in[2] != null ? scalar(in[2]) : Float.POSITIVE_INFINITY;
            return new Object[] {FloatLoops.clip(asFloat(in[0]), lo, hi)};
        });
        // Softplus: ln(1 + e^x), written so that e^x cannot overflow
        unary(m, "Softplus", x -> x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
        unary(m, "Sign", Math::signum);
        m.put("Selu", (n, in, op) -> {
            // ONNX defaults: alpha and gamma of Klambauer et al. 2017 (self-normalizing networks), as float attributes
            double alpha = n.attrFloat("alpha", 1.67326319217659600f);
            double gamma = n.attrFloat("gamma", 1.05070102214813232f);
            return map(in[0], x -> x > 0 ? gamma * x : gamma * alpha * (Math.exp(x) - 1));
        });
        m.put("Shrink", (n, in, op) -> {
            float lambd = n.attrFloat("lambd", 0.5f);
            float bias = n.attrFloat("bias", 0f);
            return map(in[0], x -> x < -lambd ? x + bias : x > lambd ? x - bias : 0);
        });
        m.put("PRelu", (n, in, op) -> new Object[] {prelu(asFloat(in[0]), asFloat(in[1]), op)});
        m.put("Identity", (n, in, op) -> new Object[] {in[0]});
        m.put("Dropout", (n, in, op) -> { // inference: identity, mask all true
            if (n.outputs().size() < 2 || n.output(1).isEmpty()) {
                return new Object[] {in[0]}; // no mask asked for: none made
            }
            return new Object[] {in[0], onesMask(ShapeOps.shape(in[0]))};
        });
    }

    /** The last all-true Dropout mask made, for the next run of the same shape. */
    private static volatile LongTensor lastMask;

    /**
     * An all-true mask of this shape, the same one for every run of a shape: light_squeezenet's Dropout, whose mask is a
     * graph output, made a new 692 KB array each run, a humongous allocation to G1 (1.8 of the model's 9 ms a run, in
     * collector pauses). Shared safely: nothing writes a LongTensor's data after it is made, and runs only recycle
     * float tensors.
     */
    private static LongTensor onesMask(int[] shape) {
        LongTensor m = lastMask;
        if (m == null || !Arrays.equals(m.shape(), shape)) {
            long[] ones = new long[Math.toIntExact(Tensor.checkedSize(shape))];
            Arrays.fill(ones, 1L);
            m = LongTensor.of(shape, ones);
            lastMask = m;
        }
        return m;
    }

    /**
     * PRelu: y = x for x >= 0, slope · x otherwise, slope broadcast unidirectionally to X (opset 7 on; before 7, a
     * slope of C elements is per channel, axis 1). A slope of one element or one per channel (the usual [C, 1, 1])
     * runs plane by plane; any other shape through the broadcast index maps.
     */
    static Tensor prelu(Tensor x, Tensor slope, long opset) {
        int[] xs = x.shape();
        int channels = xs.length >= 2 ? xs[1] : 1;
        boolean perChannel = x.rank() >= 2 && slope.size() == channels && slope.size() > 1
                && (opset < 7 && slope.rank() == 1 || slope.rank() == x.rank() - 1 && slope.dim(0) == channels
                || slope.rank() == x.rank() && slope.dim(0) == 1 && slope.dim(1) == channels);
        if (slope.size() == 1 && slope.rank() <= x.rank()) {
            float a = slope.get(0);
            return (Tensor) map(x, v -> v >= 0 ? v : v * a)[0]; // a float product is exact in double
        }
        if (!perChannel) {
            if (!Arrays.equals(Broadcasting.shape(xs, slope.shape()), xs)) {
                throw new IllegalArgumentException("PRelu slope " + slope.shapeString() + " does not broadcast to X "
                        + x.shapeString());
            }
            return Broadcast.apply(x, slope, (a, b) -> a >= 0 ? a : a * b);
        }
        float[] xd = x.data();
        float[] sd = slope.data();
        float[] y = Buffers.floats(xd.length);
        int planes = xs[0] * channels;
        int plane = planes == 0 ? 0 : xd.length / planes;
        Parallel.forRange(planes, xd.length, FloatLoops.PARALLEL_MIN, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                float a = sd[p % channels];
                for (int i = p * plane; i < (p + 1) * plane; i++) {
                    float v = xd[i];
                    y[i] = v >= 0 ? v : v * a;
                }
            }
        });
        return Tensor.of(xs, y);
    }

    static float scalar(Object o) {
        if (o instanceof Tensor) {
            return ((Tensor) o).get(0);
        }
        return ((LongTensor) o).data()[0];
    }

    private static void binary(Map<String, OpKernel> m, String name, Broadcast.FloatOp f, Broadcast.LongOp l) {
        binary(m, name, -1, f, l);
    }

    /** code: a {@link FloatLoops} op for the monomorphic float path, -1 for none. */
    private static void binary(Map<String, OpKernel> m, String name, int code, Broadcast.FloatOp f,
                               Broadcast.LongOp l) {
        m.put(name, binaryKernel(code, f, l));
    }

    private static OpKernel binaryKernel(int code, Broadcast.FloatOp f, Broadcast.LongOp l) {
        return (n, in, op) -> {
            if (n.hasAttr("axis")) { // the pre-opset-7 form: broadcast=1 with B aligned at axis
                in = in.clone();
                in[1] = ShapeOps.reshape(in[1], Broadcasting.legacyOperandShape(n, ShapeOps.shape(in[0]).length, ShapeOps.shape(in[1])));
            }
            if (in[0] instanceof LongTensor && in[1] instanceof LongTensor) {
                return new Object[] {Broadcast.apply((LongTensor) in[0], (LongTensor) in[1], l)};
            }
            Tensor a = asFloat(in[0]);
            Tensor b = asFloat(in[1]);
            Tensor fast = code < 0 ? null : FloatLoops.binary(a, b, code);
            return new Object[] {fast != null ? fast : Broadcast.apply(a, b, f)};
        };
    }

    /** Max/Min/Sum: any number of inputs, folded left with broadcasting. */
    private static void variadic(Map<String, OpKernel> m, String name, Broadcast.FloatOp f, Broadcast.LongOp l) {
        m.put(name, (n, in, op) -> {
            Object acc = in[0];
            for (int i = 1; i < in.length; i++) {
                if (acc instanceof LongTensor && in[i] instanceof LongTensor) {
                    acc = Broadcast.apply((LongTensor) acc, (LongTensor) in[i], l);
                } else {
                    acc = Broadcast.apply(asFloat(acc), asFloat(in[i]), f);
                }
            }
            return new Object[] {acc};
        });
    }

    private static void unary(Map<String, OpKernel> m, String name, DoubleUnaryOperator f) {
        m.put(name, (n, in, op) -> map(in[0], f));
    }

    private static Object[] map(Object o, DoubleUnaryOperator f) {
        Tensor x = asFloat(o);
        float[] d = x.data();
        float[] out = Buffers.floats(d.length);
        // unary ops cost tens of cycles per element (exp, tanh, a call through f): parallel from 4K elements
        Parallel.forRange(d.length, 16L * d.length, FloatLoops.PARALLEL_MIN, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                out[i] = (float) f.applyAsDouble(d[i]);
            }
        });
        return new Object[] {Tensor.of(x.shape(), out)};
    }

    static Tensor asFloat(Object o) {
        if (o instanceof Tensor) {
            return (Tensor) o;
        }
        if (o instanceof LongTensor) {
            return ((LongTensor) o).toFloat();
        }
        throw new IllegalArgumentException("missing input");
    }
}
