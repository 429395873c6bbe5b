package qsh.commands.builtin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Concept pages for {@code help topics} / {@code help TOPIC}, kept as data: {@code qsh/help/index.txt} lists
 * the topic ids in teaching order, {@code qsh/help/ID.txt} holds a page (first line: title; then the text).
 */
final class HelpTopics {
    private static final String DIR = "qsh/help/";
    private static Map<String, List<String>> pages;

    private HelpTopics() {}

    /** Topic id → page lines (title first), in teaching order. */
    static synchronized Map<String, List<String>> all() {
        if (pages == null) {
            Map<String, List<String>> m = new LinkedHashMap<>();
            for (String id : read("index.txt")) {
                if (!id.isBlank()) {
                    m.put(id.strip(), read(id.strip() + ".txt"));
                }
            }
            pages = m;
        }
        return pages;
    }

    private static List<String> read(String name) {
        try (InputStream in = HelpTopics.class.getClassLoader().getResourceAsStream(DIR + name)) {
            if (in == null) {
                return List.of("(missing help page " + name + ")");
            }
            return new ArrayList<>(List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")));
        } catch (IOException e) {
            return List.of("(cannot read help page " + name + ": " + e.getMessage() + ")");
        }
    }
}
