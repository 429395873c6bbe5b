package qsh.commands.algorithms;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import qsh.commands.spi.CommandException;

/**
 * Jazzer target: an algorithm config (the spec's YAML for adaround, amp and autoquant) as {@code --config FILE}
 * reads it, from a folder that holds the files the shipped configs name (fashion.js, quantsim-htp.json), so that
 * valid callbacks and config files resolve. Property: it reads, or fails with a {@link CommandException} (the
 * reader's own one-line errors; it is called directly, so any bug arrives as another exception type — no text
 * check, since the reader rightly echoes what the file says, and the fuzzer learns any word a check looks for);
 * what reads answers {@code section} for each algorithm.
 * Corpus: {@code YamlConfigFuzzerInputs/fuzz} (seeded from scripts/algorithms).
 */
class YamlConfigFuzzer {
    static Path dir;
    static Path file;

    @BeforeAll
    static void folder() throws IOException {
        dir = Files.createTempDirectory("qsh-fuzz-yaml");
        Files.writeString(dir.resolve("fashion.js"), "function unlabelled() { return [] }\n");
        Files.writeString(dir.resolve("quantsim-htp.json"), "{}\n");
        file = dir.resolve("config.yaml");
    }

    @AfterAll
    static void clean() throws IOException {
        try (var files = Files.list(dir)) {
            files.forEach(f -> {
                try {
                    Files.delete(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        Files.delete(dir);
    }

    @FuzzTest
    void fuzz(byte[] yaml) throws IOException {
        Files.write(file, yaml);
        AlgorithmConfig config;
        try {
            config = AlgorithmConfig.read(file, "config.yaml");
        } catch (RuntimeException e) {
            requireReadersError(e);
            return;
        }
        for (String algorithm : new String[] {"adaround", "amp", "autoquant"}) {
            try {
                config.section(algorithm);
            } catch (RuntimeException e) {
                requireReadersError(e);
            }
        }
    }

    private static void requireReadersError(RuntimeException e) {
        if (!(e instanceof CommandException) || e.getMessage() == null || e.getMessage().isBlank()) {
            throw e;
        }
    }
}
