package dev.playback.tools;

import dev.playback.tools.bench.IngestBenchmark;
import dev.playback.tools.bench.RebuildBenchmark;
import dev.playback.tools.cli.LocalEndpoints;
import dev.playback.tools.cli.ReplayCommands;
import dev.playback.tools.demo.Demo;
import dev.playback.tools.demo.DemoSubscriptions;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/** The {@code playback} command line. */
public final class Main {
    private static final String USAGE = """
            usage: playback <command> [options]
              demo [--domain ledger|subscriptions] [--verbose]
                                            run the demo of a sample domain (default ledger) on a fresh in-memory local stack; the
                                            functions' log lines go to .playback/logs/ (--verbose: here instead)
              local [--data DIR] [--port N] [--fee-rule v1|v2] [--proration-rule v1|v2] [--auth none|iam]
                                            run the local stack until Ctrl-C (--data keeps state on disk; a restart resumes:
                                            start an interrupted rebuild again with the same --replay-id; --auth iam: every
                                            API route requires a SigV4 signature with the local credentials, as on AWS)
              reverse EVENT_ID --reason R [--dry-run] [--api URL] [--aws [--stack NAME]]
                                            append a compensating event for EVENT_ID through the HTTP API (--aws signs
                                            with SigV4; --stack finds the deployed API from the stack's outputs)
              redrive [--aws [--stack NAME]] [--failure-bucket B] [--event-stream S]
                                            put the records the pump set aside back on the event stream
            %s  bench ingest [--events N] [--clients N]
                                            measure HTTP -> stream -> events table -> data store, and the emulators' ceilings
              bench rebuild [--events N] [--segments N] [--batch-size N]
                                            full-rebuild events/s vs the emulators' ceilings, and the AWS cost per million events
              sfn run DEFINITION.json [--input JSON|@FILE] [--type STANDARD|EXPRESS] [--json]
              sfn run --batch IN.jsonl      run state machines on the local executor
              sfn bench                     state transitions per second of the local executor
            """.formatted(ReplayCommands.USAGE);

    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("aws.cborEnabled", "false");
        System.exit(execute(args, System.out, System.err));
    }

    /** Runs one command; the exit code: 0 done, 1 failed, 2 bad usage (the message names the option at fault). */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        try {
            return run(args, out, err);
        } catch (IllegalArgumentException e) {
            err.println("playback: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("playback: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0) {
            err.print(USAGE);
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "demo":
                return demo(rest, out);
            case "local":
                return local(rest, out);
            case "bench":
                if (rest.length > 0 && rest[0].equals("ingest")) {
                    return new IngestBenchmark(out).run(Arrays.copyOfRange(rest, 1, rest.length));
                }
                if (rest.length > 0 && rest[0].equals("rebuild")) {
                    return new RebuildBenchmark(out).run(Arrays.copyOfRange(rest, 1, rest.length));
                }
                throw new IllegalArgumentException("unknown benchmark; try: playback bench ingest|rebuild");
            case "reverse":
                return dev.playback.tools.cli.ReverseCommand.run(rest, out, err);
            case "redrive":
                return dev.playback.tools.cli.RedriveCommand.run(rest, out, err);
            case "sfn":
                return dev.onebox.sfn.cli.SfnCommand.run(rest, out, err);
            case "rebuild":
            case "replay":
            case "verify":
            case "status":
            case "rollback":
                return new ReplayCommands(out, err).run(args[0], rest);
            case "help":
            case "--help":
            case "-h":
                out.print(USAGE);
                return 0;
            default:
                throw new IllegalArgumentException("unknown command '" + args[0] + "'\n" + USAGE);
        }
    }

    private static int demo(String[] args, PrintStream out) throws Exception {
        String domain = "ledger";
        boolean verbose = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--domain" -> domain = value(args, ++i, "--domain");
                case "--verbose" -> verbose = true;
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "' for 'playback demo'");
            }
        }
        if (!domain.equals("ledger") && !domain.equals("subscriptions")) {
            throw new IllegalArgumentException("option --domain must be ledger or subscriptions, not '" + domain + "'");
        }
        // The story and its checks on standard output; the functions' own log lines in a file (--verbose: here too).
        Path logs = null;
        PrintStream logFile = null;
        if (!verbose) {
            logs = LocalEndpoints.defaultFile().resolveSibling("logs").resolve("demo-" + domain + "-"
                    + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC)
                    .format(java.time.Instant.now()) + ".log");
            Files.createDirectories(logs.getParent());
            logFile = new PrintStream(Files.newOutputStream(logs), true, java.nio.charset.StandardCharsets.UTF_8);
            dev.onebox.lambda.FunctionLogs.to(logFile);
            out.println("function logs: " + logs + " (--verbose shows them here)");
        }
        try {
            return domain.equals("ledger") ? new Demo(out).run(LocalOptions.inMemory()) : new DemoSubscriptions(out).run(LocalOptions.inMemory());
        } finally {
            if (logFile != null) {
                dev.onebox.lambda.FunctionLogs.toStandardError();
                logFile.close();
            }
        }
    }

    private static int local(String[] args, PrintStream out) throws Exception {
        LocalOptions options = LocalOptions.inMemory();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> options = options.withDataDir(Path.of(value(args, ++i, "--data")));
                case "--port" -> options = options.withApiPort(Integer.parseInt(value(args, ++i, "--port")));
                case "--fee-rule" -> options = options.withParameter("FeeRule", value(args, ++i, "--fee-rule"));
                case "--proration-rule" -> options = options.withParameter("ProrationRule", value(args, ++i, "--proration-rule"));
                case "--auth" -> options = options.withApiAuth(dev.onebox.http.LocalApi.Auth.parse(value(args, ++i, "--auth")));
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "' for 'playback local'");
            }
        }
        LocalStack stack = LocalStack.start(options);
        java.nio.file.Path file = LocalEndpoints.defaultFile();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                System.err.println("playback local: could not remove " + file + ": " + e);
            }
            stack.close();
            stop.countDown();
        }, "playback-local-stop"));
        stack.endpoints().write(file);
        stack.describe(out);
        out.println("endpoints file  " + file);
        if (options.dataDir() != null) out.println("data            " + options.dataDir().toAbsolutePath());
        out.println("playback local: running; Ctrl-C stops it");
        out.flush();
        stop.await();
        return 0;
    }

    static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException("option " + option + " needs a value");
        return args[i];
    }
}
