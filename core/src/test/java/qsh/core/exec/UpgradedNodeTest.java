package qsh.core.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import qsh.core.exec.ops.Ops;
import qsh.core.graph.Graph;
import qsh.core.graph.Node;
import qsh.core.modelio.OnnxReader;
import qsh.core.modelio.OnnxWriter;
import qsh.core.onnx.TensorProtos;
import qsh.core.opset.OpsetUpgrader;
import qsh.core.schema.SchemaCheck;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;
import qsh.core.testing.SystemPackages;

/**
 * The opset upgrader on ONNX's own operator tests (Debian libonnx-testdata): every node test whose ops qsh runs,
 * plus the pytorch-operator and pytorch-converted sets (opset 6, the old attribute forms), is upgraded to opset 21.
 * The upgraded model must pass the schema check, qsh must still compute the expected outputs, and where the upgrade
 * rewrote a node ONNX Runtime must load and run the upgraded model to the expected outputs too. Without the test
 * data the test says so in one line and is skipped.
 */
class UpgradedNodeTest {
    static final long TARGET = 21;
    static int passed;
    static int rewritten;
    static int skipped;

    @TestFactory
    Stream<DynamicTest> upgradedNodeTests() throws IOException {
        Path root = OnnxBackendNodeTest.ROOT;
        SystemPackages.assume(Files.isDirectory(root.resolve("node")),
                "opset upgrade conformance on ONNX's operator tests (no test data at " + root + ")", "libonnx-testdata");
        List<Path> dirs = new ArrayList<>();
        for (String set : List.of("node", "pytorch-operator", "pytorch-converted")) {
            Path d = root.resolve(set);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.filter(Files::isDirectory).sorted().forEach(dirs::add);
                }
            }
        }
        return dirs.stream().map(d -> DynamicTest.dynamicTest(d.getParent().getFileName() + "/" + d.getFileName(),
                () -> runOne(d)));
    }

    private static void runOne(Path dir) throws Exception {
        String name = dir.getFileName().toString();
        Path model = dir.resolve("model.onnx");
        Path data = dir.resolve("test_data_set_0");
        Graph g = null;
        try {
            g = Files.exists(model) && Files.isDirectory(data) ? OnnxReader.read(model) : null;
        } catch (IllegalArgumentException e) {
            // not loadable by qsh: skipped below
        }
        String why = g == null ? "no model qsh reads" : g.opset() >= TARGET ? "already at opset " + g.opset() : null;
        for (Node n : g == null ? List.<Node>of() : g.nodes()) {
            why = why == null && Ops.get(n.domain(), n.opType()) == null ? "op " + n.opType() + " not supported" : why;
        }
        if (name.contains("Pool3d")) {
            why = "3-D pooling";
        }
        for (Map.Entry<String, String> e : OnnxBackendNodeTest.KNOWN_UNSUPPORTED.entrySet()) {
            why = why == null && name.contains(e.getKey()) ? e.getValue() : why;
        }
        Map<String, Object> inputs = new LinkedHashMap<>();
        for (int i = 0; why == null && i < g.inputs().size(); i++) {
            try {
                inputs.put(g.inputs().get(i).name(), TensorProtos.decode(TensorProtos.readFile(data.resolve("input_" + i + ".pb"))));
            } catch (IllegalArgumentException e) {
                why = "input is not a plain tensor";
            }
        }
        if (why != null) {
            skipped++;
            Assumptions.abort(why);
        }
        Graph up = OpsetUpgrader.upgrade(g, TARGET);
        assertEquals(List.of(), SchemaCheck.problems(up), name + ": schema problems after the upgrade");
        List<Object> expected = new ArrayList<>();
        for (int k = 0; k < g.outputs().size(); k++) {
            expected.add(TensorProtos.decode(TensorProtos.readFile(data.resolve("output_" + k + ".pb"))));
        }
        Map<String, Object> ours = Executor.run(up, inputs, null);
        int k = 0;
        for (Object actual : ours.values()) {
            OnnxBackendNodeTest.compare(name + " (qsh, opset " + TARGET + ")", expected.get(k++), actual);
        }
        // ONNX Runtime where the upgrade rewrote a node, on float/int64 models (qsh holds doubles as float32, so a
        // double model is not written back as double)
        boolean plainTypes = g.inputs().stream().allMatch(v -> v.elemType() == 1 || v.elemType() == 7)
                && !g.weightTypes().containsValue(11);
        if (!nodesOf(g).equals(nodesOf(up)) && plainTypes) {
            rewritten++;
            List<Object> ort = ort(up, inputs);
            for (int j = 0; j < ort.size(); j++) {
                OnnxBackendNodeTest.compare(name + " (ONNX Runtime, opset " + TARGET + ")", expected.get(j), ort.get(j));
            }
        }
        passed++;
    }

    private static List<String> nodesOf(Graph g) {
        return g.nodes().stream().map(n -> n.proto().toString()).toList();
    }

    /** ONNX Runtime's outputs of {@code g} (float and int64 tensors). */
    private static List<Object> ort(Graph g, Map<String, Object> inputs) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> in = new HashMap<>();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
             OrtSession s = env.createSession(OnnxWriter.toProto(g).toByteArray(), so)) {
            for (Map.Entry<String, Object> e : inputs.entrySet()) {
                Object v = e.getValue();
                long[] shape = Arrays.stream(Executor.shapeOf(v)).asLongStream().toArray();
                in.put(e.getKey(), v instanceof Tensor
                        ? OnnxTensor.createTensor(env, FloatBuffer.wrap(((Tensor) v).data()), shape)
                        : OnnxTensor.createTensor(env, LongBuffer.wrap(((LongTensor) v).data()), shape));
            }
            List<Object> out = new ArrayList<>();
            try (OrtSession.Result r = s.run(in)) {
                for (Map.Entry<String, OnnxValue> e : r) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    int[] shape = Arrays.stream(t.getInfo().getShape()).mapToInt(Math::toIntExact).toArray();
                    if (t.getInfo().type == ai.onnxruntime.OnnxJavaType.INT64) {
                        LongBuffer b = t.getLongBuffer();
                        long[] d = new long[b.remaining()];
                        b.get(d);
                        out.add(LongTensor.of(shape, d));
                    } else {
                        FloatBuffer b = t.getFloatBuffer();
                        float[] d = new float[b.remaining()];
                        b.get(d);
                        out.add(Tensor.of(shape, d));
                    }
                }
            }
            return out;
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    @AfterAll
    static void report() {
        if (passed + skipped == 0) {
            return; // the test data is missing: the skip line said so
        }
        System.out.println("ONNX operator tests upgraded to opset " + TARGET + ": " + passed + " passed (" + rewritten
                + " rewritten and also run by ONNX Runtime), " + skipped + " skipped");
    }
}
