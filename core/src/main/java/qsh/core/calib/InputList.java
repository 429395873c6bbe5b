package qsh.core.calib;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import qsh.core.io.RegularFiles;

/**
 * A calibration input list as the spec defines it ("Quantizing a Model" and "qairt-quantizer"):
 * <pre>
 * #&lt;output_layer_name&gt;[ &lt;output_layer_name&gt;…]        optional, first
 * %&lt;output_tensor_name&gt;[ &lt;output_tensor_name&gt;…]      optional, after the # line
 * &lt;inputFile&gt;                                          one line per inference, single-input graph
 * &lt;nameA&gt;:=&lt;fileA&gt; &lt;nameB&gt;:=&lt;fileB&gt;                    one line per inference, several inputs
 * </pre>
 * Blank lines are ignored; relative paths resolve against the list file's folder. The spec requires the
 * shown order when both output lines are present; qsh also requires them before the first input line
 * (that is the order shown) and at most one of each. Every line must name the same inputs as the first.
 * Every error names {@code FILE:LINE}.
 */
public final class InputList {
    /** The input name used for the entries of a single-input list (plain paths, no {@code name:=}). */
    public static final String UNNAMED = "";

    /**
     * One inference: the input files by input name (insertion order = order on the line).
     *
     * @param line   1-based line number in the list file
     * @param inputs input name → resolved file; a single {@link #UNNAMED} key for a plain-path line
     */
    public record Entry(int line, Map<String, Path> inputs) {
        public Entry {
            inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        }

        /** True when the line used {@code name:=path} entries. */
        public boolean named() {
            return !inputs.containsKey(UNNAMED);
        }

        /** The only file of a plain-path (single-input) line. */
        public Path single() {
            if (named()) {
                throw new IllegalStateException("line " + line + " names its inputs; look them up by name");
            }
            return inputs.get(UNNAMED);
        }
    }

    private final Path file;
    private final List<Entry> entries;
    private final List<String> outputLayers;
    private final List<String> outputTensors;
    private final String source;
    private final int outputLayersLine;
    private final int outputTensorsLine;

    private InputList(Path file, List<Entry> entries, List<String> outputLayers, List<String> outputTensors,
                      String source, int outputLayersLine, int outputTensorsLine) {
        this.file = file;
        this.entries = List.copyOf(entries);
        this.outputLayers = List.copyOf(outputLayers);
        this.outputTensors = List.copyOf(outputTensors);
        this.source = source;
        this.outputLayersLine = outputLayersLine;
        this.outputTensorsLine = outputTensorsLine;
    }

    /**
     * Reads and checks a list file; every named input file must exist. The list must be a regular file of at most
     * {@link RegularFiles#MAX_TEXT_BYTES} (a FIFO or {@code /dev/zero} is refused before it is opened).
     */
    public static InputList read(Path listFile) {
        String text = RegularFiles.readText(listFile, "input list");
        Path base = listFile.toAbsolutePath().getParent();
        InputList parsed = parse(text, base, listFile.toString(), true);
        return new InputList(listFile.toAbsolutePath(), parsed.entries, parsed.outputLayers, parsed.outputTensors,
                parsed.source, parsed.outputLayersLine, parsed.outputTensorsLine);
    }

    /**
     * Parses list text; relative paths resolve against {@code baseDir}; {@code sourceName} prefixes errors;
     * {@code checkFilesExist} makes a missing input file an error naming its line.
     */
    public static InputList parse(String text, Path baseDir, String sourceName, boolean checkFilesExist) {
        List<Entry> entries = new ArrayList<>();
        List<String> layers = List.of();
        List<String> tensors = List.of();
        int layersLine = 0;
        int tensorsLine = 0;
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text; // a UTF-8 byte-order mark is not a path
        String[] lines = body.split("\r?\n|\r", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String where = sourceName + ":" + lineNo;
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            char first = line.charAt(0);
            if (first == '#' || first == '%') {
                boolean isLayers = first == '#';
                String what = isLayers ? "'#' output-layer" : "'%' output-tensor";
                if (!entries.isEmpty()) {
                    throw new IllegalArgumentException(where + ": the " + what + " line comes after input line "
                            + entries.get(0).line() + ": move it to the top (spec order: '#' line, '%' line, inputs)");
                }
                if ((isLayers ? layersLine : tensorsLine) > 0) {
                    throw new IllegalArgumentException(where + ": a second " + what
                            + " line: put all names on one line, separated by spaces");
                }
                if (isLayers && tensorsLine > 0) {
                    throw new IllegalArgumentException(where + ": the '#' output-layer line comes after the '%'"
                            + " output-tensor line: swap them (the spec requires '#' before '%')");
                }
                List<String> names = splitNames(line.substring(1));
                if (names.isEmpty()) {
                    throw new IllegalArgumentException(where + ": the " + what
                            + " line names nothing: list names separated by spaces, or delete the line");
                }
                if (isLayers) {
                    layers = names;
                    layersLine = lineNo;
                } else {
                    tensors = names;
                    tensorsLine = lineNo;
                }
                continue;
            }
            Entry entry = parseInputLine(line, lineNo, where, baseDir, checkFilesExist);
            if (!entries.isEmpty()) {
                Entry firstEntry = entries.get(0);
                if (!firstEntry.inputs().keySet().equals(entry.inputs().keySet())) {
                    throw new IllegalArgumentException(where + ": inputs " + describeNames(entry)
                            + " differ from line " + firstEntry.line() + "'s " + describeNames(firstEntry)
                            + ": every line must give the same inputs");
                }
            }
            entries.add(entry);
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(sourceName + ": no input lines: add one line per inference"
                    + " (a path, or name:=path entries separated by spaces)");
        }
        return new InputList(null, entries, layers, tensors, sourceName, layersLine, tensorsLine);
    }

    private static Entry parseInputLine(String line, int lineNo, String where, Path baseDir, boolean checkExist) {
        String[] tokens = line.split("\\s+");
        Map<String, Path> inputs = new LinkedHashMap<>();
        int named = 0;
        for (String token : tokens) {
            int sep = token.indexOf(":=");
            String name;
            String pathText;
            if (sep >= 0) {
                named++;
                name = token.substring(0, sep);
                pathText = token.substring(sep + 2);
                if (name.isEmpty()) {
                    throw new IllegalArgumentException(where + ": '" + token + "' has no input name before ':=':"
                            + " write name:=path");
                }
                if (pathText.isEmpty()) {
                    throw new IllegalArgumentException(where + ": input '" + name + "' has no path after ':=':"
                            + " write name:=path");
                }
            } else {
                name = UNNAMED;
                pathText = token;
            }
            if (inputs.containsKey(name)) {
                throw new IllegalArgumentException(where + (name.isEmpty()
                        ? ": several plain paths on one line: a multi-input line needs name:=path for every input"
                        : ": input '" + name + "' appears twice: give each input once per line"));
            }
            Path path = resolve(baseDir, pathText);
            if (checkExist && !Files.isRegularFile(path)) {
                throw new IllegalArgumentException(where + ": input file '" + pathText + "' not found (looked at "
                        + path + "; relative paths are resolved against the list's folder): fix the path");
            }
            inputs.put(name, path);
        }
        if (named > 0 && named < tokens.length) {
            throw new IllegalArgumentException(where + ": mixes name:=path and plain paths: give every input as"
                    + " name:=path (several inputs) or write one plain path (single input)");
        }
        return new Entry(lineNo, inputs);
    }

    private static Path resolve(Path baseDir, String pathText) {
        Path p = Path.of(pathText);
        if (p.isAbsolute() || baseDir == null) {
            return p.normalize();
        }
        return baseDir.resolve(p).normalize();
    }

    private static List<String> splitNames(String rest) {
        String s = rest.strip();
        return s.isEmpty() ? List.of() : Arrays.asList(s.split("\\s+"));
    }

    private static String describeNames(Entry e) {
        return e.named() ? e.inputs().keySet().toString() : "(one unnamed input)";
    }

    /** The list file (absolute) when read from a file, null when parsed from text. */
    public Path file() {
        return file;
    }

    /** One entry per inference, in file order. */
    public List<Entry> entries() {
        return entries;
    }

    /** Number of inferences. */
    public int size() {
        return entries.size();
    }

    /** True when the lines use {@code name:=path} entries. */
    public boolean named() {
        return entries.get(0).named();
    }

    /** The input names of every line (a single {@link #UNNAMED} for a single-input list). */
    public List<String> inputNames() {
        return List.copyOf(entries.get(0).inputs().keySet());
    }

    /** Names from the {@code #} line (empty when absent). */
    public List<String> outputLayers() {
        return outputLayers;
    }

    /** Names from the {@code %} line (empty when absent). */
    public List<String> outputTensors() {
        return outputTensors;
    }

    /** {@code FILE:LINE} of the {@code #} line (or of the {@code %} line when {@code layers} is false), for errors. */
    public String outputLineWhere(boolean layers) {
        return source + ":" + (layers ? outputLayersLine : outputTensorsLine);
    }
}
