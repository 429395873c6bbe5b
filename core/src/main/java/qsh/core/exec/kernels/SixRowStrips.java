package qsh.core.exec.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A prepared weight's A in {@link TiledGemm#chunkSix}'s strips of six rows, kept once made: the strips of a group of
 * rows and a depth chunk are the same for every product with that weight, so a convolution run many times copies
 * them once instead of once per call (the copy is a scalar gather, four rows apart in and six apart out; on
 * ResNet-18's 10 x 10 layers, where each A scalar then meets only 12 vectors of B, it took about a seventh of the
 * time the micro-kernel did). Keyed by the group's rows and the chunk; the groups follow the row split between the
 * threads, so a weight run at several widths can hold a few layouts: at most {@link #MAX_COPIES} times A in all, past
 * which the strips are copied per call as before; and only from a weight's second product on. The same floats either
 * way, so the same bits.
 */
final class SixRowStrips {
    /** Most floats kept, in multiples of the packed A's size. */
    static final int MAX_COPIES = 3;

    /** The strips of one group of rows, per depth chunk (set once each; read without a lock). */
    private record Group(int r0, int r1, AtomicReferenceArray<float[]> chunks) {
    }

    private final int chunks;
    private final long limit;
    private final AtomicLong floats = new AtomicLong();
    private final AtomicInteger products = new AtomicInteger();
    /** The groups seen so far, replaced whole when one is added (a few per weight: looked up without allocating). */
    private volatile Group[] groups = new Group[0];

    /** A cache for a packed A of {@code packedFloats} floats and depth k. */
    SixRowStrips(long packedFloats, int k) {
        this.limit = MAX_COPIES * packedFloats;
        this.chunks = Math.max(1, (k + TiledGemm.KC - 1) / TiledGemm.KC);
    }

    /**
     * Counts a product with this weight; true from the second on. A weight packed for one product (an unprepared
     * convolution) copies its strips into the scratch as before instead of into arrays nobody reads again.
     */
    boolean reused() {
        return products.get() > 1 || products.getAndIncrement() > 0;
    }

    /** The strips of rows [r0, r1) for the depth chunk from p0, or null. */
    float[] get(int r0, int r1, int p0) {
        for (Group g : groups) {
            if (g.r0 == r0 && g.r1 == r1) {
                return g.chunks.get(p0 / TiledGemm.KC);
            }
        }
        return null;
    }

    /** A new array of {@code size} floats to fill and {@link #put}, or null when the cache is full. */
    float[] reserve(int size) {
        if (floats.addAndGet(size) > limit) {
            floats.addAndGet(-size);
            return null;
        }
        return new float[size];
    }

    /** Keeps filled strips of rows [r0, r1) for the chunk from p0 (strips another thread put first stay: the same floats). */
    void put(int r0, int r1, int p0, float[] filled) {
        group(r0, r1).chunks.compareAndSet(p0 / TiledGemm.KC, null, filled);
    }

    private synchronized Group group(int r0, int r1) {
        Group[] gs = groups;
        for (Group g : gs) {
            if (g.r0 == r0 && g.r1 == r1) {
                return g;
            }
        }
        Group g = new Group(r0, r1, new AtomicReferenceArray<>(chunks));
        Group[] more = java.util.Arrays.copyOf(gs, gs.length + 1);
        more[gs.length] = g;
        groups = more;
        return g;
    }
}
