package dev.playback.tools;

import dev.playback.tools.cli.Streams;
import dev.playback.tools.cli.Usage;
import dev.playback.tools.logs.FunctionLogFile;
import dev.playback.tools.metrics.MetricsSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code playback metrics}: what the functions' embedded-metric lines of a local run say. */
@Command(name = "metrics", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Summarises the CloudWatch embedded metric format lines the functions wrote during a local run "
                + "(playback demo, playback local): per metric and dimension the sum of a count, the largest and the mean of a "
                + "time, and the time the lines span.",
                "By default the newest log file in .playback/logs; --all: every file there; or name a file or folder."})
final class MetricsCommand implements Callable<Integer> {
    @Parameters(paramLabel = "PATH", arity = "0..1", description = "a log file or a folder of them (default: the newest file in .playback/logs)")
    Path path;

    @Option(names = "--all", description = "every log file in .playback/logs, not only the newest")
    boolean all;

    private final Streams streams;

    MetricsCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() {
        Path folder = FunctionLogFile.folder();
        if (path != null && all) throw new IllegalArgumentException("give either PATH or --all, not both");
        if (path != null && !Files.exists(path)) throw new IllegalArgumentException("PATH " + path + " does not exist");
        Path source = path != null ? path : all ? folder : MetricsSummary.newest(folder).orElse(folder);
        streams.out().println("metrics of " + source);
        MetricsSummary.print(source, streams.out());
        return Usage.OK;
    }
}
