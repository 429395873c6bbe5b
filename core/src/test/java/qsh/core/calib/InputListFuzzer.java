package qsh.core.calib;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import qsh.core.testing.FuzzVerdict;

/**
 * Jazzer target: an input list as {@code calibrate} and {@code compare} read it, from a folder holding two of the
 * files a list may name ({@code a.raw}, {@code img0.raw}). Property: it parses, or fails with one of qsh's
 * user-facing errors ({@link FuzzVerdict}); a parsed list's entries have input files (a list of files that must
 * exist names only files that do). Corpus: {@code InputListFuzzerInputs/fuzz}.
 */
class InputListFuzzer {
    static Path dir;

    @BeforeAll
    static void folder() throws IOException {
        dir = Files.createTempDirectory("qsh-fuzz-list");
        Files.write(dir.resolve("a.raw"), new byte[16]);
        Files.write(dir.resolve("img0.raw"), new byte[16]);
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
    void fuzz(FuzzedDataProvider data) {
        boolean checkFiles = data.consumeBoolean();
        String text = data.consumeRemainingAsString();
        InputList list;
        try {
            list = InputList.parse(text, dir, "fuzz.txt", checkFiles);
        } catch (RuntimeException e) {
            FuzzVerdict.requireUsersError(e);
            return;
        }
        for (InputList.Entry e : list.entries()) {
            if (e.inputs().isEmpty()) {
                throw new AssertionError("line " + e.line() + " parsed to an entry without inputs");
            }
            if (checkFiles) {
                e.inputs().values().forEach(p -> {
                    if (!Files.isRegularFile(p)) {
                        throw new AssertionError("line " + e.line() + " names a missing file " + p);
                    }
                });
            }
        }
        list.inputNames();
        list.outputLineWhere(true);
    }
}
