package qsh.core.exec.kernels;

import java.util.Random;
import qsh.core.tensor.Tensor;

/**
 * Throughput probe (not a test): GFLOP/s of Sgemm 512^3 and the three conv shapes from the task brief.
 * Run: mvn -q -B -o test-compile -pl core && java -cp core/target/classes:core/target/test-classes
 * qsh.core.exec.kernels.KernelSpeed
 */
public final class KernelSpeed {
    private KernelSpeed() {
    }

    /** Prints best-of-N GFLOP/s per case. */
    public static void main(String[] args) {
        Random rnd = new Random(1);
        int s = 512;
        float[] a = Reference.random(rnd, s, s).data();
        float[] b = Reference.random(rnd, s, s).data();
        float[] c = new float[s * s];
        report("sgemm 512x512x512", 2.0 * s * s * s,
                () -> Sgemm.multiply(s, s, s, 1f, a, 0, s, false, b, 0, s, false, 0f, c, 0, s));
        Tensor x1 = Reference.random(rnd, 1, 32, 80, 80);
        Tensor w1 = Reference.random(rnd, 64, 32, 3, 3);
        int[] one = {1, 1};
        int[] pad1 = {1, 1, 1, 1};
        report("conv 3x3 s1 32->64 @80x80", 2.0 * 64 * 80 * 80 * 32 * 9,
                () -> Conv.conv(x1, w1, null, one, pad1, one, 1));
        Tensor x2 = Reference.random(rnd, 1, 128, 40, 40);
        Tensor w2 = Reference.random(rnd, 128, 128, 1, 1);
        report("conv 1x1 128->128 @40x40", 2.0 * 128 * 40 * 40 * 128,
                () -> Conv.conv(x2, w2, null, one, new int[4], one, 1));
        Tensor x3 = Reference.random(rnd, 1, 32, 160, 160);
        Tensor w3 = Reference.random(rnd, 32, 1, 3, 3);
        report("depthwise 3x3 32ch @160x160", 2.0 * 32 * 160 * 160 * 9,
                () -> Conv.conv(x3, w3, null, one, pad1, one, 32));
    }

    private static void report(String name, double flops, Runnable r) {
        long end = System.nanoTime() + 3_000_000_000L;
        double best = Double.MAX_VALUE;
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        System.out.printf("%-30s %8.3f ms  %6.2f GFLOP/s%n", name, best * 1e3, flops / best / 1e9);
    }
}
