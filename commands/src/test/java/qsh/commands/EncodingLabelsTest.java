package qsh.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import qsh.commands.spi.EncodingText;
import qsh.core.quant.Encoding;

/**
 * An encoding's label agrees with the numbers printed next to it (issue 16): an asymmetric encoding is unsigned with
 * its grid offset ("uint8 … offset 200"), a signed-symmetric one is signed with offset 0 and says where that zero sits
 * on the unsigned grid qsh's other numbers use (a 32-bit bias: "int32 … offset 0 symmetric (2147483648 on the uint32
 * grid)").
 */
class EncodingLabelsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "tf 8       | 8  | -1.8 | 0.5 | false | uint8 [-1.803922, 0.4960784] scale 0.009019608 offset 200",
        "tf 16      | 16 | 0    | 6   | false | uint16 [0, 6] scale 0.00009155413 offset 0",
        "tf 4       | 4  | -1.8 | 0.5 | false | uint4 [-1.84, 0.46] scale 0.1533333 offset 12",
        "symmetric 8 | 8 | 0    | 2   | true  | int8 [-2.015748, 2] scale 0.01574803 offset 0 symmetric (128 on the uint8 grid)",
        "symmetric 4 | 4 | 0    | 7   | true  | int4 [-8, 7] scale 1 offset 0 symmetric (8 on the uint4 grid)"})
    void theLabelFitsTheOffsetShown(String what, int bw, double min, double max, boolean symmetric, String expected) {
        Encoding e = symmetric ? Encoding.symmetricFromAbsMax(bw, Math.max(-min, max)) : Encoding.fromRange(bw, min, max);
        assertEquals(expected, EncodingText.describe(e));
        assertEquals(expected.substring(0, expected.indexOf(' ')), EncodingText.label(e));
    }

    @org.junit.jupiter.api.Test
    void aThirtyTwoBitBiasIsSignedWithOffsetZero() {
        Encoding bias = Encoding.fromScaleAndZeroPoint(32, Math.scalb(1.0, -20), 1L << 31, true);
        assertEquals("int32 [-2048, 2048] scale 9.536743e-07 offset 0 symmetric (2147483648 on the uint32 grid)",
                EncodingText.describe(bias));
    }

    @org.junit.jupiter.api.Test
    void showOfAQuantizedTensorNamesOneType() {
        Interpreter in = new Interpreter();
        in.execute("let x = [-1.8, -1.0, 0, 0.5]");
        in.execute("quantize x --as xq");
        List<String> lines = in.execute("show xq").result().lines();
        assertTrue(lines.get(0).startsWith("xq: uint8 [4]"), lines.get(0));
        assertTrue(lines.contains("  encoding: uint8 [-1.803922, 0.4960784] scale 0.009019608 offset 200"), lines.toString());
    }
}
