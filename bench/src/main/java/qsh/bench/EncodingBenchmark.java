package qsh.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import qsh.core.quant.EncoderOptions;
import qsh.core.quant.Encoders;
import qsh.core.quant.Encoding;
import qsh.core.quant.Explanation;
import qsh.core.quant.QuantKernels;
import qsh.core.quant.QuantMode;
import qsh.core.quant.Rounding;

/**
 * The encoding core over one large tensor (16 M floats by default), each figure read against
 * {@code System.arraycopy} of the same array in the same run (targets: tf ≤ 2× arraycopy, fake-quant ≤ 3×,
 * enhanced ≤ 4× tf). Data: Laplace(0, 1), a long-tailed weight/activation-like distribution.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class EncodingBenchmark {
    /** Number of floats. */
    @Param({"16777216"})
    public int size;

    private float[] data;
    private float[] out;
    private int[] grid;
    private Encoding encoding;

    /** Fills the tensor once per trial. */
    @Setup(Level.Trial)
    public void setup() {
        Random rnd = new Random(1);
        data = new float[size];
        out = new float[size];
        grid = new int[size];
        for (int i = 0; i < size; i++) {
            double u = rnd.nextDouble() - 0.5;
            data[i] = (float) (-Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
        }
        encoding = Encoders.encode(QuantMode.TF, data, 8, EncoderOptions.DEFAULTS, Explanation.NONE);
    }

    /** The yardstick: copying the same array. */
    @Benchmark
    public float[] arraycopy() {
        System.arraycopy(data, 0, out, 0, size);
        return out;
    }

    /** tf encoding: one min/max pass plus the encoding arithmetic. */
    @Benchmark
    public Encoding tfEncoding() {
        return Encoders.encode(QuantMode.TF, data, 8, EncoderOptions.DEFAULTS, Explanation.NONE);
    }

    /** Fused quantize + dequantize (fake-quant) at 8 bits, half to even. */
    @Benchmark
    public float[] quantizeDequantize() {
        QuantKernels.quantizeDequantize(data, 0, size, encoding, Rounding.HALF_EVEN, out, 0);
        return out;
    }

    /** Quantize only, to int grid values (for reference; no target). */
    @Benchmark
    public int[] quantize() {
        QuantKernels.quantize(data, 0, size, encoding, Rounding.HALF_EVEN, grid, 0);
        return grid;
    }

    /** Enhanced encoding: min/max, a 512-bin histogram, 358 candidates. */
    @Benchmark
    public Encoding enhancedEncoding() {
        return Encoders.encode(QuantMode.ENHANCED, data, 8, EncoderOptions.DEFAULTS, Explanation.NONE);
    }
}
