package qsh.commands.spi;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import qsh.core.io.AtomicFile;

/**
 * The session's successful command lines, and an optional recording: {@code record FILE.qsh} saves every later
 * successful line to FILE (rewritten whole after each line, so a crash loses nothing) until {@code record off}.
 * The recording commands themselves, help and exit are not recorded: the file replays the work, not the
 * bookkeeping.
 */
public final class History {
    private static final Set<String> NOT_RECORDED = Set.of("record", "save-history", "help", "exit", "trace");
    private final List<String> lines = new ArrayList<>();
    private Path recording;
    private int recordingFrom;
    private String stopped;

    /**
     * Adds a successful line (the interpreter calls this). When the recording file cannot be written, recording
     * stops and the reason comes back (the command itself has run); null otherwise.
     */
    public String record(String line, String command) {
        if (NOT_RECORDED.contains(command)) {
            return null;
        }
        lines.add(line);
        if (recording != null) {
            try {
                write(recording, lines.subList(recordingFrom, lines.size()));
            } catch (IllegalArgumentException e) {
                Path f = recording;
                int saved = lines.size() - 1 - recordingFrom;
                recording = null;
                stopped = "recording to " + f + " stopped (" + e.getMessage() + "); the last " + saved
                        + " command(s) before it were recorded";
                return stopped + "; this command ran but is not in the file: record FILE.qsh to start again";
            }
        }
        return null;
    }

    /** Why the last recording stopped by itself (its file could not be written), or null. */
    public String stoppedReason() {
        return stopped;
    }

    /** Every successful line so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Starts recording into {@code file} (an empty script until the next command). */
    public void start(Path file) {
        write(file, List.of()); // first: a file that cannot be written leaves recording off
        recording = file;
        recordingFrom = lines.size();
        stopped = null;
    }

    /** Stops recording; returns the file and line count, or null when nothing was being recorded. */
    public Path stop() {
        Path f = recording;
        recording = null;
        stopped = null;
        return f;
    }

    /** The file being recorded to, or null. */
    public Path recording() {
        return recording;
    }

    /** Lines recorded since {@code record} started. */
    public int recordedCount() {
        return recording == null ? 0 : lines.size() - recordingFrom;
    }

    /** Writes {@code body} as a replayable .qsh script with a header. */
    public static void write(Path file, List<String> body) {
        StringBuilder b = new StringBuilder("# recorded by qsh; replay with: ./qsh ").append(file.getFileName()).append('\n');
        body.forEach(l -> b.append(l).append('\n'));
        AtomicFile.write(file, b.toString().getBytes(StandardCharsets.UTF_8));
    }
}
