package qsh.commands.zoo;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.IntStream;
import qsh.commands.Interpreter;
import qsh.core.workflow.ModelState;
import qsh.commands.spi.CommandException;
import qsh.core.calib.RawTensorFile;
import qsh.core.exec.Executor;
import qsh.core.graph.Graph;
import qsh.core.graph.ValueInfo;
import qsh.core.modelio.OnnxReader;
import qsh.core.quant.Encoding;
import qsh.core.tensor.Tensor;

/**
 * The checks of one zoo model, each through qsh's commands as a user runs them: {@code load}, the float output vs
 * ONNX Runtime, and per config the batch {@code qairt-quantizer} (= {@code ./qsh quantize}), ORT running the
 * export, the export's SQNR vs ORT's own quantize_static, and qsh's simulation vs ORT on the export.
 */
final class ZooModelRun {
    /** SQNRs above this are "exact" for the comparisons: both quantizers reproduce the float output. */
    static final double SQNR_CEILING = 60;
    /** qsh's export may trail ORT's quantize_static by at most this much (issue 14). */
    static final double SQNR_SLACK_DB = 1.0;
    /** Float agreement: max |qsh − ORT| relative to the output's range. */
    static final double FLOAT_TOLERANCE = 1e-3;

    /** One check's outcome; {@code detail} is one line (why it failed, or the measured figure). */
    record Check(String model, String name, boolean pass, String detail) {}

    /** Per-config figures for the report (NaN: not measured). */
    record ConfigFigures(String config, double qshSqnr, double ortSqnr, double ortSpecGridSqnr, String ortError, double simSqnr,
                         double maxSteps, String top1) {
        /** The ORT figure qsh is compared with: on the spec's 4-bit grid where measured, else ORT's own. */
        double ortCompared() {
            return Double.isNaN(ortSpecGridSqnr) ? ortSqnr : ortSpecGridSqnr;
        }
    }

    final ZooManifest.Model model;
    final Path file;
    final Path work;
    final List<Check> checks = new ArrayList<>();
    final List<ConfigFigures> figures = new ArrayList<>();
    double floatRelDiff = Double.NaN;
    private final ZooManifest zoo;
    private final List<Tensor> calibration = new ArrayList<>();
    private final List<Tensor> evaluation = new ArrayList<>();
    /** The sim-vs-export criterion's inputs (zoo.json's simulation_seeds) and the float model's outputs on them. */
    private final List<Tensor> simulation = new ArrayList<>();
    private List<float[]> floatRef;
    private List<float[]> simulationRef;

    ZooModelRun(ZooManifest zoo, ZooManifest.Model model, Path file, Path work) {
        this.zoo = zoo;
        this.model = model;
        this.file = file;
        this.work = work;
    }

    List<Tensor> evaluationInputs() {
        return evaluation;
    }

    /** Runs every check; never throws for a qsh failure (that is a failed check). */
    void run() throws Exception {
        int[] s = model.shape();
        Path list = work.resolve("input_list.txt");
        StringBuilder lines = new StringBuilder();
        for (long seed : model.calibrationSeeds()) {
            Tensor t = ZooInputs.image(seed, s[1], s[2], s[3], model.norm());
            calibration.add(t);
            Path raw = work.resolve("calib_" + seed + ".raw");
            RawTensorFile.write(raw, t);
            lines.append(raw).append('\n');
        }
        Files.writeString(list, lines);
        for (long seed : model.evaluationSeeds()) {
            evaluation.add(ZooInputs.image(seed, s[1], s[2], s[3], model.norm()));
        }
        floatRef = ort(file, evaluation);
        if (java.util.Arrays.equals(model.simulationSeeds(), model.evaluationSeeds())) { // a model with its own seeds
            simulation.addAll(evaluation);
            simulationRef = floatRef;
        } else {
            for (long seed : model.simulationSeeds()) {
                simulation.add(ZooInputs.image(seed, s[1], s[2], s[3], model.norm()));
            }
            simulationRef = ort(file, simulation);
        }
        String dimFlag = inputDimFlag();

        Interpreter in = new Interpreter();
        Graph loaded = null;
        try {
            in.execute("load " + file + dimFlag);
            loaded = in.session().model().orElseThrow().graph();
            pass("load", "");
        } catch (Exception e) {
            fail("load", e);
        }
        if (loaded == null) {
            fail("float", "needs load");
        } else {
            try {
                List<float[]> ours = simulate(loaded);
                floatRelDiff = relativeMaxDiff(ours, floatRef);
                check("float", floatRelDiff <= FLOAT_TOLERANCE, String.format("max |qsh − ORT| = %.3g of the output range", floatRelDiff));
            } catch (Exception e) {
                fail("float", e);
            }
        }
        // the loaded model is not needed any more: a large one (VGG-19 folded: 143 M parameters) must not stay on the
        // heap beside each config's float, simulated and exported copies
        in = null;
        loaded = null;
        for (ZooManifest.Config c : zoo.configs()) {
            runConfig(c, list, dimFlag);
        }
    }

    /** {@code --input_dim NAME D1,…} when a non-batch dim of the input is symbolic (a symbolic batch binds to 1). */
    String inputDimFlag() {
        Graph g = OnnxReader.read(file);
        for (ValueInfo v : g.inputs()) {
            if (v.name().equals(model.input())) {
                for (int i = 1; i < v.dims().length; i++) {
                    if (v.dims()[i] <= 0) {
                        StringBuilder d = new StringBuilder();
                        for (int x : model.shape()) {
                            d.append(d.length() == 0 ? "" : ",").append(x);
                        }
                        return " --input_dim " + model.input() + " " + d;
                    }
                }
            }
        }
        return "";
    }

    private void runConfig(ZooManifest.Config c, Path list, String dimFlag) {
        String n = c.name();
        OptionalDouble ort = zoo.ortSqnr(model.name(), n);
        OptionalDouble ortSpecGrid = zoo.ortSpecGridSqnr(model.name(), n);
        String ortError = zoo.ortError(model.name(), n);
        Path out = work.resolve(n.replaceAll("[^A-Za-z0-9]", "_") + ".onnx");
        ModelState m = null;
        try {
            Interpreter in = new Interpreter();
            in.execute("qairt-quantizer --input_network " + file + " --input_list " + list + " --output_path " + out
                    + " " + String.join(" ", c.qshFlags()) + dimFlag);
            m = in.session().model().orElseThrow();
            pass("quantize " + n, "");
        } catch (Exception e) {
            fail("quantize " + n, e);
        }
        List<float[]> exported = null;
        if (m == null) {
            fail("ort-runs-export " + n, "no export");
        } else {
            try {
                exported = ort(out, evaluation);
                boolean finite = exported.stream().allMatch(v -> IntStream.range(0, v.length)
                        .allMatch(i -> Float.isFinite(v[i])));
                check("ort-runs-export " + n, finite, finite ? "" : "non-finite outputs");
            } catch (Exception e) {
                exported = null;
                fail("ort-runs-export " + n, e);
            }
        }
        double qshSqnr = exported == null ? Double.NaN : sqnrDb(floatRef, exported);
        String fingerprint = referenceMismatch();
        if (exported == null) {
            fail("sqnr-vs-ort " + n, "no export output");
        } else if (fingerprint != null) {
            fail("sqnr-vs-ort " + n, fingerprint);
        } else if (ort.isEmpty()) {
            check("sqnr-vs-ort " + n, true, "ORT quantize_static: " + (ortError == null ? "no figure" : ortError));
        } else {
            // 4-bit per-channel: ORT's QInt4 grid is 2·absmax/15 on [-8, 7], the spec's absmax/7 (its per-channel
            // example: max = 127·scale at 8 bits); ort_reference.py measures ORT's model with its weights moved onto
            // the spec's grid too, which is what qsh is compared with there (like with like; ORT's own figure is shown)
            double reference = ortSpecGrid.orElse(ort.getAsDouble());
            check("sqnr-vs-ort " + n, Math.min(qshSqnr, SQNR_CEILING) >= Math.min(reference, SQNR_CEILING) - SQNR_SLACK_DB,
                    String.format("qsh %.2f dB vs ORT quantize_static %.2f dB", qshSqnr, reference) + (ortSpecGrid.isEmpty()
                            ? "" : String.format(" on the spec's 4-bit grid (%.2f dB on ORT's own)", ort.getAsDouble())));
        }
        double simSqnr = Double.NaN;
        double steps = Double.NaN;
        String top1 = "";
        if (m == null || exported == null) {
            fail("sim-vs-export " + n, "no export output");
        } else {
            try {
                List<float[]> sim = simulate(m.simulated());
                simSqnr = sqnrDb(floatRef, sim);
                Encoding e = outputEncoding(m);
                steps = e == null ? Double.NaN : maxDiff(sim, exported) / e.scale();
                int[] agree = model.top1() ? top1Agreement(sim, exported) : null;
                top1 = agree == null ? "" : agree[0] + "/" + agree[1];
                // the criterion (SimExportCriterion): outputs on the simulation inputs within the fixed bar or ORT's
                // own gap under 1-2 ulp nudges of the export, and every segment on ORT's codes up to ties
                SimExportCriterion.Verdict v = SimExportCriterion.check(m.simulated(), simulationRef, out, model.input(),
                        simulation, model.top1());
                check("sim-vs-export " + n, v.pass(), v.detail());
            } catch (Exception ex) {
                fail("sim-vs-export " + n, ex);
            }
        }
        figures.add(new ConfigFigures(n, qshSqnr, ort.orElse(Double.NaN), ortSpecGrid.orElse(Double.NaN), ortError,
                simSqnr, steps, top1));
    }

    /** Null when ort-reference.json was computed on this model file with these inputs; else why not. */
    private String referenceMismatch() {
        var ref = zoo.referenceOf(model.name());
        if (!ref.has("float_output_checksum")) {
            return "no entry in ort-reference.json: rerun scripts/zoo/ort_reference.py";
        }
        double want = ref.get("float_output_checksum").asDouble();
        double got = ZooInputs.checksum(floatRef.get(0));
        if (Math.abs(want - got) > 1e-2 + 1e-3 * Math.abs(want)) {
            return String.format("ort-reference.json was computed on a different model file (float output sum %.6g, here %.6g):"
                    + " rerun scripts/zoo/ort_reference.py", want, got);
        }
        return null;
    }

    private Encoding outputEncoding(ModelState m) {
        String out = m.graph().outputs().get(0).name();
        var a = m.plan().activations().get(out);
        return a == null || !a.isInt() ? null : a.encoding();
    }

    /** qsh's executor on {@code g}: the first output per evaluation input. */
    private List<float[]> simulate(Graph g) {
        String out = g.outputs().get(0).name();
        List<float[]> r = new ArrayList<>();
        for (Tensor x : evaluation) {
            r.add(((Tensor) Executor.run(g, Map.of(model.input(), x), null).get(out)).data().clone());
        }
        return r;
    }

    /** ONNX Runtime (graph optimizations off, so QDQ runs as written): the first output per input. */
    List<float[]> ort(Path onnx, List<Tensor> inputs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<float[]> r = new ArrayList<>();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            so.setIntraOpNumThreads(2);
            so.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR); // not every unused initializer
            try (OrtSession s = env.createSession(onnx.toString(), so)) {
                for (Tensor x : inputs) {
                    long[] shape = Arrays.stream(x.shape()).asLongStream().toArray();
                    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), shape);
                         OrtSession.Result res = s.run(Map.of(model.input(), t))) {
                        FloatBuffer b = ((OnnxTensor) res.get(0)).getFloatBuffer();
                        float[] v = new float[b.remaining()];
                        b.get(v);
                        r.add(v);
                    }
                }
            }
        }
        return r;
    }

    /** 10·log10(Σref² / Σ(x − ref)²) over all inputs, capped at 200 dB as scripts/zoo/ort_reference.py does. */
    static double sqnrDb(List<float[]> ref, List<float[]> x) {
        double signal = 0;
        double noise = 0;
        for (int k = 0; k < ref.size(); k++) {
            float[] a = ref.get(k);
            float[] b = x.get(k);
            if (a.length != b.length) {
                throw new IllegalStateException("output sizes differ: " + a.length + " vs " + b.length);
            }
            for (int i = 0; i < a.length; i++) {
                double d = (double) b[i] - a[i];
                signal += (double) a[i] * a[i];
                noise += d * d;
            }
        }
        if (noise <= signal * 1e-20) {
            return 200;
        }
        return signal > 0 ? 10 * Math.log10(signal / noise) : -200;
    }

    static double maxDiff(List<float[]> a, List<float[]> b) {
        double m = 0;
        for (int k = 0; k < a.size(); k++) {
            if (a.get(k).length != b.get(k).length) {
                throw new IllegalStateException("output sizes differ: " + a.get(k).length + " vs " + b.get(k).length);
            }
            for (int i = 0; i < a.get(k).length; i++) {
                m = Math.max(m, Math.abs((double) a.get(k)[i] - b.get(k)[i]));
            }
        }
        return m;
    }

    /** max |a − ref| / the reference's range (or its largest magnitude when it is constant; at least 1e-5). */
    static double relativeMaxDiff(List<float[]> a, List<float[]> ref) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double mag = 0;
        for (float[] r : ref) {
            for (float v : r) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
                mag = Math.max(mag, Math.abs(v));
            }
        }
        double range = hi - lo > 1e-6 * mag ? hi - lo : mag;
        // an output that is all (near) zero, as the v3 detector's on pages it finds no text in: float32 sigmoid tails
        // (ORT flushes them to 0, qsh gives ~1e-9) compare in absolute terms, against a range of 1e-5
        return maxDiff(a, ref) / Math.max(range, 1e-5);
    }

    /** {agreeing rows, rows}: argmax over the last axis (classes) of each row of the flattened output. */
    private int[] top1Agreement(List<float[]> a, List<float[]> b) {
        int classes = -1;
        Graph g = OnnxReader.read(file);
        long[] dims = g.outputs().get(0).dims();
        if (dims.length > 0 && dims[dims.length - 1] > 0) {
            classes = (int) dims[dims.length - 1];
        }
        if (classes <= 0) {
            classes = a.get(0).length; // one row
        }
        int same = 0;
        int rows = 0;
        for (int k = 0; k < a.size(); k++) {
            for (int off = 0; off + classes <= a.get(k).length; off += classes) {
                rows++;
                same += argmax(a.get(k), off, classes) == argmax(b.get(k), off, classes) ? 1 : 0;
            }
        }
        return new int[] {same, rows};
    }

    /** Index of the largest of v[off .. off+n), the first on ties. */
    static int argmax(float[] v, int off, int n) {
        int best = off;
        for (int i = off + 1; i < off + n; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private void pass(String check, String detail) {
        checks.add(new Check(model.name(), check, true, detail));
    }

    private void check(String check, boolean ok, String detail) {
        checks.add(new Check(model.name(), check, ok, detail));
    }

    private void fail(String check, String why) {
        checks.add(new Check(model.name(), check, false, why));
    }

    private void fail(String check, Exception e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (!(e instanceof CommandException)) {
            msg = e.getClass().getSimpleName() + ": " + msg;
        }
        // ORT's load errors: keep the reason, not the boilerplate before it
        msg = msg.replaceFirst("^OrtException: Error code - (\\w+) - message: (Load model from \\S+ failed:)?", "ORT $1: ");
        msg = msg.replace(file.toString(), "<model>").replace(work.toString(), "<tmp>").replaceAll("\\s+", " ").strip();
        checks.add(new Check(model.name(), check, false, msg.length() > 220 ? msg.substring(0, 220) + "…" : msg));
    }

}
