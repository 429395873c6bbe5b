package qsh.commands.algorithms;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.core.io.FileAccessPolicy;
import qsh.commands.spi.CommandException;
import qsh.core.amp.MixedPrecisionSearch.Candidate;
import qsh.core.amp.MixedPrecisionSearch.Search;
import qsh.core.exec.CancellableReader;
import qsh.core.io.RegularFiles;
import qsh.core.quant.QuantMode;

/**
 * The spec's YAML config for {@code --apply_algorithms adaround|amp|autoquant --config FILE} (spec,
 * "qairt-quantizer", AdaRound / AMP / AutoQuant templates): {@code datasets} with data-loader callbacks, and one
 * section per algorithm with its required keys and the optional arguments the spec lists. Where the spec names
 * a Python callback, qsh takes {@code path/to/file.js:functionName} (relative to the YAML file's folder).
 * Every key is checked: a missing required key or an unknown key is one line naming the file and the key.
 *
 * @param file     the YAML file
 * @param datasets the datasets by name
 * @param adaround the adaround section, or null
 * @param amp      the amp section, or null
 * @param autoquant the autoquant section, or null
 */
public record AlgorithmConfig(Path file, Map<String, Dataset> datasets, Adaround adaround, Amp amp, AutoQuant autoquant) {
    /** The spec's built-in evaluator name for AutoQuant's {@code eval_callback} (top-1 accuracy in percent). */
    public static final String BUILTIN_ACCURACY = "qti.aisw.converters.aimet.aimet_utils.accuracy";

    /** A JavaScript function in a file: {@code file.js:name}; a null file is the built-in accuracy. */
    public record Callback(Path file, String function, String text) {
        /** True for the spec's built-in accuracy evaluator. */
        public boolean builtin() {
            return file == null;
        }
    }

    /** A dataset: a loader callback and the keyword arguments passed to it. */
    public record Dataset(String name, Callback loader, Map<String, Object> kwargs) {}

    /**
     * optional_adaround_args (the spec's five, plus AIMET's AdaroundParameters names for the optimisation).
     *
     * @param paramBw          default_param_bw, or null: the session's weight bitwidth
     * @param paramBwOverrides param_bw_override_list: node name → parameter bitwidth
     * @param ignoreOps        ignore_quant_ops_list: nodes whose outputs stay float while rounding
     * @param scheme           default_quant_scheme, or null: the session's weight quantizer
     * @param configFile       default_config_file (an AIMET quantsim config JSON), or null
     * @param iterations       num_iterations (qsh default 2000), or null
     * @param regParam         default_reg_param λ, or null
     * @param betaRange        default_beta_range [start, end], or null
     * @param warmStart        default_warm_start (fraction of iterations without the rounding loss), or null
     */
    public record AdaroundArgs(Integer paramBw, Map<String, Integer> paramBwOverrides, List<String> ignoreOps,
                               QuantMode scheme, Path configFile, Integer iterations, Double regParam, double[] betaRange,
                               Double warmStart) {}

    /** The adaround section. */
    public record Adaround(String dataset, int numBatches, AdaroundArgs args) {}

    /**
     * The amp section.
     *
     * @param phase1Eval   eval_callback_for_phase1 ({@code function(model) → number}), or null: phase 2's evaluator
     * @param forwardPass  forward_pass_callback ({@code function(model)}, its runs calibrate), or null: the dataset
     * @param configFile   the quantsim config with supported_kernels (qsh: {@code config_file}, as in autoquant), or null
     */
    public record Amp(String dataset, List<Candidate> candidates, double allowedDrop, Callback phase2Eval,
                      Callback phase1Eval, boolean cleanStart, Callback forwardPass, boolean useAllCandidates,
                      boolean reverse, Search search, Path configFile) {}

    /** The autoquant section with its three optional dictionaries. */
    public record AutoQuant(String dataset, Callback eval, String evalDataset, double allowedDrop, List<Candidate> ampCandidates,
                            Integer paramBw, Integer outputBw, QuantMode scheme, String roundingMode, Path configFile,
                            String cacheId, boolean strictValidation, Integer phase1Samples, Callback forwardFn,
                            Integer phase2Samples, Integer numBatches, AdaroundArgs adaroundArgs) {}

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** The largest config read: the YAML parser's own limit (3 Mi code points, SnakeYAML's default), in bytes. */
    static final long MAX_YAML_BYTES = 3L << 20;

    /** Reads and checks {@code file}; {@code shown} names it in errors. */
    public static AlgorithmConfig read(Path file, String shown) {
        FileAccessPolicy.requireRead(file); // run by a script: only what it may read
        if (!Files.exists(file)) {
            throw new CommandException("no such config file " + shown);
        }
        String text;
        try { // the size is checked before parsing: a 10 MB file took 76 s to reach the parser's own 3 MB limit
            text = RegularFiles.readText(file, "YAML config", MAX_YAML_BYTES);
        } catch (IllegalArgumentException e) {
            throw new CommandException(e.getMessage());
        }
        JsonNode root;
        try { // through a reader that watches for Ctrl-C: the parse stops within one chunk (issue 18.6)
            root = YAML.readTree(CancellableReader.of(text, "reading " + shown));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new CommandException(shown + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr())
                    + ": not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new CommandException("cannot read " + shown + ": " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new CommandException(shown + ": the config is empty (it needs datasets and an adaround, amp or autoquant section)");
        }
        ConfigNode top = new ConfigNode(shown, "", root);
        Path dir = file.toAbsolutePath().getParent();
        Map<String, Dataset> datasets = new LinkedHashMap<>();
        ConfigNode ds = top.child("datasets", false);
        ds.children().forEach((name, n) -> {
            Callback cb = callback(n, "dataloader_callback", dir, true, false);
            datasets.put(name, new Dataset(name, cb, n.map("dataloader_kwargs")));
            n.done();
        });
        Adaround adaround = top.has("adaround") ? adaround(top.child("adaround", true), datasets, dir) : null;
        Amp amp = top.has("amp") ? amp(top.child("amp", true), datasets, dir) : null;
        AutoQuant aq = top.has("autoquant") ? autoquant(top.child("autoquant", true), datasets, dir) : null;
        top.done();
        if (adaround == null && amp == null && aq == null) {
            throw new CommandException(shown + ": no adaround, amp or autoquant section");
        }
        return new AlgorithmConfig(file, datasets, adaround, amp, aq);
    }

    /** The section for {@code algorithm}, or a clear error when the file has none. */
    public Object section(String algorithm) {
        Object s = switch (algorithm) {
            case "adaround" -> adaround;
            case "amp" -> amp;
            case "autoquant" -> autoquant;
            default -> throw new CommandException("unknown algorithm '" + algorithm + "': adaround, amp or autoquant");
        };
        if (s == null) {
            throw new CommandException(file.getFileName() + ": no '" + algorithm + "' section (the config is for "
                    + (adaround != null ? "adaround" : amp != null ? "amp" : "autoquant") + ")");
        }
        return s;
    }

    /** The dataset named {@code name}. */
    public Dataset dataset(String name) {
        return datasets.get(name);
    }

    private static String datasetName(ConfigNode n, String key, Map<String, Dataset> datasets) {
        String name = n.string(key, "<dataset_name>", true);
        if (!datasets.containsKey(name) && name.endsWith(",") && datasets.containsKey(name.substring(0, name.length() - 1))) {
            name = name.substring(0, name.length() - 1); // the spec's AMP template writes "dataset: <dataset_name>,"
        }
        if (!datasets.containsKey(name)) {
            throw n.error(n.path() + "." + key + ": no dataset '" + name + "' under datasets (defined: "
                    + (datasets.isEmpty() ? "none" : String.join(", ", datasets.keySet())) + ")");
        }
        return name;
    }

    private static Adaround adaround(ConfigNode n, Map<String, Dataset> datasets, Path dir) {
        String ds = datasetName(n, "dataset", datasets);
        int batches = n.integer("num_batches", 1, Integer.MAX_VALUE, true);
        ConfigNode opt = n.child("optional_adaround_args", false);
        AdaroundArgs args = adaroundArgs(opt, dir);
        opt.done();
        n.done();
        return new Adaround(ds, batches, args);
    }

    private static AdaroundArgs adaroundArgs(ConfigNode o, Path dir) {
        Integer bw = o.integer("default_param_bw", 4, 31, false);
        Map<String, Integer> overrides = new LinkedHashMap<>();
        if (o.has("param_bw_override_list")) {
            JsonNode l = o.raw("param_bw_override_list");
            if (!l.isArray()) {
                throw o.error(o.path() + ".param_bw_override_list must be a list of [node, bitwidth] pairs");
            }
            for (JsonNode p : l) {
                if (!p.isArray() || p.size() != 2 || !p.get(0).isTextual() || !p.get(1).isIntegralNumber()
                        || p.get(1).asInt() < 4 || p.get(1).asInt() > 31) {
                    throw o.error(o.path() + ".param_bw_override_list: " + p + " must be [node name, bitwidth 4…31]");
                }
                overrides.put(p.get(0).asText(), p.get(1).asInt());
            }
        }
        List<String> ignore = o.strings("ignore_quant_ops_list");
        QuantMode scheme = o.has("default_quant_scheme") ? scheme(o, "default_quant_scheme") : null;
        Path cfg = o.has("default_config_file") ? path(o, "default_config_file", dir) : null;
        Integer it = o.integer("num_iterations", 1, 1_000_000, false);
        Double reg = o.number("default_reg_param", false, "0.01");
        double[] beta = null;
        if (o.has("default_beta_range")) {
            JsonNode b = o.raw("default_beta_range");
            if (!b.isArray() || b.size() != 2 || !b.get(0).isNumber() || !b.get(1).isNumber()) {
                throw o.error(o.path() + ".default_beta_range must be [start, end], e.g. [20, 2]");
            }
            beta = new double[] {b.get(0).asDouble(), b.get(1).asDouble()};
        }
        Double warm = o.number("default_warm_start", false, "0.2");
        if (warm != null && (warm < 0 || warm >= 1)) {
            throw o.error(o.path() + ".default_warm_start is " + warm + ": a fraction in [0, 1)");
        }
        return new AdaroundArgs(bw, overrides, ignore, scheme, cfg, it, reg, beta, warm);
    }

    private static Amp amp(ConfigNode n, Map<String, Dataset> datasets, Path dir) {
        String ds = datasetName(n, "dataset", datasets);
        List<Candidate> cands = candidates(n, "candidates");
        double drop = n.number("allowed_accuracy_drop", true, "0.02");
        Callback eval2 = callback(n, "eval_callback_for_phase2", dir, true, false);
        ConfigNode o = n.child("optional_amp_args", false);
        Callback eval1 = callback(o, "eval_callback_for_phase1", dir, false, false);
        boolean clean = o.bool("clean_start", false);
        Callback fwd = callback(o, "forward_pass_callback", dir, false, false);
        boolean all = o.bool("use_all_amp_candidates", false);
        boolean reverse = o.bool("phase2_reverse", false);
        Search search = Search.BINARY;
        if (o.has("amp_search_algo")) {
            try {
                search = Search.parse(o.string("amp_search_algo", "Binary", false));
            } catch (IllegalArgumentException e) {
                throw o.error(o.path() + "." + e.getMessage());
            }
        }
        Path cfg = o.has("config_file") ? path(o, "config_file", dir) : null;
        o.done();
        n.done();
        return new Amp(ds, cands, drop, eval2, eval1, clean, fwd, all, reverse, search, cfg);
    }

    private static AutoQuant autoquant(ConfigNode n, Map<String, Dataset> datasets, Path dir) {
        String ds = datasetName(n, "dataset", datasets);
        // the spec's AutoQuant prose calls the evaluator eval_callback_for_phase2 (AMP's key), its template
        // eval_callback: either spelling is taken, both is an error
        boolean phase2 = n.has("eval_callback_for_phase2");
        if (phase2 && n.has("eval_callback")) {
            throw n.error(n.path() + ": eval_callback and eval_callback_for_phase2 name the same evaluator here: keep one");
        }
        Callback eval = callback(n, phase2 ? "eval_callback_for_phase2" : "eval_callback", dir, true, true);
        String evalDs = datasetName(n, "eval_dataset", datasets);
        double drop = n.number("allowed_accuracy_drop", true, "0.07");
        List<Candidate> cands = candidates(n, "amp_candidates");
        ConfigNode a = n.child("optional_autoquant_args", false);
        Integer paramBw = a.integer("param_bw", 4, 31, false);
        Integer outputBw = a.integer("output_bw", 4, 32, false);
        QuantMode scheme = a.has("quant_scheme") ? scheme(a, "quant_scheme") : null;
        String rounding = a.string("rounding_mode", "nearest", false);
        if (rounding != null && !rounding.equalsIgnoreCase("nearest")) {
            throw a.error(a.path() + ".rounding_mode '" + rounding + "': qsh rounds to nearest (AdaRound is a later step of AutoQuant); write nearest");
        }
        Path cfg = a.has("config_file") ? path(a, "config_file", dir) : null;
        String cacheId = a.string("cache_id", "my_model", false);
        boolean strict = a.bool("strict_validation", true);
        a.done();
        ConfigNode m = n.child("optional_amp_args", false);
        Integer p1 = m.integer("num_samples_for_phase_1", 1, Integer.MAX_VALUE, false);
        Callback fwd = callback(m, "forward_fn", dir, false, false);
        Integer p2 = m.integer("num_samples_for_phase_2", 1, Integer.MAX_VALUE, false);
        m.done();
        ConfigNode r = n.child("optional_adaround_args", false);
        Integer batches = r.integer("num_batches", 1, Integer.MAX_VALUE, false);
        AdaroundArgs ar = adaroundArgs(r, dir);
        r.done();
        n.done();
        return new AutoQuant(ds, eval, evalDs, drop, cands, paramBw, outputBw, scheme, rounding, cfg, cacheId, strict, p1, fwd,
                p2, batches, ar);
    }

    /** The spec's candidate lists: {@code [[[act_bw, 'int'|'float'], [param_bw, 'int'|'float']], …]}. */
    private static List<Candidate> candidates(ConfigNode n, String key) {
        JsonNode l = n.required(key, "[[[8, 'int'], [8, 'int']], [[16, 'int'], [8, 'int']]]");
        String where = n.path() + "." + key;
        if (!l.isArray() || l.size() < 2) {
            throw n.error(where + " must list at least two candidates [[act_bw, dtype], [param_bw, dtype]]");
        }
        List<Candidate> out = new ArrayList<>();
        for (JsonNode c : l) {
            if (!c.isArray() || c.size() != 2) {
                throw n.error(where + ": " + c + " must be [[act_bw, dtype], [param_bw, dtype]]");
            }
            int[] bw = new int[2];
            boolean[] fl = new boolean[2];
            for (int k = 0; k < 2; k++) {
                JsonNode p = c.get(k);
                if (!p.isArray() || p.size() != 2 || !p.get(0).isIntegralNumber() || !p.get(1).isTextual()) {
                    throw n.error(where + ": " + p + " must be [bitwidth, 'int' or 'float']");
                }
                bw[k] = p.get(0).asInt();
                String dt = p.get(1).asText();
                if (!dt.equals("int") && !dt.equals("float")) {
                    throw n.error(where + ": dtype '" + dt + "' in " + c + ": use 'int' or 'float'");
                }
                fl[k] = dt.equals("float");
                if (fl[k] ? bw[k] != 16 && bw[k] != 32 : bw[k] < 4 || bw[k] > 32) {
                    throw n.error(where + ": bitwidth " + bw[k] + " in " + c + ": " + (fl[k] ? "float is 16 or 32" : "int is 4…32"));
                }
            }
            out.add(new Candidate(bw[0], fl[0], bw[1], fl[1]));
        }
        return out;
    }

    private static QuantMode scheme(ConfigNode n, String key) {
        String s = n.string(key, "post_training_tf_enhanced", false).toLowerCase(java.util.Locale.ROOT);
        return switch (s.startsWith("post_training_") ? s.substring("post_training_".length()) : s) {
            case "tf" -> QuantMode.TF;
            case "tf_enhanced", "enhanced" -> QuantMode.ENHANCED;
            case "percentile" -> QuantMode.PERCENTILE;
            default -> throw n.error(n.path() + "." + key + " '" + s + "': use post_training_tf, post_training_tf_enhanced or post_training_percentile");
        };
    }

    private static Path path(ConfigNode n, String key, Path dir) {
        Path p = Path.of(n.string(key, "path/to/file", true));
        Path f = p.isAbsolute() ? p : dir.resolve(p);
        if (!Files.isRegularFile(f)) {
            throw n.error(n.path() + "." + key + ": no such file " + p);
        }
        return f;
    }

    private static Callback callback(ConfigNode n, String key, Path dir, boolean required, boolean builtinAllowed) {
        String s = n.string(key, "'path/to/file.js:functionName'", required);
        if (s == null) {
            return null;
        }
        if (builtinAllowed && s.equals(BUILTIN_ACCURACY)) {
            return new Callback(null, "accuracy", s);
        }
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1 || !s.substring(0, colon).endsWith(".js")) {
            throw n.error(n.path() + (n.path().isEmpty() ? "" : ".") + key + " '" + s + "': write 'path/to/file.js:functionName'"
                    + (builtinAllowed ? " or " + BUILTIN_ACCURACY : "") + " (qsh runs JavaScript callbacks)");
        }
        String fn = s.substring(colon + 1);
        if (!fn.matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
            throw n.error(n.path() + "." + key + ": '" + fn + "' is not a JavaScript function name");
        }
        Path p = Path.of(s.substring(0, colon));
        Path file = p.isAbsolute() ? p : dir.resolve(p);
        if (!Files.isRegularFile(file)) {
            throw n.error(n.path() + (n.path().isEmpty() ? "" : ".") + key + ": no such file " + p
                    + (p.isAbsolute() ? "" : " (relative paths start at the config's folder)"));
        }
        return new Callback(file, fn, s);
    }
}
