package qsh.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The spec's qairt-quantizer command lines, pasted as the spec prints them (only the file names changed), run as
 * {@code qsh quantize …}; and the batch command's own help.
 */
class BatchQuantizeSpecLinesTest {
    static final Path MODEL = Path.of("..", "commands", "src", "main", "resources", "qsh", "demo", "demo.onnx")
            .toAbsolutePath().normalize();
    static final Path LIST = Path.of("..", "scripts", "data", "demo", "input_list.txt").toAbsolutePath().normalize();
    static final Path OVERRIDES = Path.of("..", "scripts", "data", "overrides", "mixed-fp32-block.json").toAbsolutePath()
            .normalize();

    /** The spec's example ("qairt-quantizer", first example), verbatim with its shell line continuations. */
    static final String SPEC_EXAMPLE = """
            $ qairt-quantizer --input_dlc inception_v3.dlc \\
                              --input_list image_file_list.txt \\
                              --output_dlc inception_v3_quantized.dlc
            """;

    @TempDir
    Path dir;

    /** A pasted command line as a POSIX shell hands it over: continuations joined, split at blanks, "$ " dropped. */
    private String[] asShellArgs(String pasted) {
        String joined = pasted.replace("\\\n", " ").strip();
        List<String> words = new ArrayList<>(Arrays.asList(joined.split("\\s+")));
        assertEquals("$", words.remove(0));
        assertEquals("qairt-quantizer", words.get(0));
        words.set(0, "quantize"); // ./qsh quantize is qsh's qairt-quantizer
        return words.toArray(String[]::new);
    }

    /** The spec's file names → this test's files (the only change to the pasted text). */
    private String renamed(String specLine) {
        return specLine.replace("inception_v3.dlc", MODEL.toString())
                .replace("image_file_list.txt", LIST.toString())
                .replace("inception_v3_quantized.dlc", dir.resolve("inception_v3_quantized.onnx").toString())
                .replace("overrides.json", OVERRIDES.toString());
    }

    @Test
    void theSpecsExampleRuns() throws Exception {
        ScriptTranscriptTest.Run r = ScriptTranscriptTest.run(asShellArgs(renamed(SPEC_EXAMPLE)));
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("quantized " + MODEL), r.output());
        assertTrue(Files.size(dir.resolve("inception_v3_quantized.onnx")) > 10_000);
        assertTrue(Files.exists(dir.resolve("inception_v3_quantized.encodings")));
    }

    /** The other command lines the section and the flags it refers to describe, in the spec's spelling. */
    @ParameterizedTest
    @ValueSource(strings = {
        "--input_list image_file_list.txt --ignore_quantization_overrides --quantization_overrides overrides.json",
        "--enable_float_fallback --quantization_overrides overrides.json",
        "--float_fallback --quantization_overrides overrides.json --ignore_encodings",
        "--input_list image_file_list.txt --use_aimet_quantizer",
        "--input_list image_file_list.txt --param_quantizer enhanced weights --act_quantizer enhanced activations",
        "--input_list image_file_list.txt --param_quantizer symmetric --act_quantizer adjusted",
        "--input_list image_file_list.txt --algorithms cle",
        "--input_list image_file_list.txt --weight_bw 4 --bias_bw 32 --act_bw 16 --pack_4_bit_weights",
        "--float_bw 16",
        "--input_list image_file_list.txt --quantization_overrides overrides.json --float_bias_bw 16",
    })
    void theSpecsFlagLinesRun(String flags) throws Exception {
        String line = "$ qairt-quantizer --input_dlc inception_v3.dlc " + flags + " --output_dlc inception_v3_quantized.dlc";
        ScriptTranscriptTest.Run r = ScriptTranscriptTest.run(asShellArgs(renamed(line)));
        assertEquals(0, r.code(), r.output());
        assertFalse(r.output().contains("error"), r.output());
        assertTrue(Files.size(dir.resolve("inception_v3_quantized.onnx")) > 10_000, r.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void helpIsTheBatchCommandsHelp(String flag) {
        ScriptTranscriptTest.Run r = ScriptTranscriptTest.run("quantize", flag);
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().startsWith("usage: qsh quantize --input_network M.onnx"), r.output());
        assertTrue(r.output().contains("--input_dlc M.onnx") && r.output().contains("known but not taken here:"), r.output());
        assertFalse(r.output().contains("error"), r.output());
        ScriptTranscriptTest.Run late = ScriptTranscriptTest.run("quantize", "--input_network", "demo", flag);
        assertEquals(0, late.code(), late.output());
    }
}
