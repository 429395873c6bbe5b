package qsh.commands.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import qsh.core.workflow.ModelState;
import qsh.commands.spi.ArgSpec;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;

/**
 * {@code target cpu|gpu|dsp|htp|hta}: does the session's model suit that backend, per the spec's "Choosing Between
 * a Quantized or Non-Quantized Model" (CPU and GPU: non-quantized; DSP, HTP, HTA: quantized)? Also lists the
 * precisions in use and any float ops left in a quantized model. Op-level support tables are in the backend
 * supplements, which the spec does not include: qsh does not check them.
 */
public final class TargetCommand implements Command {
    private static final Map<String, Boolean> NEEDS_QUANTIZED = Map.of("cpu", false, "gpu", false, "dsp", true, "htp", true,
            "hta", true);
    private static final CommandSpec SPEC = new CommandSpec("target", "quantization",
            "does the model suit a backend (spec: CPU/GPU non-quantized; DSP/HTP/HTA quantized)?", List.of(ArgSpec.choice("cpu", "gpu", "dsp", "htp", "hta")),
            List.of(), List.of("target htp", "target cpu --json"), List.of("calibrate", "encodings"), true);

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        String t = args.positional(0, "a backend: cpu, gpu, dsp, htp or hta").toLowerCase(java.util.Locale.ROOT);
        args.atMost(1);
        Boolean needsQuantized = NEEDS_QUANTIZED.get(t);
        if (needsQuantized == null) {
            throw new CommandException("unknown backend '" + t + "': use cpu, gpu, dsp, htp or hta");
        }
        ModelState m = session.requireModel();
        boolean quantized = m.quantized() && m.plan().quantizes();
        Map<String, Integer> precisions = new TreeMap<>();
        List<String> floatOps = new ArrayList<>();
        if (m.quantized()) {
            m.plan().ops().forEach((op, p) -> {
                precisions.merge(p.describe(), 1, Integer::sum);
                if (!p.isInt()) {
                    floatOps.add(op);
                }
            });
        }
        boolean suits = needsQuantized == quantized;
        List<String> lines = new ArrayList<>();
        String what = quantized ? "a quantized model" : "a non-quantized (float) model";
        if (suits) {
            lines.add(t.toUpperCase(java.util.Locale.ROOT) + ": yes — " + what + (needsQuantized ? " is required there" : " is what it runs"));
        } else if (needsQuantized) {
            lines.add(t.toUpperCase(java.util.Locale.ROOT) + ": no — the " + t.toUpperCase(java.util.Locale.ROOT)
                    + " backend requires a quantized model; run calibrate on an input list");
        } else {
            lines.add(t.toUpperCase(java.util.Locale.ROOT) + ": no — quantized models are incompatible with the "
                    + t.toUpperCase(java.util.Locale.ROOT) + " backend; use the float model (encodings clear)");
        }
        if (!precisions.isEmpty()) {
            lines.add("  ops by precision: " + precisions);
        }
        if (suits && needsQuantized && !floatOps.isEmpty()) {
            lines.add("  note: " + floatOps.size() + " op(s) run in float (mixed precision, with convert ops); check the "
                    + "backend supplement for their support: " + String.join(", ", floatOps.subList(0, Math.min(3, floatOps.size())))
                    + (floatOps.size() > 3 ? ", …" : ""));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("backend", t);
        data.put("suits", suits);
        data.put("quantized", quantized);
        data.put("precisions", precisions);
        data.put("float_ops", floatOps);
        return Result.of(data, lines);
    }
}
