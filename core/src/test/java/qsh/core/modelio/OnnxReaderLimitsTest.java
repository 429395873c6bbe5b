package qsh.core.modelio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.core.onnx.OnnxFormatException;
import qsh.core.onnx.proto.OnnxProto;
import qsh.core.onnx.proto.OnnxProto.AttributeProto;
import qsh.core.onnx.proto.OnnxProto.GraphProto;
import qsh.core.onnx.proto.OnnxProto.ModelProto;
import qsh.core.onnx.proto.OnnxProto.NodeProto;
import qsh.core.onnx.proto.OnnxProto.TensorProto;
import qsh.core.onnx.proto.OnnxProto.ValueInfoProto;

/**
 * A few bytes that claim a huge tensor are refused with one line naming the file and the tensor, before anything
 * of the claimed size is allocated (the fuzzed 76-byte file claiming an 8 GB float initializer ran out of memory).
 */
class OnnxReaderLimitsTest {
    @TempDir
    Path dir;

    /** A model whose only initializer is {@code t}, read by an Identity node. */
    private static byte[] modelWith(TensorProto t) {
        GraphProto g = GraphProto.newBuilder().addInitializer(t)
                .addNode(NodeProto.newBuilder().setOpType("Identity").addInput(t.getName()).addOutput("y"))
                .addOutput(ValueInfoProto.newBuilder().setName("y")).build();
        return ModelProto.newBuilder().setIrVersion(8).setGraph(g).build().toByteArray();
    }

    @ParameterizedTest
    @CsvSource({
        // element type, claimed dims: 2^31-9 floats (8 GB), 1.34e9 doubles (10 GB decoded from 0 bytes), int64, int4
        "1, 2147483639", "11, 1342177280", "7, 1342177280", "10, 2147483639", "22, 2147483639", "6, 2147483639"})
    void hugeClaimWithoutDataIsRefusedBeforeAllocating(int dataType, long dim) throws Exception {
        TensorProto t = TensorProto.newBuilder().setName("w").setDataType(dataType).addDims(dim).build();
        Path f = dir.resolve("huge.onnx");
        Files.write(f, modelWith(t));
        assertTrue(Files.size(f) < 100, "the reproducer stays tiny: " + Files.size(f));
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(f));
        assertTrue(e.getMessage().startsWith(f + ": initializer 'w'"), e.getMessage());
        assertTrue(e.getMessage().contains("needs"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void rawDataShorterThanTheShapeIsRefused() throws Exception {
        TensorProto t = TensorProto.newBuilder().setName("w").setDataType(1).addDims(1_000_000_000L)
                .setRawData(ByteString.copyFrom(new byte[16])).build();
        Path f = dir.resolve("short.onnx");
        Files.write(f, modelWith(t));
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(f));
        assertEquals(f + ": initializer 'w': tensor 'w': raw data has 16 bytes but shape [1000000000] of FLOAT needs "
                + "4000000000", e.getMessage());
    }

    @Test
    void hugeConstantNodeNamesTheFileAndNode() throws Exception {
        TensorProto value = TensorProto.newBuilder().setDataType(1).addDims(2_000_000_000L).build();
        GraphProto g = GraphProto.newBuilder()
                .addNode(NodeProto.newBuilder().setOpType("Constant").setName("big").addOutput("c")
                        .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                                .setT(value)))
                .addOutput(ValueInfoProto.newBuilder().setName("c")).build();
        Path f = dir.resolve("const.onnx");
        Files.write(f, ModelProto.newBuilder().setIrVersion(8).setGraph(g).build().toByteArray());
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(f));
        assertTrue(e.getMessage().startsWith(f + ": Constant node 'big': tensor 'c' has 0 values"), e.getMessage());
    }

    @Test
    void externalDataIsRefusedByName() throws Exception {
        TensorProto t = TensorProto.newBuilder().setName("w").setDataType(1).addDims(1_000_000_000L)
                .addExternalData(OnnxProto.StringStringEntryProto.newBuilder().setKey("location")
                        .setValue("/dev/zero")).build();
        Path f = dir.resolve("ext.onnx");
        Files.write(f, modelWith(t));
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxReader.read(f));
        assertTrue(e.getMessage().contains("external file"), e.getMessage());
    }
}
