package qsh.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import qsh.core.exec.kernels.Conv;
import qsh.core.exec.kernels.Sgemm;
import qsh.core.tensor.Tensor;

/**
 * Executor kernels on the brief's shapes: sgemm 512^3, conv 3x3 32->64 @80x80, pointwise 128->128 @40x40,
 * depthwise 3x3 32ch @160x160 (GFLOP/s = 2*MACs / time; MACs in each method's doc).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-modules=jdk.incubator.vector"})
public class ConvKernelBenchmark {
    private static final int S = 512;
    private static final int[] ONE = {1, 1};
    private static final int[] PAD1 = {1, 1, 1, 1};
    private float[] a;
    private float[] b;
    private float[] c;
    private Tensor x3x3;
    private Tensor w3x3;
    private Tensor xPointwise;
    private Tensor wPointwise;
    private Tensor xDepthwise;
    private Tensor wDepthwise;

    /** Uniform(-1, 1) inputs, fixed seed. */
    @Setup
    public void setUp() {
        Random rnd = new Random(1);
        a = random(rnd, S * S);
        b = random(rnd, S * S);
        c = new float[S * S];
        x3x3 = Tensor.of(new int[] {1, 32, 80, 80}, random(rnd, 32 * 80 * 80));
        w3x3 = Tensor.of(new int[] {64, 32, 3, 3}, random(rnd, 64 * 32 * 9));
        xPointwise = Tensor.of(new int[] {1, 128, 40, 40}, random(rnd, 128 * 40 * 40));
        wPointwise = Tensor.of(new int[] {128, 128, 1, 1}, random(rnd, 128 * 128));
        xDepthwise = Tensor.of(new int[] {1, 32, 160, 160}, random(rnd, 32 * 160 * 160));
        wDepthwise = Tensor.of(new int[] {32, 1, 3, 3}, random(rnd, 32 * 9));
    }

    /** n values uniform in (-1, 1) from {@code rnd} (the kernel benchmarks' inputs and weights). */
    static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextFloat() * 2f - 1f;
        }
        return v;
    }

    /** 512^3 = 134.2 M MACs. */
    @Benchmark
    public float[] sgemm512() {
        Sgemm.multiply(S, S, S, 1f, a, 0, S, false, b, 0, S, false, 0f, c, 0, S);
        return c;
    }

    /** 64*80*80*32*9 = 117.96 M MACs. */
    @Benchmark
    public Tensor conv3x3() {
        return Conv.conv(x3x3, w3x3, null, ONE, PAD1, ONE, 1);
    }

    /** 128*40*40*128 = 26.2 M MACs. */
    @Benchmark
    public Tensor convPointwise() {
        return Conv.conv(xPointwise, wPointwise, null, ONE, new int[4], ONE, 1);
    }

    /** 32*160*160*9 = 7.37 M MACs. */
    @Benchmark
    public Tensor convDepthwise() {
        return Conv.conv(xDepthwise, wDepthwise, null, ONE, PAD1, ONE, 32);
    }
}
