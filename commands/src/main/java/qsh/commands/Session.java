package qsh.commands;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import qsh.commands.spi.CommandException;

/** What the shell holds between commands: named tensors, settings, and the last error (for {@code trace}). */
public final class Session {
    private final Map<String, SessionTensor> tensors = new LinkedHashMap<>();
    private Settings settings = Settings.DEFAULTS;
    private Throwable lastError;

    /** The named tensors in creation order (read-only view). */
    public Map<String, SessionTensor> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    /** The tensor named {@code name}, or a one-line error listing what exists. */
    public SessionTensor tensor(String name) {
        SessionTensor t = tensors.get(name);
        if (t == null) {
            throw new CommandException("no tensor named '" + name + "'"
                    + qsh.commands.spi.Suggest.hint(name, tensors.keySet(), "")
                    + (tensors.isEmpty() ? "; create one with: let " + name + " = [1, 2, 3]" : "; 'tensors' lists them"));
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
