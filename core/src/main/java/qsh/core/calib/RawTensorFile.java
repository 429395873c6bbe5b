package qsh.core.calib;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import qsh.core.io.AtomicFile;
import qsh.core.io.RegularFiles;
import qsh.core.tensor.MemoryBudget;
import qsh.core.tensor.Tensor;

/**
 * Raw tensor files as the spec's input lists use them: the tensor's float32 values, little-endian,
 * row-major, no header (spec "Quantizing a Model": "raw data inputs"; qnn-net-run's raw format).
 */
public final class RawTensorFile {
    private RawTensorFile() {}

    /**
     * Reads {@code file} as a float32 tensor of {@code shape} for input {@code inputName}; the byte count must
     * be exactly 4 × elements and every value finite.
     */
    public static Tensor read(Path file, String inputName, int[] shape) {
        long elements = Tensor.checkedSize(shape);
        MemoryBudget.check("input '" + inputName + "'", shape, Float.BYTES);
        long expectedBytes = elements * Float.BYTES;
        long actualBytes = RegularFiles.check(file, "raw input", Long.MAX_VALUE);
        if (actualBytes != expectedBytes) {
            throw new IllegalArgumentException(file.getFileName() + ": " + actualBytes + " bytes, but input '"
                    + inputName + "' " + shapeText(shape) + " needs " + elements + " float32 = " + expectedBytes
                    + " bytes" + (actualBytes == elements
                    ? " (one byte per value: is the file 8-bit data? qsh reads float32)" : ""));
        }
        byte[] bytes = RegularFiles.read(file, "raw input", expectedBytes);
        if (bytes.length != expectedBytes) {
            throw new IllegalArgumentException(file.getFileName() + ": changed size while being read ("
                    + bytes.length + " bytes, expected " + expectedBytes + "): read it again");
        }
        float[] data = new float[(int) elements];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                throw new IllegalArgumentException(file.getFileName() + ": value " + data[i] + " at index " + i
                        + " " + indexText(i, shape) + " of input '" + inputName
                        + "': NaN and Inf cannot be calibrated; fix the data");
            }
        }
        return Tensor.of(shape, data);
    }

    /**
     * Writes {@code tensor} as raw float32 little-endian; the file appears whole or not at all (written to a
     * temporary file in the same folder, then renamed over the target).
     */
    public static void write(Path file, Tensor tensor) {
        float[] data = tensor.data();
        ByteBuffer buf = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        AtomicFile.write(file, buf.array());
    }

    /**
     * The batch-1 rule (spec "qairt-quantizer": the batch dimension must be 1 during conversion): a shape of
     * rank ≥ 2 must have dimension 0 equal to 1. Rank 0 and 1 shapes have no batch dimension and pass.
     */
    public static void checkBatchOne(String inputName, int[] shape) {
        if (shape.length >= 2 && shape[0] != 1) {
            throw new IllegalArgumentException("input '" + inputName + "' " + shapeText(shape) + " has batch "
                    + shape[0] + ", but calibration needs batch 1 (spec, qairt-quantizer): re-export the model"
                    + " with batch dimension 1");
        }
    }

    static String shapeText(int[] shape) {
        return Arrays.toString(shape).replace(" ", "");
    }

    private static String indexText(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        int rest = flat;
        for (int a = shape.length - 1; a >= 0; a--) {
            idx[a] = shape[a] == 0 ? 0 : rest % shape[a];
            rest = shape[a] == 0 ? 0 : rest / shape[a];
        }
        return shapeText(idx);
    }
}
