package qsh.commands.builtin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.Format;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.commands.spi.SessionTensor;

/** {@code tensors}: lists the session's named tensors. */
public final class TensorsCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("tensors", "tensors", "list the session's named tensors",
            List.of(), List.of(), List.of("tensors", "tensors --json"), List.of("let", "show"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        args.atMost(0);
        List<String> lines = new ArrayList<>();
        List<Map<String, Object>> data = new ArrayList<>();
        for (SessionTensor t : session.tensors().values()) {
            lines.add(String.format("  %-12s %-8s %-14s %s", t.name(), t.dtype(), Format.shape(t.tensor().shape()), t.origin()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", t.name());
            m.put("dtype", t.dtype());
            m.put("shape", t.tensor().shape());
            m.put("origin", t.origin());
            data.add(m);
        }
        if (lines.isEmpty()) {
            lines.add("no tensors yet: try  let x = [-1.8, -1.0, 0, 0.5]");
        }
        return Result.of(data, lines);
    }
}
