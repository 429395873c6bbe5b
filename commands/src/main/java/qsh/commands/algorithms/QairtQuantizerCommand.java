package qsh.commands.algorithms;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.commands.spi.OverrideBitwidths;
import qsh.commands.model.ListOutputs;
import qsh.commands.model.QuantOptions;
import qsh.commands.spi.ArgKind;
import qsh.commands.spi.Args;
import qsh.commands.spi.Command;
import qsh.commands.spi.CommandException;
import qsh.commands.spi.CommandSpec;
import qsh.commands.spi.ModelLoader;
import qsh.commands.spi.OptionSpec;
import qsh.commands.spi.Result;
import qsh.commands.spi.Session;
import qsh.commands.spi.ShapeProbe;
import qsh.commands.spi.TransformData;
import qsh.core.adaround.AdaRound;
import qsh.core.calib.CalibrationInputs;
import qsh.core.calib.InputList;
import qsh.core.equalize.CleAlgorithm;
import qsh.core.sim.EncodingsJson;
import qsh.core.sim.EncodingsVersion;
import qsh.core.sim.ModelQuantizer;
import qsh.core.sim.QuantConfig;
import qsh.core.sim.QuantOverrides;
import qsh.core.sim.TensorPrecision;
import qsh.core.workflow.ModelFiles;
import qsh.core.workflow.ModelState;

/**
 * {@code qairt-quantizer --input_network M.onnx (--input_list L | --enable_float_fallback) --output_path OUT.onnx}:
 * the spec's batch workflow in one command, with the spec's flag names. Loads the model, applies the
 * overrides, calibrates (or falls back to float), and writes OUT.onnx (QDQ) and OUT.encodings. The shell runs it
 * as {@code qsh quantize …} and exits non-zero with one line on any error; the written model stays loaded.
 */
public final class QairtQuantizerCommand implements Command {
    private static final CommandSpec SPEC = new CommandSpec("qairt-quantizer", "quantization",
            "batch quantization with the spec's flags (also: qsh quantize --input_network …)", List.of(),
            OptionSpec.concat(List.of(
                    OptionSpec.of("input_network", ArgKind.MODEL, "M.onnx", "the float model (or demo)"),
                    OptionSpec.file("input_list", "L.txt", "calibration inputs, one line per inference"),
                    ModelLoader.INPUT_DIM, ModelLoader.NO_SIMPLIFICATION,
                    OptionSpec.flag("enable_float_fallback", "no calibration data: quantize only tensors with overrides"),
                    OptionSpec.file("output_path", "OUT.onnx", "where to write the QDQ model (and OUT.encodings)"),
                    OptionSpec.file("quantization_overrides", "F.json", "AIMET encodings JSON to apply"),
                    OptionSpec.flag("ignore_quantization_overrides", "ignore --quantization_overrides"),
                    OptionSpec.flag("pack_4_bit_weights", "store 4-bit weights packed (int4/uint4, opset 21)"),
                    OptionSpec.choice("algorithms", "cle: fold batch norms, ReLU6 → ReLU, cross-layer equalization, high-bias absorption"
                            + " before calibration; bc: empirical bias correction after it", "cle", "bc", "cle,bc"),
                    OptionSpec.choice("apply_algorithms", "adaround (without --config: on the input list, the spec's default mode), amp or autoquant (with --config)",
                            "adaround", "amp", "autoquant"),
                    OptionSpec.file("config", "FILE.yaml", "the spec's YAML config for --apply_algorithms (datasets with JS loaders, eval callbacks)"),
                    OptionSpec.choice("encodings_version", "JSON version of OUT.encodings", "0.6.1", "1.0.0").defaults(EncodingsVersion.V0_6_1.text()),
                    // the spec's other spellings (its qairt-quantizer section and the legacy quantizers)
                    OptionSpec.of("input_dlc", ArgKind.MODEL, "M.onnx", "the spec's name for --input_network; here an ONNX model (qsh reads ONNX, not DLC)"),
                    OptionSpec.file("output_dlc", "OUT.onnx", "the spec's name for --output_path; here an ONNX QDQ model (qsh writes ONNX, not DLC)"),
                    OptionSpec.flag("float_fallback", "the legacy quantizers' spelling of --enable_float_fallback"),
                    OptionSpec.flag("ignore_encodings", "legacy spelling of --ignore_quantization_overrides (an ONNX model"
                            + " carries no encodings of its own here: the overrides are the only ones)"),
                    OptionSpec.flag("use_aimet_quantizer", "accepted: qsh's quantizer computes AIMET-format encodings and runs"
                            + " --apply_algorithms in process, with or without it")),
                    QuantOptions.SPEC_NAMED),
            List.of("qairt-quantizer --input_network demo --input_list scripts/data/demo/input_list.txt --output_path /tmp/q.onnx",
                    "qairt-quantizer --input_network demo --enable_float_fallback --quantization_overrides scripts/data/overrides/mixed-int16.json --output_path /tmp/q.onnx",
                    "qairt-quantizer --input_network demo --input_list scripts/data/demo/input_list.txt --output_path /tmp/q.onnx"
                            + " --param_quantizer enhanced weights --act_quantizer enhanced activations",
                    "qairt-quantizer --input_network demo --float_bw 16 --output_path /tmp/fp16.onnx   (no input list: the non-quantized FP16 model)"),
            List.of("calibrate", "export", "encodings"), true).withRefused(refusedFlags());

    /** The spec's flags that qsh's batch command does not take, each with its reason (in the spec's order). */
    private static Map<String, String> refusedFlags() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("export_format", "a qairt-converter flag (qsh has no converter step: it reads the ONNX model itself);"
                + " to recalibrate without the overrides give --input_list with --ignore_quantization_overrides");
        String setup = "a flag of aimet_env_setup.sh, not of the quantizer: qsh needs no AIMET environment";
        m.put("env_path", setup);
        m.put("aimet_sdk_tar", setup);
        return m;
    }

    /** Calibration inputs --algorithms cle observes pre-activations on (the first of the list). */
    static final int CLE_SAMPLES = 32;

    @Override
    public CommandSpec spec() {
        return SPEC;
    }

    @Override
    public Result run(Args args, Session session) {
        SpecFlags.checkQualifierWords(args, SPEC);
        String network = SpecFlags.either(args, "input_network", "input_dlc", "M.onnx");
        String output = SpecFlags.either(args, "output_path", "output_dlc", "OUT.onnx");
        java.nio.file.Path outDir = session.resolve(output).toAbsolutePath().normalize().getParent();
        if (outDir == null || !java.nio.file.Files.isDirectory(outDir)) { // before minutes of calibration and AMP, not after
            throw new CommandException(output + ": folder " + outDir + " does not exist: create it first (mkdir -p "
                    + outDir + "); nothing was run");
        }
        boolean fallback = args.has("enable_float_fallback") || args.has("float_fallback");
        // spec, "Mixed Precision and FP16 Support": no input list and --float_bw → the non-quantized model
        boolean nonQuantized = !fallback && args.get("input_list").isEmpty() && args.get("float_bw").isPresent();
        if (nonQuantized && args.get("quantization_overrides").isPresent()) {
            throw new CommandException("--quantization_overrides without --input_list needs --enable_float_fallback"
                    + " (--float_bw alone gives the non-quantized model)");
        }
        if (!nonQuantized && fallback == args.get("input_list").isPresent()) {
            throw new CommandException(fallback ? "--input_list and --enable_float_fallback exclude each other: give one"
                    : "give --input_list L.txt (calibration data), --enable_float_fallback, or --float_bw 16 alone"
                    + " (the non-quantized FP16 model)");
        }
        fallback |= nonQuantized;
        String algorithm = args.get("apply_algorithms").orElse(null);
        if (args.get("config").isPresent() && algorithm == null) {
            throw new CommandException("--config names the config of an algorithm: add --apply_algorithms adaround|amp|autoquant");
        }
        if (algorithm != null && !algorithm.equals("adaround") && args.get("config").isEmpty()) {
            throw new CommandException("--apply_algorithms " + algorithm + " needs --config FILE.yaml (its dataset and evaluation callback)");
        }
        qsh.commands.algorithms.AlgorithmConfig config = args.get("config").isEmpty() ? null
                : qsh.commands.algorithms.AlgorithmConfig.read(session.resolve(args.get("config").get()), args.get("config").get());
        if (config != null) {
            config.section(algorithm); // a config without the algorithm's section fails before any work
        }
        QuantConfig cfg = QuantOptions.config(args, session, true);
        List<String> lines = new ArrayList<>();
        ModelState m;
        try {
            var bound = ModelLoader.loadBound(network.equals("demo") ? "demo" : session.resolve(network).toString(),
                    args.getAll("input_dim"), args.has("no_simplification"));
            m = ModelState.loaded(bound.graph(), network);
            bound.notes().forEach(n -> lines.add("note: " + n));
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        }
        Path listFile = fallback ? null : session.resolve(args.get("input_list").get());
        CalibrationInputs inputs = null;
        if (!fallback) { // the list's '#'/'%' output lines name tensors of the model as loaded
            InputList list = InputList.read(listFile);
            inputs = CalibrationInputs.forGraph(list, m.graph());
            var requested = ListOutputs.apply(m.graph(), list, inputs);
            m = m.withGraph(requested.graph());
            lines.addAll(ListOutputs.describe(requested));
        }
        String algorithms = args.get("algorithms").orElse("");
        if (algorithms.contains("cle")) { // spec: --algorithms cle (before quantization)
            // absorption bounds c by the input list's pre-activations (exact on them); without a list, data-free
            var data = inputs == null ? TransformData.random(m.graph())
                    : TransformData.calibration(CalibrationInputs.samples(listFile, m.graph(), CLE_SAMPLES));
            ModelState.Step<CleAlgorithm.Result> eq = m.equalize(data.forAbsorption());
            lines.addAll(cleLines(eq.result()));
            lines.add("  " + data.changeLine(m.graph(), eq.state().graph()));
            m = eq.state();
        }
        if (args.get("quantization_overrides").isPresent() && !args.has("ignore_quantization_overrides")
                && !args.has("ignore_encodings")) {
            try {
                m = m.withOverrides(OverrideBitwidths.check(EncodingsJson.read(session.resolve(
                        args.get("quantization_overrides").get()), session.settings().encoderOptions()),
                        args.get("quantization_overrides").get()));
            } catch (IllegalArgumentException e) {
                throw new CommandException(e.getMessage());
            }
            m.overrides().notes().forEach(n -> lines.add("  warning: " + n));
        }
        QuantOverrides ov = m.overrides();
        ModelState.Step<ModelQuantizer.Outcome> calibrated;
        try {
            calibrated = fallback
                    ? m.floatFallback(QuantOptions.converter(args, true), ShapeProbe.randomInputs(m.graph(), 1, null), cfg, ov)
                    : m.calibrate(QuantOptions.converter(args, true), inputs, cfg, ov, session.progress("calibrate", inputs.size()));
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        }
        // the converter's view (batch norms folded): what the plan, AdaRound, bias correction and export use
        ModelQuantizer.Outcome out = calibrated.result();
        m = calibrated.state();
        if (!out.folds().isEmpty()) {
            lines.add("folded " + out.folds().size() + " batch norms into the layers before them (--disable_batchnorm_folding keeps them)");
        }
        if (algorithm != null && fallback) {
            throw new CommandException("--apply_algorithms " + algorithm + " needs calibration data: give --input_list");
        }
        if (config != null) { // the spec's AIMET algorithms with their YAML config
            qsh.commands.algorithms.AlgorithmResult r = qsh.commands.algorithms.AlgorithmResult.apply(algorithm, session, m, config, listFile, cfg);
            m = r.model();
            lines.addAll(r.lines());
        } else if (algorithm != null) { // adaround, default mode: the input list's data
            var samples = CalibrationInputs.samples(listFile, m.graph(), 64);
            try {
                var ar = m.adaround(samples, AdaRound.Options.DEFAULTS, session.progress("adaround", m.plan().params().size()));
                m = ar.state();
                lines.add("adaround: " + ar.result().layers().size() + " layers rounded on " + samples.size() + " samples");
            } catch (IllegalStateException e) {
                throw new CommandException(e.getMessage());
            }
        }
        if (algorithms.contains("bc")) { // empirical bias correction on the input list's data
            if (fallback) {
                throw new CommandException("--algorithms bc needs calibration data: give --input_list");
            }
            var samples = CalibrationInputs.samples(listFile, m.graph(), 32);
            var bc = m.correctBiases(samples, session.progress("bias-correct", m.plan().params().size()));
            m = bc.state();
            lines.add("bc: " + bc.result().corrections().size() + " layers bias-corrected on " + samples.size() + " samples");
        }
        String version = args.get("encodings_version").orElse("0.6.1");
        ModelFiles.Written w;
        try { // validated before anything is written (ModelFiles.export)
            w = m.export(session.resolve(output), args.has("pack_4_bit_weights"), EncodingsVersion.parse(version));
        } catch (IllegalArgumentException e) {
            throw new CommandException("cannot export: " + e.getMessage());
        }
        session.model(m);
        long intActs = m.plan().activations().values().stream().filter(TensorPrecision::isInt).count();
        long intParams = m.plan().params().values().stream().filter(TensorPrecision::isInt).count();
        if (nonQuantized) {
            lines.add(args.getInt("float_bw") == 16 ? "non-quantized FP16 model (spec: no --input_list, --float_bw 16):"
                    + " every activation, weight and bias is float16" : "non-quantized FP32 model (spec: no --input_list,"
                    + " --float_bw 32): the float model as it is");
        }
        if (args.has("use_aimet_quantizer")) {
            lines.add("--use_aimet_quantizer: qsh's own quantizer already gives AIMET-format encodings and runs"
                    + " --apply_algorithms in process; no AIMET environment is used");
        }
        lines.add((nonQuantized ? "converted " : "quantized ") + network + " (" + m.plan().label() + (fallback ? "" : ", " + out.calibrationInputs()
                + " calibration inputs") + ")");
        lines.add("  " + intActs + "/" + m.plan().activations().size() + " activations, " + intParams + "/"
                + m.plan().params().size() + " weights/biases quantized, " + m.plan().converts().size() + " convert op(s), "
                + ov.size() + " override(s)");
        m.plan().warnings().forEach(x -> lines.add("  warning: " + x));
        lines.add("  wrote " + output + " (" + w.bytes() + " bytes, opset " + w.opset() + ") and " + w.encodings()
                .getFileName() + " (encodings " + version + ")");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("output_path", w.model().toString());
        data.put("encodings", w.encodings().toString());
        data.put("opset", w.opset());
        data.put("config", cfg.label());
        data.put("quantized_activations", intActs);
        data.put("quantized_params", intParams);
        data.put("warnings", m.plan().warnings());
        return Result.of(data, lines);
    }

    /** What --algorithms cle did, in the batch command's lines. */
    private static List<String> cleLines(CleAlgorithm.Result cle) {
        List<String> lines = new ArrayList<>();
        lines.add("cle: " + cle.folds().size() + " batch norms folded, " + cle.replaced().size() + " ReLU6 → ReLU, "
                + cle.chains().size() + " chains equalized, " + cle.skipped().size() + " convs skipped, "
                + cle.absorptions().stream().filter(x -> x.channelsChanged() > 0).count() + " links with high biases absorbed"
                + " (" + cle.absorptions().stream().filter(x -> x.mapped()).count() + " with bias maps at padded borders; c "
                + (cle.dataDriven() ? "from the input list" : "= max(0, β − 3|γ|)") + ")");
        if (cle.message() != null && !cle.message().isBlank()) {
            lines.add("  " + cle.message());
        }
        if (!cle.unsized().isEmpty()) {
            lines.add("  " + cle.unsized().size() + " links not absorbed: the later layer zero-pads an input of open size (give --input_dim)");
        }
        return lines;
    }
}
