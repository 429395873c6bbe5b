package qsh.core.equalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.onnx.proto.OnnxProto.AttributeProto;
import qsh.core.metrics.OutputChange;
import qsh.core.tensor.Tensor;
import qsh.core.testing.ModelBuilder;

/**
 * Exact high-bias absorption: with c bounded by the observed pre-activations and a bias map on every zero-padding
 * layer that takes a shift, fold + CLE + absorption keeps the float outputs on the calibration inputs within 1e-5 of
 * the output range (issue 19, part 8), also where the later layer pads.
 */
class ExactAbsorptionTest {
    /** fold → ReLU6→ReLU → CLE → observe → absorb, as CleAlgorithm does; returns the graph before absorption and the result. */
    private static HighBiasAbsorber.Result run(Graph g, List<Map<String, Tensor>> data, Graph[] beforeAbsorption) {
        BatchNormFolder.Result f = BatchNormFolder.fold(g);
        Graph relu = Relu6Replacer.replace(f.graph()).graph();
        ClePatternMatcher.Matches m = ClePatternMatcher.match(relu);
        CrossLayerEqualizer.Applied a = CrossLayerEqualizer.apply(relu, m.chains());
        beforeAbsorption[0] = a.graph();
        return HighBiasAbsorber.absorb(a.graph(), m.chains(), a.rescale(f.batchNorms()),
                ChainObservations.observe(a.graph(), m.chains(), data));
    }

    private static List<Map<String, Tensor>> randomInputs(Graph g, int[] shape, int n, double lo, double hi) {
        List<Map<String, Tensor>> in = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            in.add(Map.of(g.inputs().get(0).name(), TestGraphs.random(shape, 31 + s, lo, hi)));
        }
        return in;
    }

    private static void assertExact(String model, Graph g, List<Map<String, Tensor>> data, boolean expectMapped) {
        Graph[] cle = new Graph[1];
        HighBiasAbsorber.Result r = run(g, data, cle);
        long channels = r.absorptions().stream().mapToInt(HighBiasAbsorber.Absorption::channelsChanged).sum();
        long mapped = r.absorptions().stream().filter(HighBiasAbsorber.Absorption::mapped).count();
        OutputChange change = OutputChange.measure(cle[0], r.graph(), data);
        System.out.printf("%s: %d links, %d channels absorbed, %d into padded layers through bias maps; outputs moved by"
                + " %.3g of the range on %d inputs%n", model, r.absorptions().size(), channels, mapped, change.fraction(), data.size());
        assertTrue(r.dataDriven());
        assertEquals(expectMapped, mapped > 0, model + ": links into padded layers are absorbed");
        assertEquals(List.of(), r.unsized());
        assertTrue(change.fraction() <= 1e-5, model + ": absorption moved the outputs by " + change.fraction() + " of the range");
    }

    @Test
    void demoKeepsItsOutputsOnItsSamples() throws Exception {
        List<Map<String, Tensor>> data = new ArrayList<>();
        for (Tensor t : TestGraphs.demoSamples()) {
            data.add(Map.of("input", t));
        }
        // every chain layer of the demo goes to or below 0 somewhere on its samples (its BN β are low), so the data
        // allow c = 0 only: every link, padded ones included, is checked and none is skipped, and nothing changes
        assertExact("demo", TestGraphs.demo(), data, false);
    }

    @Test
    void paddleOcrClassifierKeepsItsOutputs() throws Exception {
        Graph g = TestGraphs.classifier();
        assertExact("PaddleOCR cls", g, randomInputs(g, new int[] {1, 3, 48, 192}, 3, -1, 1), true);
    }

    @Test
    void paddleOcrDetectorKeepsItsOutputs() throws Exception {
        Graph g = ModelBuilder.resource(ModelBuilder.DETECTOR);
        assertExact("PaddleOCR v3 det", g, randomInputs(g, new int[] {1, 3, 160, 160}, 2, -1, 1), true);
    }

    /** conv → BN (high β) → ReLU → conv with these padding, stride and dilation: exact with a map, not without. */
    @ParameterizedTest
    @CsvSource({"3, 1, 1, 1, NOTSET", "3, 2, 1, 1, NOTSET", "5, 1, 2, 2, NOTSET", "3, 2, 0, 1, SAME_UPPER",
            "4, 2, 0, 1, SAME_LOWER", "3, 1, 1, 3, NOTSET"})
    void theBiasMapMakesPaddedLinksExact(int k, int stride, int pad, int dilation, String autoPad) {
        ModelBuilder b = new ModelBuilder(13).input("x", 1, 4, 11, 13);
        b.init("w1", ModelBuilder.random(1, -0.5, 0.5, 6, 4, 3, 3));
        b.init("g", Tensor.vector(0.2f, 0.5f, 0.1f, 0.3f, 1f, 0.05f));
        b.init("beta", Tensor.vector(3f, 2.5f, 1f, 4f, -1f, 2f));
        b.init("mean", Tensor.vector(0, 0.1f, 0, -0.1f, 0, 0));
        b.init("var", Tensor.vector(1, 1, 0.5f, 2, 1, 1));
        b.init("w2", ModelBuilder.random(2, -0.5, 0.5, 5, 6, k, k));
        b.init("b2", ModelBuilder.random(3, -0.1, 0.1, 5));
        b.node("Conv", List.of("x", "w1"), "y1", ModelBuilder.ints("pads", 1, 1, 1, 1));
        b.node("BatchNormalization", List.of("y1", "g", "beta", "mean", "var"), "z1");
        b.node("Relu", List.of("z1"), "r1");
        List<AttributeProto> attrs = new ArrayList<>(List.of(ModelBuilder.ints("strides", stride, stride),
                ModelBuilder.ints("dilations", dilation, dilation)));
        attrs.add(autoPad.equals("NOTSET") ? ModelBuilder.ints("pads", pad, pad + 1, pad, pad)
                : AttributeProto.newBuilder().setName("auto_pad").setType(AttributeProto.AttributeType.STRING)
                        .setS(com.google.protobuf.ByteString.copyFromUtf8(autoPad)).build());
        b.node("Conv", List.of("r1", "w2", "b2"), "y", attrs.toArray(new AttributeProto[0]));
        Graph g = b.output("y").build();
        List<Map<String, Tensor>> data = List.of(Map.of("x", ModelBuilder.random(4, -1, 1, 1, 4, 11, 13)),
                Map.of("x", ModelBuilder.random(5, -1, 1, 1, 4, 11, 13)));
        BatchNormFolder.Result f = BatchNormFolder.fold(g);
        List<CleChain> chains = ClePatternMatcher.match(f.graph()).chains();
        HighBiasAbsorber.Result r = HighBiasAbsorber.absorb(f.graph(), chains, f.batchNorms(),
                ChainObservations.observe(f.graph(), chains, data));
        assertTrue(r.absorptions().get(0).channelsChanged() > 0 && r.absorptions().get(0).mapped());
        double exact = OutputChange.measure(g, r.graph(), data).fraction();
        Node conv = r.graph().node(r.graph().producer(r.graph().consumers("r1").get(0).output(0)).name());
        BiasMap map = BiasMap.of(r.graph(), r.graph().consumers("r1").get(0));
        assertNotNull(map, "the padded layer got a bias map");
        Graph withoutMap = r.graph().withWeight(map.map(), Tensor.zeros(((Tensor) r.graph().weights().get(map.map())).shape()));
        double paper = OutputChange.measure(g, withoutMap, data).fraction();
        System.out.printf("k%d s%d p%d d%d %s: exact %.3g, without the map (the paper's eq. 16) %.3g of the range%n",
                k, stride, pad, dilation, autoPad, exact, paper);
        assertTrue(exact <= 1e-5, "with the bias map: " + exact);
        assertTrue(paper > 1e-3, "the map carries the border correction: without it " + paper);
        assertEquals("Conv", conv.opType());
    }
}
