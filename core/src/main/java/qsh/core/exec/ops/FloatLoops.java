package qsh.core.exec.ops;

import java.util.Arrays;
import qsh.core.exec.kernels.Buffers;
import qsh.core.exec.kernels.FloatMath;
import qsh.core.exec.kernels.Parallel;
import qsh.core.shape.Broadcasting;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;

/**
 * Monomorphic loops for the hot float element-wise ops. The generic paths call a lambda per element through
 * a shared (megamorphic) call site, which C2 can neither inline nor vectorize; these loops are plain array
 * code. Results are bit-identical to the generic paths (same float arithmetic).
 */
final class FloatLoops {
    static final int ADD = 0;
    static final int SUB = 1;
    static final int MUL = 2;
    static final int DIV = 3;
    /**
     * Elements below which an element-wise op stays on one thread, before {@link Parallel}'s scale (4 by
     * default, so 256K elements: these ops move memory at a few GB/s per core, and below that the hand-over and
     * the other core's cache cost about what they save).
     */
    static final int PARALLEL_MIN = 1 << 16;

    private FloatLoops() {}

    /** a op b with NumPy broadcasting; contiguous inner runs where one side is a run or a constant. */
    static Tensor binary(Tensor a, Tensor b, int op) {
        float[] x = a.data();
        float[] y = b.data();
        int[] as = a.shape();
        int[] bs = b.shape();
        if (Arrays.equals(as, bs)) {
            float[] o = Buffers.floats(x.length);
            Parallel.forRange(o.length, o.length, PARALLEL_MIN, (i0, i1) -> {
                run(op, x, i0, y, i0, o, i0, i1 - i0);
                flushProducts(op, o, i0, i1);
            });
            return Tensor.of(as, o);
        }
        int[] shape = Broadcasting.shape(as, bs);
        int r = shape.length;
        int[] pa = pad(as, r);
        int[] pb = pad(bs, r);
        // Longest suffix where both sides match (mode 0), else where b (1) or a (2) is constant.
        int mode = 0;
        int split = r;
        while (split > 0 && pa[split - 1] == pb[split - 1]) {
            split--;
        }
        if (split == r) {
            while (split > 0 && pb[split - 1] == 1) {
                split--;
            }
            mode = 1;
            if (split == r) {
                while (split > 0 && pa[split - 1] == 1) {
                    split--;
                }
                mode = 2;
            }
        }
        int inner = 1;
        for (int i = split; i < r; i++) {
            inner *= shape[i];
        }
        if (split == r || inner == 0) {
            return null; // no contiguous inner run: the caller's generic path
        }
        int[] outer = Arrays.copyOf(shape, split);
        int[] ma = Broadcast.indexMap(Arrays.copyOf(pa, split), outer);
        int[] mb = Broadcast.indexMap(Arrays.copyOf(pb, split), outer);
        int aInner = mode == 2 ? 1 : inner;
        int bInner = mode == 1 ? 1 : inner;
        float[] o = Buffers.floats(Math.toIntExact(Tensor.checkedSize(shape)));
        int fMode = mode;
        int fInner = inner;
        Parallel.forRange(ma.length, o.length, PARALLEL_MIN, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                int xo = ma[i] * aInner;
                int yo = mb[i] * bInner;
                int oo = i * fInner;
                if (fMode == 0) {
                    run(op, x, xo, y, yo, o, oo, fInner);
                } else if (fMode == 1) {
                    runScalarB(op, x, xo, y[yo], o, oo, fInner);
                } else {
                    runScalarA(op, x[xo], y, yo, o, oo, fInner);
                }
            }
            flushProducts(op, o, i0 * fInner, i1 * fInner); // one pass over the chunk (planes may be 25 floats)
        });
        return Tensor.of(shape, o);
    }

    /** Mul's products: subnormal ones become zeros of their sign ({@link FloatMath#flushSubnormal} says why). */
    private static void flushProducts(int op, float[] o, int from, int to) {
        if (op == MUL) {
            FloatMath.flushSubnormals(o, o, from, to);
        }
    }

    private static int[] pad(int[] s, int r) {
        int[] p = new int[r];
        Arrays.fill(p, 1);
        System.arraycopy(s, 0, p, r - s.length, s.length);
        return p;
    }

    private static void run(int op, float[] x, int xo, float[] y, int yo, float[] o, int oo, int n) {
        if (xo == yo && yo == oo) { // same index in all three arrays: the form C2 vectorizes
            int end = oo + n;
            switch (op) {
                case ADD -> { for (int i = oo; i < end; i++) { o[i] = x[i] + y[i]; } }
                case SUB -> { for (int i = oo; i < end; i++) { o[i] = x[i] - y[i]; } }
                case MUL -> { for (int i = oo; i < end; i++) { o[i] = x[i] * y[i]; } }
                default -> { for (int i = oo; i < end; i++) { o[i] = x[i] / y[i]; } }
            }
            return;
        }
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) { o[oo + i] = x[xo + i] + y[yo + i]; } }
            case SUB -> { for (int i = 0; i < n; i++) { o[oo + i] = x[xo + i] - y[yo + i]; } }
            case MUL -> { for (int i = 0; i < n; i++) { o[oo + i] = x[xo + i] * y[yo + i]; } }
            default -> { for (int i = 0; i < n; i++) { o[oo + i] = x[xo + i] / y[yo + i]; } }
        }
    }

    private static void runScalarB(int op, float[] x, int xo, float v, float[] o, int oo, int n) {
        if (xo == oo) {
            int end = oo + n;
            switch (op) {
                case ADD -> { for (int i = oo; i < end; i++) { o[i] = x[i] + v; } }
                case SUB -> { for (int i = oo; i < end; i++) { o[i] = x[i] - v; } }
                case MUL -> { for (int i = oo; i < end; i++) { o[i] = x[i] * v; } }
                default -> { for (int i = oo; i < end; i++) { o[i] = x[i] / v; } }
            }
            return;
        }
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) { o[oo + i] = x[xo + i] + v; } }
            case SUB -> { for (int i = 0; i < n; i++) { o[oo + i] = x[xo + i] - v; } }
            case MUL -> { for (int i = 0; i < n; i++) { o[oo + i] = x[xo + i] * v; } }
            default -> { for (int i = 0; i < n; i++) { o[oo + i] = x[xo + i] / v; } }
        }
    }

    private static void runScalarA(int op, float v, float[] y, int yo, float[] o, int oo, int n) {
        if (yo == oo) { // the same-index form C2 vectorizes (EfficientNet-B0's 16 scale * input Muls: 0.86 -> 0.52 ms a run)
            int end = oo + n;
            switch (op) {
                case ADD -> { for (int i = oo; i < end; i++) { o[i] = v + y[i]; } }
                case SUB -> { for (int i = oo; i < end; i++) { o[i] = v - y[i]; } }
                case MUL -> { for (int i = oo; i < end; i++) { o[i] = v * y[i]; } }
                default -> { for (int i = oo; i < end; i++) { o[i] = v / y[i]; } }
            }
            return;
        }
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) { o[oo + i] = v + y[yo + i]; } }
            case SUB -> { for (int i = 0; i < n; i++) { o[oo + i] = v - y[yo + i]; } }
            case MUL -> { for (int i = 0; i < n; i++) { o[oo + i] = v * y[yo + i]; } }
            default -> { for (int i = 0; i < n; i++) { o[oo + i] = v / y[yo + i]; } }
        }
    }

    /**
     * ONNX Relu, max(x, 0). Math.max rather than x > 0 ? x : 0: C2 vectorizes it (0.09 vs 0.34 ns per element
     * measured); the two differ only for NaN, which now stays NaN as it does through Clip. The fused epilogue
     * ({@link qsh.core.exec.kernels.Activation}) computes the same.
     */
    static Tensor relu(Tensor t) {
        float[] d = t.data();
        float[] o = Buffers.floats(d.length);
        Parallel.forRange(d.length, d.length, PARALLEL_MIN, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                o[i] = Math.max(d[i], 0f);
            }
        });
        return Tensor.of(t.shape(), o);
    }

    /** An array kernel y[i] = f(x[i]) over [from, to) ({@link qsh.core.exec.kernels.FloatMath}'s). */
    @FunctionalInterface
    interface ArrayKernel {
        void run(float[] x, float[] y, int from, int to);
    }

    /**
     * f applied element-wise into a new buffer; on both cores from 64K elements (4 units of work each, before
     * {@link Parallel}'s scale: a vectorized transcendental costs a few times a memory-bound Add).
     */
    static Tensor map(Tensor t, ArrayKernel f) {
        float[] d = t.data();
        float[] o = Buffers.floats(d.length);
        Parallel.forRange(d.length, 4L * d.length, PARALLEL_MIN, (i0, i1) -> f.run(d, o, i0, i1));
        return Tensor.of(t.shape(), o);
    }

    /**
     * ONNX Pow with one exponent for all of x (the usual Pow(x, 2) of a variance, or 0.5, 3): x * x (the
     * correctly rounded square, as (float) Math.pow(x, 2) in double is), sqrt for 0.5 (with pow's -0 -> +0 and
     * -Inf -> +Inf), else (float) Math.pow(x, e) in one monomorphic loop. Null when the exponent has more than one
     * element or would broadcast x to a larger rank (the caller's general path).
     */
    static Tensor powScalarExponent(Tensor x, Object exponent) {
        int[] es = exponent instanceof Tensor ? ((Tensor) exponent).shape()
                : exponent instanceof LongTensor ? ((LongTensor) exponent).shape() : null;
        if (es == null || es.length > x.rank() || Tensor.checkedSize(es) != 1) {
            return null;
        }
        double e = ElementwiseOps.scalar(exponent);
        float[] d = x.data();
        float[] o = Buffers.floats(d.length);
        Parallel.forRange(d.length, 16L * d.length, PARALLEL_MIN, (i0, i1) -> {
            if (e == 2) {
                for (int i = i0; i < i1; i++) {
                    o[i] = d[i] * d[i];
                }
            } else if (e == 0.5) {
                for (int i = i0; i < i1; i++) {
                    float v = d[i];
                    o[i] = v == 0 ? 0f : v == Float.NEGATIVE_INFINITY ? Float.POSITIVE_INFINITY : (float) Math.sqrt(v);
                }
            } else if (e == 1) {
                System.arraycopy(d, i0, o, i0, i1 - i0);
            } else {
                for (int i = i0; i < i1; i++) {
                    o[i] = (float) Math.pow(d[i], e);
                }
            }
        });
        return Tensor.of(x.shape(), o);
    }

    /** min(hi, max(lo, x)). */
    static Tensor clip(Tensor t, float lo, float hi) {
        float[] d = t.data();
        float[] o = Buffers.floats(d.length);
        Parallel.forRange(d.length, d.length, PARALLEL_MIN, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                o[i] = Math.min(hi, Math.max(lo, d[i]));
            }
        });
        return Tensor.of(t.shape(), o);
    }
}
