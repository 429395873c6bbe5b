package qsh.commands.algorithms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import qsh.commands.spi.CommandException;
import qsh.core.amp.MixedPrecisionSearch.Candidate;
import qsh.core.exec.CancellableReader;
import qsh.core.io.RegularFiles;

/**
 * The parts of an AIMET quantsim config JSON (the spec's {@code config_file} / {@code default_config_file}) that
 * qsh acts on: {@code defaults.per_channel_quantization}, and {@code supported_kernels} under {@code defaults} and
 * under each {@code op_type} (each kernel {@code {"activation": {"bitwidth", "dtype"}, "param": {…}}}), which
 * restrict AMP's candidates per op unless {@code use_all_amp_candidates}. Other keys are listed as unused.
 *
 * @param perChannel          per_channel_quantization, or null when the file does not say
 * @param defaultKernels      the defaults' supported kernels (empty: any)
 * @param opKernels           op type → its supported kernels
 * @param unused              keys qsh does not act on (reported, not an error: the format is AIMET's)
 */
record QuantsimConfig(Boolean perChannel, List<Candidate> defaultKernels, Map<String, List<Candidate>> opKernels,
                      Set<String> unused) {

    static QuantsimConfig read(Path file) {
        JsonNode root;
        try {
            // a regular file of bounded size (a FIFO would block), parsed through a reader that watches for Ctrl-C
            String text = RegularFiles.readText(file, "quantsim config");
            root = new ObjectMapper().readTree(CancellableReader.of(text, "reading " + file.getFileName()));
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        } catch (IOException e) {
            throw new CommandException(file.getFileName() + ": not a quantsim config JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new CommandException(file.getFileName() + ": a quantsim config is a JSON object");
        }
        Set<String> unused = new TreeSet<>();
        Boolean pc = null;
        List<Candidate> defaults = List.of();
        JsonNode d = root.path("defaults");
        for (var it = d.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            switch (k) {
                case "per_channel_quantization" -> pc = bool(d.get(k), file, "defaults.per_channel_quantization");
                case "supported_kernels" -> defaults = kernels(d.get(k), file, "defaults.supported_kernels");
                default -> unused.add("defaults." + k);
            }
        }
        Map<String, List<Candidate>> ops = new LinkedHashMap<>();
        JsonNode o = root.path("op_type");
        for (var it = o.fieldNames(); it.hasNext(); ) {
            String op = it.next();
            for (var jt = o.get(op).fieldNames(); jt.hasNext(); ) {
                String k = jt.next();
                if (k.equals("supported_kernels")) {
                    ops.put(op, kernels(o.get(op).get(k), file, "op_type." + op + ".supported_kernels"));
                } else {
                    unused.add("op_type." + op + "." + k);
                }
            }
        }
        for (var it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("defaults") && !k.equals("op_type")) {
                unused.add(k);
            }
        }
        return new QuantsimConfig(pc, defaults, ops, unused);
    }

    /** Op type → indices of {@code candidates} its kernels support; null when the file lists no kernels. */
    Map<String, Set<Integer>> supported(List<Candidate> candidates, List<String> opTypes) {
        if (defaultKernels.isEmpty() && opKernels.isEmpty()) {
            return null;
        }
        Map<String, Set<Integer>> out = new LinkedHashMap<>();
        for (String op : opTypes) {
            List<Candidate> k = opKernels.getOrDefault(op, defaultKernels);
            Set<Integer> ok = new HashSet<>();
            for (int c = 0; c < candidates.size(); c++) {
                if (k.isEmpty() || k.contains(candidates.get(c))) {
                    ok.add(c);
                }
            }
            out.put(op, ok);
        }
        return out;
    }

    private static Boolean bool(JsonNode v, Path file, String key) {
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isTextual() && (v.asText().equalsIgnoreCase("true") || v.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(v.asText()); // AIMET writes "True" / "False"
        }
        throw new CommandException(file.getFileName() + ": " + key + " must be \"True\" or \"False\"");
    }

    private static List<Candidate> kernels(JsonNode v, Path file, String key) {
        if (!v.isArray()) {
            throw new CommandException(file.getFileName() + ": " + key + " must be a list of {activation, param} kernels");
        }
        List<Candidate> out = new ArrayList<>();
        for (JsonNode k : v) {
            JsonNode a = k.path("activation");
            JsonNode p = k.path("param");
            if (!a.path("bitwidth").isIntegralNumber() || !p.path("bitwidth").isIntegralNumber()) {
                throw new CommandException(file.getFileName() + ": " + key + ": " + k
                        + " needs activation.bitwidth and param.bitwidth (and dtype int|float)");
            }
            out.add(new Candidate(a.get("bitwidth").asInt(), a.path("dtype").asText("int").equals("float"),
                    p.get("bitwidth").asInt(), p.path("dtype").asText("int").equals("float")));
        }
        return out;
    }
}
