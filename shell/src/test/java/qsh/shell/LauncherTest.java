package qsh.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./qsh} launcher's stderr filter drops only the JVM's incubator warning: an error line holding a NUL byte
 * or invalid UTF-8 (a fuzzed model's node name) must not switch it to binary mode and swallow every later line.
 * The launcher runs here against a stand-in {@code java} that writes such lines, so the test needs no build.
 */
class LauncherTest {
    @TempDir
    Path dir;

    @Test
    void errorLinesWithNulAndInvalidUtf8ReachStderrAndLaterLinesToo() throws Exception {
        Path launcher = Path.of("..", "qsh").toAbsolutePath().normalize();
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.copy(launcher, home.resolve("qsh"));
        Path target = Files.createDirectories(home.resolve("shell/target/lib"));
        Path jar = Files.writeString(home.resolve("shell/target/qsh-shell-0.1.0-SNAPSHOT.jar"), "");
        Path jsa = Files.writeString(home.resolve("shell/target/qsh.jsa"), "");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
        Files.setLastModifiedTime(jsa, FileTime.from(Instant.now())); // newer than the jar: no class-data warm-up run
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = bin.resolve("java");
        // the stand-in JVM: the incubator warning, a line with a NUL, one with invalid UTF-8, a last one; exit 3
        Files.writeString(java, "#!/bin/sh\n"
                + "printf 'WARNING: Using incubator modules: jdk.incubator.vector\\n' >&2\n"
                + "printf 'error: node a\\000b failed\\n' >&2\n"
                + "printf 'error: node \\377\\376 failed\\n' >&2\n"
                + "printf 'error: the last line\\n' >&2\n"
                + "printf 'out\\n'\n"
                + "exit 3\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("qsh").toString(), "-c", "version");
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().remove("QSH_JAVA_OPTS");
        Process p = pb.start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        drain.start();
        byte[] out = p.getInputStream().readAllBytes();
        int code = p.waitFor();
        drain.join();
        assertEquals(3, code, "the launcher exits with the JVM's code");
        assertEquals("out\n", new String(out, StandardCharsets.UTF_8));
        byte[] expected = concat("error: node a".getBytes(StandardCharsets.US_ASCII), new byte[] {0},
                "b failed\nerror: node ".getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xff, (byte) 0xfe},
                " failed\nerror: the last line\n".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(expected, err.toByteArray(), () -> "stderr was: " + err);
        assertEquals(0, target.toFile().list().length, "nothing built");
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }
}
