package qsh.core.equalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import qsh.core.graph.Graph;
import qsh.core.tensor.Tensor;

/**
 * Folding and equalization keep the float function (Nagel et al. 2019: CLE is exact through ReLU; high-bias
 * absorption is exact where the pre-activation stays above c). ReLU6 → ReLU changes the function on purpose,
 * so CLE and absorption are compared against the ReLU-replaced model.
 */
class EqualizationPreservesFunctionTest {
    private static List<Tensor> demoInputs() throws Exception {
        List<Tensor> in = new ArrayList<>(TestGraphs.demoSamples());
        for (int s = 0; s < 3; s++) {
            in.add(TestGraphs.random(new int[] {1, 1, 28, 28}, 100 + s, 0, 1));
        }
        return in;
    }

    @Test
    void foldingBatchNormsKeepsTheDemoOutputs() throws Exception {
        Graph g = TestGraphs.demo();
        BatchNormFolder.Result f = BatchNormFolder.fold(g);
        assertEquals(17, f.folds().size(), "every BN of the demo follows a conv");
        assertEquals(0, f.graph().opCounts().getOrDefault("BatchNormalization", 0));
        assertEquals(17, g.opCounts().get("BatchNormalization"), "the input graph is not touched");
        double err = TestGraphs.relativeMaxError(g, f.graph(), demoInputs());
        System.out.printf("demo: fold-BN max error %.3g of the output range%n", err);
        assertTrue(err <= 1e-4, "fold-BN changed the outputs by " + err + " of the range");
    }

    @Test
    void cleAndAbsorptionKeepTheReluDemoOutputs() throws Exception {
        Graph original = TestGraphs.demo();
        BatchNormFolder.Result f = BatchNormFolder.fold(original);
        Relu6Replacer.Result r = Relu6Replacer.replace(f.graph());
        assertEquals(12, r.replaced().size());
        Graph relu = r.graph();
        ClePatternMatcher.Matches m = ClePatternMatcher.match(relu);
        assertEquals(5, m.chains().size(), m.toString());
        assertTrue(m.chains().stream().allMatch(CleChain::isTriplet));
        CrossLayerEqualizer.Applied cle = CrossLayerEqualizer.apply(relu, m.chains());
        double cleErr = TestGraphs.relativeMaxError(relu, cle.graph(), demoInputs());
        HighBiasAbsorber.Result hba = HighBiasAbsorber.absorb(cle.graph(), m.chains(), cle.rescale(f.batchNorms()));
        assertEquals("", hba.message());
        double hbaErr = TestGraphs.relativeMaxError(relu, hba.graph(), demoInputs());
        int absorbed = hba.absorptions().stream().mapToInt(HighBiasAbsorber.Absorption::channelsChanged).sum();
        System.out.printf("demo: CLE max error %.3g, CLE + absorption %.3g of the output range (%d channels absorbed)%n",
                cleErr, hbaErr, absorbed);
        assertTrue(cleErr <= 1e-4, "CLE changed the outputs by " + cleErr);
        assertTrue(hbaErr <= 1e-4, "CLE + absorption changed the outputs by " + hbaErr);
    }

    @Test
    void classifierKeepsItsOutputs() throws Exception {
        Graph g = TestGraphs.classifier();
        BatchNormFolder.Result f = BatchNormFolder.fold(g);
        Relu6Replacer.Result r = Relu6Replacer.replace(f.graph());
        assertEquals(List.of(), r.replaced(), "the classifier's Clip(0, 6) are hard-swish parts, not layer activations");
        ClePatternMatcher.Matches m = ClePatternMatcher.match(f.graph());
        assertFalse(m.chains().isEmpty());
        CrossLayerEqualizer.Applied cle = CrossLayerEqualizer.apply(f.graph(), m.chains());
        HighBiasAbsorber.Result hba = HighBiasAbsorber.absorb(cle.graph(), m.chains(), cle.rescale(f.batchNorms()));
        List<Tensor> in = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            in.add(TestGraphs.random(new int[] {1, 3, 48, 192}, 7 + s, -1, 1));
        }
        double foldErr = TestGraphs.relativeMaxError(g, f.graph(), in);
        double err = TestGraphs.relativeMaxError(g, hba.graph(), in);
        double cleErr = TestGraphs.relativeMaxError(g, cle.graph(), in);
        HighBiasAbsorber.Result data = HighBiasAbsorber.absorb(cle.graph(), m.chains(), cle.rescale(f.batchNorms()),
                ChainObservations.observe(cle.graph(), m.chains(), in.stream().map(t -> java.util.Map.of(g.inputs().get(0).name(), t)).toList()));
        double dataErr = TestGraphs.relativeMaxError(g, data.graph(), in);
        System.out.printf("classifier: absorption with c from the data, into padded layers with bias maps (%d maps),"
                + " moves the outputs by %.3g of the range%n", data.absorptions().stream().filter(a -> a.mapped()).count(), dataErr);
        assertTrue(dataErr <= 1e-5, "data-driven exact absorption changed the classifier outputs by " + dataErr);
        System.out.printf("classifier: %d BN folded, %d chains, %d skipped; fold max error %.3g, fold + CLE %.3g, fold + CLE + absorption %.3g of the output range%n",
                f.folds().size(), m.chains().size(), m.skipped().size(), foldErr, cleErr, err);
        assertTrue(cleErr <= 1e-4, "fold + CLE changed the classifier outputs by " + cleErr);
        assertTrue(err <= 1e-4, "fold + CLE + absorption changed the classifier outputs by " + err);
    }
}
