package qsh.core.equalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import qsh.core.graph.Graph;

/**
 * Fold + CLE + absorption on a graph the size of torchvision's MobileNetV2 (17 inverted residual blocks,
 * a 1280 → 1000 classifier, ≈3.5M parameters, random weights; shapes only, nothing is run). Target: under 200 ms; the assertion is
 * generous so a busy machine does not make it flaky. JMH would be the measurement of record.
 */
class CleSpeedTest {
    /** torchvision MobileNetV2: (expansion t, channels c, repeats n, first stride s). */
    private static final int[][] BLOCKS = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1},
        {6, 160, 3, 2}, {6, 320, 1, 1}};

    static Graph mobileNetV2() {
        TestGraphs b = new TestGraphs(42);
        String x = b.relu6(b.bn(b.conv("input", 3, 32, 3, 2, 1, false), 32));
        int in = 32;
        int blocks = 0;
        for (int[] cfg : BLOCKS) {
            for (int r = 0; r < cfg[2]; r++) {
                int stride = r == 0 ? cfg[3] : 1;
                int hidden = in * cfg[0];
                String h = x;
                if (cfg[0] != 1) {
                    h = b.relu6(b.bn(b.conv(h, in, hidden, 1, 1, 1, false), hidden));
                }
                h = b.relu6(b.bn(b.conv(h, hidden, hidden, 3, stride, hidden, false), hidden));
                h = b.bn(b.conv(h, hidden, cfg[1], 1, 1, 1, false), cfg[1]);
                x = stride == 1 && in == cfg[1] ? b.op("Add", x, h) : h;
                in = cfg[1];
                blocks++;
            }
        }
        assertEquals(17, blocks);
        x = b.relu6(b.bn(b.conv(x, in, 1280, 1, 1, 1, false), 1280));
        x = b.gemm(b.op("Flatten", b.op("GlobalAveragePool", x)), 1280, 1000);
        return b.build(new int[] {1, 3, 224, 224}, x);
    }

    @Test
    void foldCleAndAbsorbAreFast() {
        Graph g = mobileNetV2();
        System.out.printf("MobileNetV2-sized graph: %d nodes, %.2fM parameters%n", g.nodes().size(), g.parameterCount() / 1e6);
        assertTrue(g.parameterCount() > 3_400_000, "torchvision's MobileNetV2 has 3.5M parameters");
        long best = Long.MAX_VALUE;
        long first = 0;
        int chains = 0;
        for (int rep = 0; rep < 10; rep++) {
            long t0 = System.nanoTime();
            BatchNormFolder.Result f = BatchNormFolder.fold(g);
            Graph relu = Relu6Replacer.replace(f.graph()).graph();
            List<CleChain> found = ClePatternMatcher.match(relu).chains();
            CrossLayerEqualizer.Applied cle = CrossLayerEqualizer.apply(relu, found);
            HighBiasAbsorber.absorb(cle.graph(), found, cle.rescale(f.batchNorms()));
            long t = System.nanoTime() - t0;
            first = rep == 0 ? t : first;
            best = Math.min(best, t);
            chains = found.size();
        }
        System.out.printf("MobileNetV2-sized graph: fold + ReLU6→ReLU + match + CLE (%d chains) + absorption: "
                + "first (cold JIT) %.1f ms, best of 10 %.1f ms%n", chains, first / 1e6, best / 1e6);
        assertTrue(chains >= 17, "every inverted residual block has a chain, got " + chains);
        assertTrue(best < 2_000_000_000L, "took " + best / 1e6 + " ms");
    }
}
