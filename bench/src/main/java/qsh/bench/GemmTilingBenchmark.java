package qsh.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import qsh.core.exec.kernels.Conv;
import qsh.core.exec.kernels.Epilogue;
import qsh.core.exec.kernels.Sgemm;
import qsh.core.tensor.Tensor;

/**
 * The convolution kernels of issue 15's GEMM work, each shape with the setting on and off: {@code tiles} is the GEMM
 * over packed B tiles ({@code TiledGemm}) against the older kernels reading B in place; {@code compact} the compact
 * im2col rows of small planes and first layers against computing the garbage columns; {@code sixRows} the 6-row
 * tiles of 16-register machines (AVX2) against the 4-row ones (no effect with AVX-512's wide tiles). Shapes "C,H,W,M,kernel,stride"
 * from ResNet-18 and the zoo's first layers at 160 x 160. Both settings give the same bits (VectorKernelsTest).
 *
 * <p>{@code java -jar bench/target/qsh-benchmarks.jar GemmTilingBenchmark} (forks per setting; the commits' figures
 * alternated the settings inside one JVM, which a shared VM's drift affects less).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-modules=jdk.incubator.vector"})
public class GemmTilingBenchmark {
    @Param({"64,40,40,64,3,1", "256,10,10,256,3,1", "512,5,5,512,3,1", "64,40,40,128,3,2", "3,160,160,64,3,2"})
    public String shape;

    @Param({"true", "false"})
    public boolean tiles;

    @Param({"true", "false"})
    public boolean compact;

    @Param({"true", "false"})
    public boolean sixRows;

    private Conv.Prepared prepared;
    private Tensor x;
    private int[] strides;
    private int[] pads;

    /** Uniform(-1, 1) input, weights and bias, fixed seed; the settings for this fork. */
    @Setup
    public void setUp() {
        int[] s = java.util.Arrays.stream(shape.split(",")).mapToInt(Integer::parseInt).toArray();
        Random rnd = new Random(1);
        x = Tensor.of(new int[] {1, s[0], s[1], s[2]}, ConvKernelBenchmark.random(rnd, s[0] * s[1] * s[2]));
        Tensor w = Tensor.of(new int[] {s[3], s[0], s[4], s[4]},
                ConvKernelBenchmark.random(rnd, s[3] * s[0] * s[4] * s[4]));
        Tensor bias = Tensor.of(new int[] {s[3]}, ConvKernelBenchmark.random(rnd, s[3]));
        prepared = Conv.prepare(w, bias, 1, Epilogue.NONE);
        strides = new int[] {s[5], s[5]};
        int p = s[4] / 2;
        pads = new int[] {p, p, p, p};
        Sgemm.packedTiles(tiles);
        Conv.compactRows(compact);
        Sgemm.sixRowTiles(sixRows);
    }

    /** One convolution with prepared weights. */
    @Benchmark
    public Tensor conv() {
        return Conv.run(prepared, x, strides, pads, null);
    }
}
