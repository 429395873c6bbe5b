package qsh.commands.spi;

import qsh.core.workflow.ModelState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the shell holds between commands: named tensors, settings, and the last error (for {@code trace}). */
public final class Session {
    private final Map<String, SessionTensor> tensors = new LinkedHashMap<>();
    private Settings settings = Settings.DEFAULTS;
    private Throwable lastError;
    private ModelState model;
    private java.nio.file.Path baseDir = java.nio.file.Path.of("");
    private final java.util.Deque<Undo> undo = new java.util.ArrayDeque<>();
    private Scripts js;

    /** The session's JavaScript (for a YAML config's callbacks); set by the interpreter that drives the session. */
    public Scripts js() {
        if (js == null) {
            throw new qsh.commands.spi.CommandException("JavaScript callbacks need an interpreter (none drives this session)");
        }
        return js;
    }

    public void js(Scripts bridge) {
        this.js = bridge;
    }

    private qsh.core.io.FileAccessPolicy scriptFileAccess;

    /**
     * What JavaScript (the js command, .js files, callbacks) may read and write: the working folder, qsh's data
     * folders and the temp folder, plus what --allow-read/--allow-write or set allowed; the bridge adds the script's
     * own folder. Commands typed by the user are not restricted.
     */
    public qsh.core.io.FileAccessPolicy scriptFileAccess() {
        if (scriptFileAccess == null) {
            scriptFileAccess = ScriptFolders.defaults();
        }
        return scriptFileAccess;
    }

    /** Replaces the scripts' file-access policy (the launcher's --allow-read/--allow-write, set allow-read/-write). */
    public void scriptFileAccess(qsh.core.io.FileAccessPolicy policy) {
        this.scriptFileAccess = policy;
    }

    /** How many model transforms {@code undo} can revert (each keeps the previous model's weights alive). */
    public static final int UNDO_DEPTH = 20;

    /**
     * One revertible model transform.
     *
     * @param before the model as it was
     * @param what   what the transform was, e.g. "cle step (chain 2 of 5)"
     */
    public record Undo(ModelState before, ModelState after, String what) {}

    /**
     * What {@code undo} did: the transform it reverted, and what it could not carry over to the restored model
     * (a calibration made after the transform belongs to the transformed weights), in one line each.
     */
    public record Undone(String what, List<String> discarded, List<String> kept) {}

    /** Every name {@link #tensor} can resolve: session tensors, model weights, last activations (for completion). */
    public java.util.List<String> tensorNames() {
        java.util.List<String> names = new java.util.ArrayList<>(tensors.keySet());
        if (model != null) {
            model.graph().weights().forEach((k, v) -> {
                if (v instanceof qsh.core.tensor.Tensor) {
                    names.add(k);
                }
            });
            names.addAll(model.activations().keySet());
        }
        return names;
    }

    /** The named tensors in creation order (read-only view). */
    public Map<String, SessionTensor> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    /**
     * Resolves a file name typed in a command: absolute paths as they are, relative ones against the folder
     * of the script being replayed (like the spec's input lists), or the working directory interactively.
     */
    public java.nio.file.Path resolve(String file) {
        java.nio.file.Path p = java.nio.file.Path.of(file);
        return p.isAbsolute() ? p : baseDir.resolve(p);
    }

    /** The folder relative file names resolve against. */
    public java.nio.file.Path baseDir() {
        return baseDir;
    }

    /** Sets the folder relative file names resolve against (the script runner sets the script's folder). */
    public void baseDir(java.nio.file.Path dir) {
        this.baseDir = dir == null ? java.nio.file.Path.of("") : dir;
    }

    private final History history = new History();

    /** The commands that ran successfully, and the recording in progress (record / save-history). */
    public History history() {
        return history;
    }

    /** Reports how far a long task has got (the shell draws a progress bar on a terminal). */
    public interface Progress {
        /** Starts a task of {@code total} steps; the returned consumer hears the count of steps done. */
        java.util.function.IntConsumer start(String task, int total);
    }

    private Progress progress = (task, total) -> done -> { };

    /** Sets how long tasks report progress (default: silently). */
    public void progressReporter(Progress p) {
        this.progress = p == null ? (task, total) -> done -> { } : p;
    }

    /** A progress consumer for a task of {@code total} steps. */
    public java.util.function.IntConsumer progress(String task, int total) {
        return progress.start(task, total);
    }

    /** The width rows are laid out for when there is no terminal (scripts, -c, golden transcripts): 80 columns. */
    public static final int DEFAULT_COLUMNS = 80;

    private int columns = DEFAULT_COLUMNS;

    /** How many columns a printed row may use without wrapping: the terminal's width in the REPL, else 80. */
    public int columns() {
        return columns;
    }

    /** Sets the row width (the REPL passes JLine's terminal width before each line; 0 or less means unknown: 80). */
    public void columns(int width) {
        this.columns = width <= 0 ? DEFAULT_COLUMNS : Math.max(40, width);
    }

    /** The loaded model, if any. */
    public Optional<ModelState> model() {
        return Optional.ofNullable(model);
    }

    /**
     * The loaded model. A session starts with the demo model one step away: the first model command loads it
     * (so {@code qsh -c 'graph'} works on a fresh machine); {@code load FILE.onnx} replaces it.
     */
    public ModelState requireModel() {
        if (model == null) {
            model = ModelState.loaded(ModelLoader.load("demo"), "demo");
        }
        return model;
    }

    /** Replaces the loaded model (not undoable: a new model or what the old one learned, such as activations). */
    public void model(ModelState m) {
        this.model = m;
    }

    /** Replaces the model by a transformed one that {@code undo} can revert; {@code what} names the transform. */
    public void transform(ModelState next, String what) {
        undo.push(new Undo(requireModel(), next, what));
        while (undo.size() > UNDO_DEPTH) {
            undo.removeLast();
        }
        this.model = next;
    }

    /**
     * Reverts the last transform, or empty when there is nothing to undo. Steps taken after it are carried to the
     * restored model when they do not depend on its weights (overrides loaded with {@code encodings load}); a
     * quantization plan made after it (calibrate, adaround, amp, …) was computed on the transformed weights, so
     * it is dropped and {@link Undone#discarded()} says so: nothing is lost silently.
     */
    public Optional<Undone> undo() {
        Undo u = undo.poll();
        if (u == null) {
            return Optional.empty();
        }
        ModelState now = requireModel();
        ModelState back = u.before();
        List<String> discarded = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        if (now.plan() != u.after().plan() && now.plan() != null) {
            discarded.add("the quantization made after it (" + now.plan().label() + ") was computed on the"
                    + " transformed weights: run calibrate again");
        }
        if (now.overrides() != u.after().overrides()) {
            back = back.withOverrides(now.overrides());
            kept.add("the overrides loaded after it");
        }
        this.model = back;
        return Optional.of(new Undone(u.what(), List.copyOf(discarded), List.copyOf(kept)));
    }

    /** How many transforms {@code undo} can revert now. */
    public int undoDepth() {
        return undo.size();
    }

    /** Forgets the transforms (a new model was loaded: they belonged to the old one). */
    public void clearUndo() {
        undo.clear();
    }

    /**
     * The tensor named {@code name}: a session tensor, else a float weight of the loaded model, else an
     * activation of the last {@code infer}; or a one-line error.
     */
    public SessionTensor tensor(String name) {
        SessionTensor t = tensors.get(name);
        if (t == null && model != null) {
            Object w = model.graph().weights().get(name);
            if (w instanceof qsh.core.tensor.Tensor) {
                return SessionTensor.floats(name, (qsh.core.tensor.Tensor) w, "weight of " + model.source());
            }
            qsh.core.tensor.Tensor a = model.activations().get(name);
            if (a != null) {
                return SessionTensor.floats(name, a, "activation from the last infer");
            }
            if (model.graph().producer(name) != null || model.graph().isInput(name)) {
                throw new CommandException("'" + name + "' is an activation of the model: run  infer --random  (or infer with inputs) first");
            }
        }
        if (t == null) {
            throw new CommandException("no tensor named '" + name + "'"
                    + qsh.commands.spi.Suggest.hint(name, tensors.keySet(), "")
                    + (tensors.isEmpty() && model == null ? "; create one with: let " + name + " = [1, 2, 3]" : "; 'tensors' lists them"));
        }
        return t;
    }

    /** The tensor named {@code name} if present. */
    public Optional<SessionTensor> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** Stores (or replaces) a tensor; names must be identifiers. */
    public void put(SessionTensor t) {
        checkName(t.name());
        tensors.put(t.name(), t);
    }

    /** Removes a tensor. */
    public void remove(String name) {
        tensor(name);
        tensors.remove(name);
    }

    /** Fails unless {@code name} is a valid tensor name. */
    public static void checkName(String name) {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
            throw new CommandException("'" + name + "' is not a valid name: use letters, digits, '_' and '.', starting with a letter");
        }
    }

    /** Current settings. */
    public Settings settings() {
        return settings;
    }

    /** Replaces the settings. */
    public void settings(Settings s) {
        this.settings = s;
    }

    /** The last error's throwable, for {@code trace}. */
    public Optional<Throwable> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** Records the last error. */
    public void lastError(Throwable t) {
        this.lastError = t;
    }
}
