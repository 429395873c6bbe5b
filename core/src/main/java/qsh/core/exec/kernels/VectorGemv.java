package qsh.core.exec.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The micro-kernel of {@link Gemv#multiplyPanels}: one panel of {@link #COLUMNS} outputs (eight vectors) of a
 * one-row product c = a op(B), op(B) stored as {@link GemmWeightPanels} (the panel's k rows one after another, so
 * the whole panel is one sequential stream). The eight sums stay in registers over the whole depth: per k step one
 * broadcast of a, eight vector loads of B and eight fused multiply-adds, no load or store of the sums (the row
 * kernel it replaces, {@link RowKernels#axpy4}, reloaded and stored them every four rows and read four rows of B
 * 4 n bytes apart). Each output is the chain of {@link Gemv}'s order, step for step, so the same bits.
 * Only touched when {@link VectorSupport} allows.
 */
final class VectorGemv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Outputs per panel: eight vectors. */
    static final int COLUMNS = 8 * L;

    private VectorGemv() {
    }

    /**
     * c[co + j] (j &lt; valid) = the chain over p &lt; k of fma(ap[p], bp[bo + p COLUMNS + j], acc) from 0, with
     * + 0 after the first {@code first} steps when {@code padFirst}, then beta c + acc when beta is not 0, then + 0
     * at the end when {@code padEnd}; acc holds {@link #COLUMNS} floats (the sums between the two sweeps).
     */
    static void panel(int k, float[] ap, float[] bp, int bo, int first, boolean padFirst, float beta,
                      boolean padEnd, float[] c, int co, int valid, float[] acc) {
        java.util.Arrays.fill(acc, 0f);
        sweep(ap, 0, first, bp, bo, acc);
        for (int j = 0; j < valid; j++) {
            float v = padFirst ? acc[j] + 0f : acc[j]; // acc + 0 turns -0 into +0, as the packed kernel's padding
            acc[j] = beta != 0f ? beta * c[co + j] + v : v; // two roundings, as the scalar order has it
        }
        sweep(ap, first, k, bp, bo + first * COLUMNS, acc);
        for (int j = 0; j < valid; j++) {
            c[co + j] = padEnd ? acc[j] + 0f : acc[j];
        }
    }

    /**
     * acc[j] = fma(ap[p], bp[bo + (p - p0) COLUMNS + j], acc[j]) for p in [p0, p1) in order, j &lt; {@link #COLUMNS}:
     * the eight vectors of sums in registers over the whole range (one loop, no vector crossing a call: JDK 17
     * boxes those).
     */
    private static void sweep(float[] ap, int p0, int p1, float[] bp, int bo, float[] acc) {
        if (p0 >= p1) {
            return;
        }
        FloatVector c0 = FloatVector.fromArray(S, acc, 0);
        FloatVector c1 = FloatVector.fromArray(S, acc, L);
        FloatVector c2 = FloatVector.fromArray(S, acc, 2 * L);
        FloatVector c3 = FloatVector.fromArray(S, acc, 3 * L);
        FloatVector c4 = FloatVector.fromArray(S, acc, 4 * L);
        FloatVector c5 = FloatVector.fromArray(S, acc, 5 * L);
        FloatVector c6 = FloatVector.fromArray(S, acc, 6 * L);
        FloatVector c7 = FloatVector.fromArray(S, acc, 7 * L);
        int o = bo;
        for (int p = p0; p < p1; p++, o += COLUMNS) {
            FloatVector x = FloatVector.broadcast(S, ap[p]);
            c0 = x.fma(FloatVector.fromArray(S, bp, o), c0);
            c1 = x.fma(FloatVector.fromArray(S, bp, o + L), c1);
            c2 = x.fma(FloatVector.fromArray(S, bp, o + 2 * L), c2);
            c3 = x.fma(FloatVector.fromArray(S, bp, o + 3 * L), c3);
            c4 = x.fma(FloatVector.fromArray(S, bp, o + 4 * L), c4);
            c5 = x.fma(FloatVector.fromArray(S, bp, o + 5 * L), c5);
            c6 = x.fma(FloatVector.fromArray(S, bp, o + 6 * L), c6);
            c7 = x.fma(FloatVector.fromArray(S, bp, o + 7 * L), c7);
        }
        c0.intoArray(acc, 0);
        c1.intoArray(acc, L);
        c2.intoArray(acc, 2 * L);
        c3.intoArray(acc, 3 * L);
        c4.intoArray(acc, 4 * L);
        c5.intoArray(acc, 5 * L);
        c6.intoArray(acc, 6 * L);
        c7.intoArray(acc, 7 * L);
    }
}
