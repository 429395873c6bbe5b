package qsh.commands.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ZooInputs reproduces scripts/zoo/zoo_inputs.py: checksums (float64 sums of the float32 values) printed by
 * {@code python3 -c "import zoo_inputs as z; print(repr(z.checksum(z.image(SEED, C, H, W, FAMILY))))"} in scripts/zoo.
 * numpy sums pairwise and Java sequentially, so the sums agree to rounding, not bit for bit.
 */
class ZooInputsTest {
    @ParameterizedTest(name = "{0} {1}x{2}x{3} {4}")
    @CsvSource({
            "1000, 3, 48,  192, paddle,   14386.264427796006",
            "1000, 3, 160, 160, paddle,   26397.7058570683",
            "1000, 3, 48,  320, paddle,   24102.465049639344",
            "1000, 3, 224, 224, imagenet, 29452.985945374527",
            "1000, 3, 160, 160, imagenet, 15063.993177051134",
    })
    void matchesThePythonGenerator(long seed, int c, int h, int w, String family, double python) {
        double sum = ZooInputs.checksum(ZooInputs.image(seed, c, h, w, family).data());
        assertEquals(python, sum, 1e-9 * Math.abs(python));
    }

    @org.junit.jupiter.api.Test
    void splitMixStreamsMatchPython() {
        // zoo_inputs.uniform(0, 3) and uniform(5, 2)
        assertEquals(0.88331081, ZooInputs.uniform(0, 0), 1e-8);
        assertEquals(0.56656158, ZooInputs.uniform(0, 1), 1e-8);
        assertEquals(0.59118973, ZooInputs.uniform(0, 2), 1e-8);
        assertEquals(0.71169897, ZooInputs.uniform(5, 0), 1e-8);
        assertEquals(0.44151646, ZooInputs.uniform(5, 1), 1e-8);
    }
}
