package qsh.commands.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import qsh.commands.spi.Args;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.EncodingText;
import qsh.commands.spi.OverrideBitwidths;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.core.exec.Cancelled;
import qsh.core.quant.PerChannel;
import qsh.core.sim.EncodingsJson;
import qsh.core.sim.EncodingsVersion;
import qsh.core.sim.QuantOverrides;
import qsh.core.sim.QuantizationPlan;
import qsh.core.sim.TensorPrecision;
import qsh.core.tensor.Tensor;
import qsh.core.workflow.ModelState;

/**
 * The session model's encodings with typed arguments (spec, "Quantization Overrides"): what {@code encodings} and
 * JavaScript's {@code qsh.encodings} both call, so both list, write, load (as overrides for the next calibrate) and
 * clear them alike, with the same lines, data and messages.
 */
public final class Encodings {
    private Encodings() {}

    /**
     * What to do.
     *
     * @param action  show, save, load or clear
     * @param operand show: one tensor, or null for all; save: the file to write; load: the file to read (as typed,
     *                resolved against the session's folder); clear: null
     * @param version the JSON version save writes
     */
    public record Request(String action, String operand, EncodingsVersion version) {}

    /** The request {@code encodings}'s arguments describe (typed words, or {@link Args#of} for a JS call). */
    public static Request request(Args args) {
        String verb = args.positional().isEmpty() ? "show" : args.positional(0, "show, save, load or clear");
        EncodingsVersion version = EncodingsVersion.parse(args.getOrDefault("version"));
        switch (verb) {
            case "show":
                args.atMost(2);
                return new Request(verb, args.positional().size() > 1 ? args.positional(1, "a tensor") : null, version);
            case "save":
                args.atMost(2);
                return new Request(verb, args.positional(1, "a file to write"), version);
            case "load":
                args.atMost(2);
                return new Request(verb, args.positional(1, "an encodings JSON file"), version);
            case "clear":
                args.atMost(1);
                return new Request(verb, null, version);
            default:
                throw new CommandException("unknown encodings action '" + verb + "': use show, save, load or clear");
        }
    }

    /** Does what {@code r} asks; load and clear change the session's model. */
    public static Result run(Session session, Request r) {
        ModelState m = session.requireModel();
        switch (r.action()) {
            case "show":
                return show(m, r.operand());
            case "save": {
                String file = r.operand();
                requirePlan(m);
                EncodingsJson.write(session.resolve(file), m.plan().encodings(), r.version());
                return Result.of(Map.of("file", file), List.of("wrote " + m.plan().encodings().size() + " tensor encodings to " + file));
            }
            case "load":
                return load(session, m, r.operand());
            case "clear":
                session.model(m.withPlan(null, null).withOverrides(QuantOverrides.EMPTY));
                return Result.of(Map.of("cleared", true), List.of("every encoding and override removed: "
                        + m.source() + " is a float model again"));
            default:
                throw new CommandException("unknown encodings action '" + r.action() + "': use show, save, load or clear");
        }
    }

    /** Reads {@code file} as overrides for the next calibrate; the session's model keeps them. */
    private static Result load(Session session, ModelState m, String file) {
        QuantOverrides ov;
        try {
            ov = OverrideBitwidths.check(EncodingsJson.read(session.resolve(file), session.settings().encoderOptions()), file);
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        } catch (Cancelled | java.util.concurrent.CancellationException e) { // the session changes only below
            throw new Cancelled(e.getMessage() + "; nothing was loaded: the overrides are as before");
        }
        List<String> lines = new ArrayList<>();
        lines.add("loaded " + ov.size() + " overrides from " + file + " (" + ov.activations().size() + " activation, "
                + ov.params().size() + " param encodings, " + (ov.activationBitwidths().size() + ov.paramBitwidths().size())
                + " bitwidth-only); they apply at the next calibrate");
        ov.notes().forEach(n -> lines.add("  warning: " + n));
        checkChannels(m, ov);
        Set<String> known = new HashSet<>(m.graph().weights().keySet());
        m.graph().nodes().forEach(n -> known.addAll(n.outputs()));
        m.graph().inputs().forEach(v -> known.add(v.name()));
        List<String> unknown = ov.unknownTensors(known);
        // a file made for another model can name thousands: the first few as lines, all of them in --json
        for (String u : unknown.subList(0, Math.min(unknown.size(), SHOWN_UNKNOWN))) {
            lines.add("  warning: '" + u + "' is not a tensor of " + m.source() + ": it will be ignored");
        }
        if (unknown.size() > SHOWN_UNKNOWN) {
            lines.add("  warning: " + (unknown.size() - SHOWN_UNKNOWN) + " more tensors are not in " + m.source()
                    + " and will be ignored (all " + unknown.size() + " are listed by --json)");
        }
        session.model(m.withOverrides(ov));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("overrides", ov.size());
        data.put("unknown_tensors", unknown);
        data.put("notes", ov.notes());
        return Result.of(data, lines);
    }

    /** Unknown tensors named one per line after loading; the rest are counted (all are in the JSON data). */
    private static final int SHOWN_UNKNOWN = 20;

    private static void requirePlan(ModelState m) {
        if (!m.quantized()) {
            throw new CommandException("the model has no encodings yet: run calibrate first");
        }
    }

    /** Per-channel overrides of weights must have one encoding per output channel (spec). */
    private static void checkChannels(ModelState m, QuantOverrides ov) {
        for (var n : m.graph().nodes()) {
            boolean conv = n.opType().equals("Conv") || n.opType().equals("ConvTranspose");
            Object w = m.graph().weights().get(n.input(1));
            if (conv && w instanceof Tensor && ov.isPerChannel(n.input(1))) {
                int axis = n.opType().equals("Conv") ? 0 : 1;
                try {
                    ov.checkChannels(n.input(1), PerChannel.channelCount((Tensor) w, axis));
                } catch (IllegalArgumentException e) {
                    throw new CommandException(e.getMessage());
                }
            }
        }
    }

    private static Result show(ModelState m, String tensor) {
        requirePlan(m);
        QuantizationPlan p = m.plan();
        List<String> lines = new ArrayList<>();
        if (tensor != null) {
            TensorPrecision t = p.precision(tensor);
            if (t == null) {
                String into = p.fused().get(tensor);
                throw new CommandException(into != null ? "'" + tensor + "' is fused into '" + into + "' (no encoding of its own)"
                        : "'" + tensor + "' has no encoding" + qsh.commands.spi.Suggest.hint(tensor, p.activations().keySet(), ""));
            }
            lines.add(tensor + ": " + EncodingText.label(t));
            for (int i = 0; i < t.encodings().size(); i++) {
                lines.add("  " + (t.perChannel() ? "[" + i + "] " : "") + EncodingText.describe(t.encodings().get(i)));
            }
            return Result.of(Map.of(tensor, t.asEncodings().stream().map(EncodingText::json).toList()), lines);
        }
        lines.add("encodings of " + m.source() + " (" + p.config().label() + ")");
        lines.add("activations:");
        p.activations().forEach((k, v) -> lines.add(String.format("  %-48s %s", k, EncodingText.describe(v))));
        lines.add("weights and biases:");
        p.params().forEach((k, v) -> lines.add(String.format("  %-48s %s", k, EncodingText.describe(v))));
        if (!p.converts().isEmpty()) {
            lines.add("convert ops:");
            p.converts().forEach(c -> lines.add("  " + c.describe()));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("activation_encodings", EncodingText.json(p.encodings().activations()));
        data.put("param_encodings", EncodingText.json(p.encodings().params()));
        data.put("fused", p.fused());
        return Result.of(data, lines);
    }
}
