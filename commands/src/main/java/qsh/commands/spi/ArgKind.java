package qsh.commands.spi;

/**
 * What a word of a command line is: a positional argument's or an option value's kind. Completion offers what the
 * kind names (files relative to the session's folder, tensor or node names, choices), hints show it, and
 * {@link Args} checks a {@link #CHOICE} against its values.
 */
public enum ArgKind {
    /** A file path (completed relative to the session's folder, inside the typed folder). */
    FILE,
    /** A folder path. */
    DIR,
    /** An ONNX file, or the word {@code demo} for the built-in model. */
    MODEL,
    /** A model input file, {@code FILE.raw} or {@code NAME:=FILE.raw} (the spec's input-list form). */
    INPUT_FILE,
    /** A session tensor name (a model weight or activation included), or a {@code [..]} literal. */
    TENSOR,
    /** A node name of the loaded model. */
    NODE,
    /** One of a fixed list of words; anything else is refused with the list. */
    CHOICE,
    /** A new name the command creates (nothing to complete). */
    NAME,
    /** An integer. */
    INT,
    /** A finite number. */
    NUMBER,
    /** A command name, or a concept page (help). */
    COMMAND,
    /** A setting name ({@code set}). */
    SETTING,
    /** A setting's value, which depends on the setting named before it. */
    SETTING_VALUE,
    /** Free text (a shape, hex bytes, an op type, JavaScript). */
    TEXT;

    /** Whether completion lists files for this kind. */
    public boolean isPath() {
        return this == FILE || this == DIR || this == MODEL || this == INPUT_FILE;
    }
}
