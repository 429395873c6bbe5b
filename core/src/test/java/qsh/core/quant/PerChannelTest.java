package qsh.core.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import qsh.core.tensor.Tensor;

/** Per-channel encodings: the spec's 3-output-channel override numbers and channel gathering along any axis. */
class PerChannelTest {
    private static final double[] SPEC_MAX = {0.7011175155639648, 0.5228064656257629, 0.7368279099464417};
    private static final double[] SPEC_SCALE = {0.005520610358771377, 0.004116586343509945, 0.005801794566507415};
    private static final double[] SPEC_MIN = {-0.7066381259227362, -0.5269230519692729, -0.7426297045129491};

    @Test
    void specThreeChannelWeightAlongTheLastAxis() {
        // a (2, 2, 3) weight whose channels (last axis) have absmax = the spec's per-channel max values
        int[] shape = {2, 2, 3};
        float[] data = new float[12];
        for (int i = 0; i < 12; i++) {
            int c = i % 3;
            data[i] = (float) (SPEC_MAX[c] * (i / 3 - 1.5) / 1.5); // i/3 = 0 gives -max, 3 gives +max
        }
        Tensor t = Tensor.of(shape, data);
        assertEquals(3, PerChannel.channelCount(t, -1));
        Explanation ex = new Explanation();
        List<Encoding> encs = PerChannel.encode(t, 2, Encoders.forMode(QuantMode.SYMMETRIC), 8, EncoderOptions.DEFAULTS, ex);
        assertEquals(3, encs.size());
        for (int c = 0; c < 3; c++) {
            assertEquals(SPEC_SCALE[c], encs.get(c).scale(), 1e-15);
            assertEquals(SPEC_MIN[c], encs.get(c).min(), 1e-13);
            assertEquals(-128, encs.get(c).aimetOffset());
        }
        assertEquals(3, ex.steps().size());
    }

    @Test
    void channelIsTheIndexAlongTheAxis() {
        // shape (2, 3, 2): channel c along axis 1 holds values 10c + {0..3}
        int[] shape = {2, 3, 2};
        float[] data = new float[12];
        int[] strides = {6, 2, 1};
        for (int i = 0; i < 12; i++) {
            int c = (i / strides[1]) % 3;
            data[i] = 10 * c + (i / 6) * 2 + i % 2 + 1;
        }
        List<Encoding> encs = PerChannel.encode(Tensor.of(shape, data), 1, Encoders.forMode(QuantMode.TF), 8,
                EncoderOptions.DEFAULTS, Explanation.NONE);
        for (int c = 0; c < 3; c++) {
            assertEquals(10 * c + 4, encs.get(c).max(), 1e-9, "channel " + c);
            assertEquals(0, encs.get(c).min(), 0);
        }
    }

    @Test
    void errorsNameTheChannel() {
        Tensor t = Tensor.of(new int[] {2, 2}, new float[] {1f, Float.NaN, 2f, 3f});
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> PerChannel.encode(t, 1, Encoders.forMode(QuantMode.TF), 8, EncoderOptions.DEFAULTS, Explanation.NONE));
        assertTrue(ex.getMessage().startsWith("channel 1 of axis 1"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PerChannel.channelCount(t, 2));
    }
}
