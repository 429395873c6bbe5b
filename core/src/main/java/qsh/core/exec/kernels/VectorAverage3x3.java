package qsh.core.exec.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sums of {@link AverageRows3x3} in vectors of doubles: per lane the same chain (0.0, then the nine taps row by row,
 * left to right) and the same division by the count, so the same bits. Why: C2 left that loop scalar, where each
 * output's division (about 4 cycles) and nine additions cost 2.3 ns per output on one core. Only touched when
 * {@link RowKernels#vector} allows (its class loads the Vector API).
 *
 * <p>The input is widened to double by a plain loop, not by a FloatVector of 8 lanes converted: any use of a second
 * float species beside the preferred one makes FloatVector's shared methods polymorphic, and every float kernel
 * slows down (light_inception_v2's convolutions 23.7 -> 29.9 ms a run; the GEMM warm-up once gave up entirely).
 */
final class VectorAverage3x3 {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int L = D.length();

    private VectorAverage3x3() {
    }

    /**
     * sums[t] = (0.0 + a[t] + a[t + 1] + a[t + 2] + b[t] + ... + c[t + 2]) / counts[t] for t in whole vectors below
     * n; returns where the vectors stopped (a, b, c hold at least n + 2 elements).
     */
    static int sum(double[] a, double[] b, double[] c, double[] counts, double[] sums, int n) {
        int t = 0;
        for (; t + L <= n; t += L) {
            DoubleVector s = DoubleVector.zero(D)
                    .add(DoubleVector.fromArray(D, a, t)).add(DoubleVector.fromArray(D, a, t + 1))
                    .add(DoubleVector.fromArray(D, a, t + 2)).add(DoubleVector.fromArray(D, b, t))
                    .add(DoubleVector.fromArray(D, b, t + 1)).add(DoubleVector.fromArray(D, b, t + 2))
                    .add(DoubleVector.fromArray(D, c, t)).add(DoubleVector.fromArray(D, c, t + 1))
                    .add(DoubleVector.fromArray(D, c, t + 2));
            s.div(DoubleVector.fromArray(D, counts, t)).intoArray(sums, t);
        }
        return t;
    }
}
