package qsh.core.equalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;

/** The CLE formulas (algorithms.md): ranges after equalization, pattern matching reasons, no-op cases. */
class CrossLayerEqualizerTest {
    private static Graph pairModel() {
        TestGraphs b = new TestGraphs(3);
        String x = b.conv("input", 3, 8, 3, 1, 1, true);
        x = b.op("Relu", x);
        x = b.conv(x, 8, 4, 1, 1, 1, true);
        return b.build(new int[] {1, 3, 8, 8}, x);
    }

    @Test
    void pairRangesBecomeTheGeometricMean() {
        Graph g = pairModel();
        ClePatternMatcher.Matches m = ClePatternMatcher.match(g);
        assertEquals(1, m.chains().size());
        CleChain chain = m.chains().get(0);
        assertEquals("Relu", chain.activations().get(0));
        CrossLayerEqualizer.ChainPlan p = CrossLayerEqualizer.plan(g, chain);
        float[] r1 = p.ranges().get(0);
        float[] r2 = p.ranges().get(1);
        CrossLayerEqualizer.Applied a = CrossLayerEqualizer.apply(g, chain);
        CrossLayerEqualizer.ChainPlan after = CrossLayerEqualizer.plan(a.graph(), chain);
        for (int i = 0; i < r1.length; i++) {
            double expected = Math.sqrt((double) r1[i] * r2[i]);
            assertEquals(expected, after.ranges().get(0)[i], 1e-6 * expected, "conv1 channel " + i);
            assertEquals(expected, after.ranges().get(1)[i], 1e-6 * expected, "conv2 input channel " + i);
            assertEquals(Math.sqrt(r1[i] / r2[i]), p.scales().get(0)[i], 1e-6);
        }
        assertTrue(after.isEqualized());
        assertTrue(p.maxScaleDeviation() > 1e-3, "random weights start unequal");
        double err = TestGraphs.relativeMaxError(g, a.graph(), List.of(TestGraphs.random(new int[] {1, 3, 8, 8}, 1, -1, 1)));
        assertTrue(err < 1e-5, "CLE through ReLU is exact, got " + err);
    }

    @Test
    void tripletRangesAllBecomeTheCubeRoot() throws Exception {
        Graph g = Relu6Replacer.replace(BatchNormFolder.fold(TestGraphs.demo()).graph()).graph();
        CleChain chain = ClePatternMatcher.match(g).chains().get(0);
        CrossLayerEqualizer.ChainPlan p = CrossLayerEqualizer.plan(g, chain);
        CrossLayerEqualizer.ChainPlan after = CrossLayerEqualizer.plan(CrossLayerEqualizer.apply(g, chain).graph(), chain);
        for (int i = 0; i < p.ranges().get(0).length; i++) {
            double c = Math.cbrt((double) p.ranges().get(0)[i] * p.ranges().get(1)[i] * p.ranges().get(2)[i]);
            for (int k = 0; k < 3; k++) {
                assertEquals(c, after.ranges().get(k)[i], 1e-5 * c, "layer " + k + " channel " + i);
            }
        }
    }

    @Test
    void aModelWithoutChainsHasAnEmptyPlanAndStaysTheSame() {
        TestGraphs b = new TestGraphs(5);
        String x = b.conv("input", 3, 8, 3, 1, 1, true);
        x = b.op("Sigmoid", x);
        x = b.conv(x, 8, 4, 1, 1, 1, true);
        Graph g = b.build(new int[] {1, 3, 8, 8}, x);
        ClePatternMatcher.Matches m = ClePatternMatcher.match(g);
        assertEquals(List.of(), m.chains());
        assertEquals(List.of(), CrossLayerEqualizer.plan(g, m.chains()));
        assertSame(g, CrossLayerEqualizer.apply(g, m.chains()).graph());
        assertSame(g, HighBiasAbsorber.absorb(g, m.chains(), FoldedBatchNorms.EMPTY).graph());
        assertEquals(new ClePatternMatcher.Skipped("conv_1", "activation Sigmoid after conv_1 is not ReLU"), m.skipped().get(0));
        assertEquals("conv_3 output is a graph output", m.skipped().get(1).reason());
    }

    @Test
    void branchesAndReluSixBreakChains() {
        TestGraphs b = new TestGraphs(6);
        String x = b.conv("input", 3, 8, 3, 1, 1, true);
        String y = b.conv(x, 8, 8, 1, 1, 1, true);
        String z = b.op("Add", x, y);
        String w = b.relu6(b.conv(z, 8, 8, 1, 1, 1, true));
        String out = b.conv(w, 8, 4, 1, 1, 1, true);
        Graph g = b.build(new int[] {1, 3, 8, 8}, out);
        ClePatternMatcher.Matches m = ClePatternMatcher.match(g);
        assertEquals(List.of(), m.chains());
        assertEquals("conv_1 output feeds 2 nodes", m.skipped().get(0).reason());
        assertEquals("conv_2 feeds Add add_3, not a Conv", m.skipped().get(1).reason());
        assertEquals("activation Clip 0..6 (ReLU6) after conv_4 is not ReLU", m.skipped().get(2).reason());
        // replacing the ReLU6 opens the chain conv_4 → conv_6
        assertEquals(List.of("conv_4", "conv_6"), ClePatternMatcher.match(Relu6Replacer.replace(g).graph()).chains().get(0).layers());
    }

    @Test
    void absorptionFollowsTheFormula() {
        TestGraphs b = new TestGraphs(8);
        String x = b.bn(b.conv("input", 3, 8, 3, 1, 1, false), 8);
        x = b.op("Relu", x);
        x = b.conv(x, 8, 4, 1, 1, 1, true);
        Graph g = b.build(new int[] {1, 3, 8, 8}, x);
        assertThrows(IllegalArgumentException.class, () -> CrossLayerEqualizer.plan(g, ClePatternMatcher.match(g).chains().get(0)));
        BatchNormFolder.Result f = BatchNormFolder.fold(g);
        CleChain chain = ClePatternMatcher.match(f.graph()).chains().get(0);
        FoldedBatchNorms.Params p = f.batchNorms().get("conv_1").orElseThrow();
        HighBiasAbsorber.Result r = HighBiasAbsorber.absorb(f.graph(), List.of(chain), f.batchNorms());
        float[] c = r.absorptions().get(0).absorbed();
        float[] b1 = ((Tensor) f.graph().weights().get(f.graph().node("conv_1").input(2))).data();
        float[] b1New = ((Tensor) r.graph().weights().get(r.graph().node("conv_1").input(2))).data();
        for (int i = 0; i < c.length; i++) {
            assertEquals(Math.max(0, p.beta()[i] - 3 * Math.abs(p.gamma()[i])), c[i], 1e-6);
            assertEquals(b1[i] - c[i], b1New[i], 1e-6);
        }
        assertTrue(r.absorptions().get(0).channelsChanged() > 0, "the test BN has high β on some channels");
        // 1×1 second conv: no padding, so the result is exact wherever pre-activations stay above c
        HighBiasAbsorber.Result none = HighBiasAbsorber.absorb(f.graph(), List.of(chain), FoldedBatchNorms.EMPTY);
        assertEquals(HighBiasAbsorber.INVALID_MODEL, none.message());
        assertEquals(List.of("conv_1"), none.withoutData());
        assertSame(f.graph(), none.graph());
    }
}
