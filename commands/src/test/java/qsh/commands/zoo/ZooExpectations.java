package qsh.commands.zoo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The committed expectations table (src/test/resources/zoo/expectations.tsv): per model × check, {@code pass} or
 * {@code gap} with the reason and issue. The suite fails when an expected pass fails and when a known gap starts
 * passing, so the table always says what qsh does. Regenerate it from a run with QSH_ZOO_UPDATE=1 (ModelZooTest).
 */
final class ZooExpectations {
    static final Path FILE = Path.of("src", "test", "resources", "zoo", "expectations.tsv");
    static final String HEADER = "# qsh model zoo expectations (issue 14): model<TAB>check<TAB>pass|gap<TAB>reason.\n"
            + "# Regenerate: QSH_ZOO_UPDATE=1 mvn -o -q -B test -pl commands -am -Dtest=ModelZooTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false\n";

    /** One expectation: {@code gap} rows carry the reason seen when the table was written. */
    record Row(String model, String check, boolean pass, String reason) {}

    private ZooExpectations() {}

    static Map<String, Row> read() throws IOException {
        Map<String, Row> rows = new LinkedHashMap<>();
        if (!Files.exists(FILE)) {
            return rows;
        }
        for (String line : Files.readAllLines(FILE, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", 4);
            rows.put(key(f[0], f[1]), new Row(f[0], f[1], f[2].equals("pass"), f.length > 3 ? f[3] : ""));
        }
        return rows;
    }

    static void write(List<Row> rows) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER);
        for (Row r : rows) {
            sb.append(r.model()).append('\t').append(r.check()).append('\t').append(r.pass() ? "pass" : "gap");
            if (!r.pass()) {
                sb.append('\t').append(r.reason());
            }
            sb.append('\n');
        }
        Files.writeString(FILE, sb.toString(), StandardCharsets.UTF_8);
    }

    static String key(String model, String check) {
        return model + "\t" + check;
    }

    /** The rows of {@code previous} for models this run did not check (skipped parts keep their rows). */
    static List<Row> kept(Map<String, Row> previous, java.util.Set<String> checkedModels) {
        List<Row> out = new ArrayList<>();
        previous.values().stream().filter(r -> !checkedModels.contains(r.model())).forEach(out::add);
        return out;
    }
}
