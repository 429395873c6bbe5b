package qsh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link ExecutorBenchmark} over the zoo models that are on this machine (one line for each that is not),
 * writes JMH's JSON result, and prints {@link ZooSpeedTable}'s markdown table with the load average before and
 * after. JMH's own options pass through, e.g. {@code -f 1 -wi 2 -w 1 -i 3 -r 1}, {@code -p model=resnet18,mobilenet_v2}
 * (only these models), {@code -rff FILE.json} (default bench/target/zoo-speed.json).
 *
 * <p>{@code java -cp bench/target/qsh-benchmarks.jar qsh.bench.ZooSpeed -f 1 -wi 2 -w 1 -i 3 -r 1}
 */
public final class ZooSpeed {
    private ZooSpeed() {}

    public static void main(String[] args) throws IOException, RunnerException {
        CommandLineOptions cli;
        try {
            cli = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("ZooSpeed: " + e.getMessage() + " (JMH's options, e.g. -f 1 -wi 2 -w 1 -i 3 -r 1)");
            System.exit(2);
            return;
        }
        Path root = BenchZoo.root();
        List<String> wanted = cli.getParameter("model").hasValue() ? new ArrayList<>(cli.getParameter("model").get()) : null;
        List<String> present = new ArrayList<>();
        for (BenchZoo.Model m : BenchZoo.models(root)) {
            if (wanted != null && !wanted.remove(m.name())) {
                continue;
            }
            if (BenchZoo.locateOrSkip(root, m) != null) {
                present.add(m.name());
            }
        }
        if (wanted != null && !wanted.isEmpty()) {
            System.err.println("ZooSpeed: not models of " + BenchZoo.MANIFEST + ": " + wanted);
            System.exit(2);
        }
        if (present.isEmpty()) {
            System.err.println("ZooSpeed: none of the models is on this machine");
            System.exit(1);
        }
        Path json = Path.of(cli.getResult().orElse(root.resolve("bench/target/zoo-speed.json").toString()));
        Files.createDirectories(json.toAbsolutePath().getParent());
        // one JMH run per model: its four variants (ORT's 1 and 2 threads, qsh float and simulated) run within a minute
        // or two of each other, so the machine's drift over the whole run (neighbours on a shared host: the same
        // model's ORT time moved 5-10 % between runs an hour apart) does not tilt one model's ratios; one run over all
        // models ran every model's ORT variants first and qsh's ten minutes later
        ObjectMapper mapper = new ObjectMapper();
        ArrayNode all = mapper.createArrayNode();
        Path part = json.resolveSibling(json.getFileName() + ".part");
        String loadBefore = loadAverage();
        int trials = 0;
        for (String model : present) {
            ChainedOptionsBuilder opts = new OptionsBuilder().parent(cli);
            if (cli.getIncludes().isEmpty()) { // a pattern given (e.g. ExecutorBenchmark.qshFloat) picks the variants
                opts.include(ExecutorBenchmark.class.getName() + "\\.");
            }
            opts.param("model", model).resultFormat(ResultFormatType.JSON).result(part.toString());
            trials += new Runner(opts.build()).run().size();
            for (JsonNode trial : mapper.readTree(part.toFile())) {
                all.add(trial);
            }
            // written after every model, so an interrupted run keeps the models it finished
            mapper.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), all);
        }
        Files.deleteIfExists(part);
        String loadAfter = loadAverage();
        System.out.println();
        System.out.println("JMH result: " + json + " (" + trials + " trials)");
        System.out.println("load average (1, 5, 15 min) before: " + loadBefore + "; after: " + loadAfter
                + "; cores: " + Runtime.getRuntime().availableProcessors() + "; JDK " + System.getProperty("java.version"));
        System.out.println();
        System.out.print(ZooSpeedTable.markdown(ZooSpeedTable.scores(mapper.readTree(json.toFile()))));
    }

    /** The first three fields of /proc/loadavg, or "unknown" off Linux. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
