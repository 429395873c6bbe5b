package qsh.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import qsh.commands.spi.CommandException;

/** record / save-history write replayable scripts of the successful commands, not failures or bookkeeping. */
class HistoryTest {
    @TempDir
    Path dir;

    @Test
    void recordsSuccessfulCommandsAndReplays() throws Exception {
        Interpreter in = new Interpreter();
        in.execute("let a = [1, 2, 3]");
        Path rec = dir.resolve("rec.qsh");
        in.execute("record " + rec);
        in.execute("let b = [4, 5]");
        assertThrows(CommandException.class, () -> in.execute("encode nope"));
        in.execute("help");
        in.execute("encode b --bw 8");
        in.execute("record off");
        assertEquals(List.of("let b = [4, 5]", "encode b --bw 8"), Files.readAllLines(rec).subList(1, 3));
        assertEquals(3, Files.readAllLines(rec).size());
        Path all = dir.resolve("all.qsh");
        in.execute("save-history " + all);
        assertEquals(List.of("let a = [1, 2, 3]", "let b = [4, 5]", "encode b --bw 8"), Files.readAllLines(all).subList(1, 4));
        Interpreter replay = new Interpreter();
        replay.execute("run " + all);
        assertEquals(2, replay.session().tensor("b").tensor().size());
        // the run line is recorded once, not the lines of the script it ran
        Path again = dir.resolve("again.qsh");
        replay.execute("save-history " + again);
        assertEquals(List.of("run " + all), Files.readAllLines(again).subList(1, 2));
        assertThrows(CommandException.class, () -> replay.execute("record off"));
    }
}
