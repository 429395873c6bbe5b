package qsh.core.calib;

import java.util.Random;

/**
 * Not a test: measures observer throughput and heap after 100 vs 1000 batches (numbers for the report).
 * Run: mvn -q -B verify && java -cp core/target/classes:core/target/test-classes qsh.core.calib.ObserverMeasure
 */
public final class ObserverMeasure {
    private ObserverMeasure() {}

    public static void main(String[] args) {
        float[] batch = new float[28 * 28 * 32]; // one 32-channel 28×28 activation
        Random rnd = new Random(42);
        for (int i = 0; i < batch.length; i++) {
            batch[i] = (float) rnd.nextGaussian();
        }
        for (int round = 0; round < 3; round++) {
            RangeObserver r = new RangeObserver("t");
            HistogramObserver h = new HistogramObserver("t", 512);
            long t0 = System.nanoTime();
            for (int b = 0; b < 2000; b++) {
                r.observe(batch, 0, batch.length);
            }
            long t1 = System.nanoTime();
            for (int b = 0; b < 2000; b++) {
                h.observe(batch, 0, batch.length);
            }
            long t2 = System.nanoTime();
            double n = 2000.0 * batch.length;
            System.out.printf("round %d: range %.2f ns/value, histogram(512) %.2f ns/value%n", round,
                    (t1 - t0) / n, (t2 - t1) / n);
        }
        for (int batches : new int[] {100, 1000}) {
            HistogramObserver[] perTensor = new HistogramObserver[50];
            for (int i = 0; i < perTensor.length; i++) {
                perTensor[i] = new HistogramObserver("t" + i, 512);
            }
            for (int b = 0; b < batches; b++) {
                float scale = 1 + b / 100f; // widening ranges force re-binning
                for (int i = 0; i < batch.length; i += 97) {
                    batch[i] *= scale;
                }
                for (HistogramObserver h : perTensor) {
                    h.observe(batch, 0, batch.length);
                }
                for (int i = 0; i < batch.length; i += 97) {
                    batch[i] /= scale;
                }
            }
            System.gc();
            Runtime rt = Runtime.getRuntime();
            System.out.printf("%d batches x 50 tensors: heap used after GC %.1f MiB%n", batches,
                    (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
        }
    }
}
