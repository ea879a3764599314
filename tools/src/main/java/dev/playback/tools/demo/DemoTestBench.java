package dev.playback.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.bench.ArchiveBenchmark;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.tools.cli.Connection;
import dev.playback.tools.cli.ReplayProgress;
import dev.playback.tools.cli.Streams;
import dev.playback.tools.archive.ExportScope;
import dev.playback.tools.archive.Exporter;
import dev.playback.tools.archive.Importer;
import dev.playback.tools.whatif.ReportFormat;
import dev.playback.tools.whatif.Thresholds;
import dev.playback.tools.whatif.WhatIfCommand;
import dev.playback.tools.whatif.WhatIfReport;

import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's chapter "your history as a test bench": the demo stack's history exported ({@code playback export}),
 * imported into a second in-memory local stack started with fee rule {@code v2} ({@code playback import}; the code a
 * pull request would bring), rebuilt there in {@code suppress} mode (an import publishes nothing, so the second stack's
 * data store is empty until then), and {@code playback what-if --processor payouts} run there. Its summary is printed;
 * the corrections it predicts are returned, for the check against what the {@code diff} rebuild on the demo's own stack
 * then sends.
 */
final class DemoTestBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;
    private final LocalStack stack;

    /** What the chapter found: the predicted corrections as sorted lines, and whether the second stack sent nothing. */
    record Prediction(List<String> corrections, boolean nothingSent, boolean rebuilt) {
    }

    DemoTestBench(PrintStream out, LocalStack stack) {
        this.out = out;
        this.stack = stack;
    }

    Prediction predict() throws Exception {
        out.println("== your history as a test bench: the demo's history exported, imported into a second local stack running fee rule v2, "
                + "a what-if there ==");
        Path dir = Files.createTempDirectory("playback-demo-archive");
        Path file = dir.resolve("demo-history.playback.gz");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try {
            Exporter.Result exported = new Exporter(ArchiveBenchmark.data(stack), quiet, Clock.systemUTC()).export(ExportScope.whole(),
                    List.of(), JSON.createObjectNode().put("kind", "local").put("where", "the demo's stack"), file);
            out.printf(Locale.ROOT, "playback export --out %s: %,d events of %,d aggregates, %,d recorded answers, %,d command log entries, "
                            + "%,d bytes%n", file.getFileName(), exported.events(), exported.aggregates(), exported.queries(), exported.commands(),
                    exported.bytes());
            long t0 = System.nanoTime();
            try (LocalStack second = LocalStack.start(LocalOptions.inMemory().withParameter("FeeRule", "v2"))) {
                out.printf(Locale.ROOT, "second local stack (in memory, FeeRule=v2) up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
                Importer.Result imported = new Importer(ArchiveBenchmark.data(second), quiet, Clock.systemUTC()).importArchive(file);
                out.printf(Locale.ROOT, "playback import %s: %,d events, %,d recorded answers, %,d command log entries written%n",
                        file.getFileName(), imported.newEvents(), imported.newQueries(), imported.newCommands());
                boolean rebuilt = rebuild(second);
                WhatIfReport report;
                try (Connection c = Connection.local(second.endpoints(), "the second stack")) {
                    out.println("playback what-if --processor payouts (on the second stack):");
                    report = WhatIfCommand.run(c, new WhatIfCommand.Request("demo-test-bench", List.of("payouts"), "live",
                            Duration.ofMinutes(3), null), new Streams(quiet, quiet));
                }
                out.print(ReportFormat.TEXT.write(report, Thresholds.NONE));
                int sent = second.external().bank().payouts().size();
                out.printf(Locale.ROOT, "check: the second stack sent nothing to its bank (import, rebuild, what-if): %s%n",
                        sent == 0 ? "yes" : "NO, " + sent + " payouts");
                List<String> lines = new ArrayList<>();
                for (WhatIfReport.PredictedCorrection c : report.corrections()) lines.add(line(c.eventId(), c.command(), c.idempotencyKey()));
                lines.sort(null);
                return new Prediction(lines, sent == 0, rebuilt);
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    /** The rebuild an imported stack needs before its data store serves the imported history (suppress: nothing sent). */
    private boolean rebuild(LocalStack second) throws Exception {
        String machine = second.workflows().stateMachineArn("RebuildStateMachine");
        ObjectNode input = JSON.createObjectNode().put("replayId", "demo-imported").put("gatewayMode", "suppress");
        long t0 = System.nanoTime();
        second.workflows().stepFunctions().startExecution(machine, "demo-imported", input.toString());
        ExecutionDescription d = RebuildBenchmark.awaitReplay(second, machine, "demo-imported", Duration.ofMinutes(3));
        ReplayProgress p = ReplayProgress.read(second.dynamoDb(), second.physicalName("DataTable"), "demo-imported");
        out.printf(Locale.ROOT, "playback rebuild (suppress; an import publishes nothing) on the second stack %s in %.1f s: %,d events published, "
                + "%,d applied by each processor%n", d.status(), (System.nanoTime() - t0) / 1e9, p.published(), p.applied());
        if (d.error() != null) out.println("  " + d.error() + ": " + d.cause());
        return d.status() == ExecutionStatus.SUCCEEDED;
    }

    /** One correction as the checks compare them: "eventId payoutId amount idempotencyKey". */
    static String line(String eventId, JsonNode command, String idempotencyKey) {
        return eventId + " " + command.path("payoutId").asText() + " " + new BigDecimal(command.path("amount").asText()).toPlainString()
                + " " + idempotencyKey;
    }
}
