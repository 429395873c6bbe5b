package qsh.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
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
        ChainedOptionsBuilder opts = new OptionsBuilder().parent(cli);
        if (cli.getIncludes().isEmpty()) { // a pattern given (e.g. ExecutorBenchmark.qshFloat) picks the variants
            opts.include(ExecutorBenchmark.class.getName() + "\\.");
        }
        opts.param("model", present.toArray(String[]::new))
                .resultFormat(ResultFormatType.JSON)
                .result(json.toString());
        String loadBefore = loadAverage();
        Collection<org.openjdk.jmh.results.RunResult> results = new Runner(opts.build()).run();
        String loadAfter = loadAverage();
        System.out.println();
        System.out.println("JMH result: " + json + " (" + results.size() + " trials)");
        System.out.println("load average (1, 5, 15 min) before: " + loadBefore + "; after: " + loadAfter
                + "; cores: " + Runtime.getRuntime().availableProcessors() + "; JDK " + System.getProperty("java.version"));
        System.out.println();
        System.out.print(ZooSpeedTable.markdown(ZooSpeedTable.scores(new ObjectMapper().readTree(json.toFile()))));
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
