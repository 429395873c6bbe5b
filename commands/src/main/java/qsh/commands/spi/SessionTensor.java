package qsh.commands.spi;

import java.util.List;
import qsh.core.quant.Encoding;
import qsh.core.tensor.Tensor;

/**
 * A named tensor of the session, with the encoding(s) it was quantized with, if any.
 *
 * @param name      session name
 * @param tensor    float values (for a quantized tensor: the grid values as floats)
 * @param kind      "float" or "quantized"
 * @param encodings one encoding (per-tensor) or one per channel; empty when none
 * @param axis      channel axis for per-channel encodings, else -1
 * @param origin    how it was made (literal, generator, command) — every value knows the op that made it
 */
public record SessionTensor(String name, Tensor tensor, String kind, List<Encoding> encodings, int axis, String origin) {
    /** A float tensor without encoding. */
    public static SessionTensor floats(String name, Tensor t, String origin) {
        return new SessionTensor(name, t, "float", List.of(), -1, origin);
    }

    /** The dtype shown in headers: float32, or uint{bw} for quantized tensors. */
    public String dtype() {
        return kind.equals("quantized") && !encodings.isEmpty() ? "uint" + encodings.get(0).bitwidth() : "float32";
    }
}
