package dev.onebox.sfn.cli;

import dev.onebox.sfn.ExecutionResult;
import dev.onebox.sfn.ExecutionStatus;
import dev.onebox.sfn.LocalStepFunctions;
import dev.onebox.sfn.SfnServiceException;
import dev.onebox.sfn.WorkflowType;
import dev.onebox.sfn.asl.Definitions;
import dev.onebox.sfn.asl.Json;
import dev.onebox.sfn.asl.SfnClock;
import dev.onebox.sfn.bench.SfnBenchmark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code sfn ...} (mounted by a command line, e.g. {@code playback sfn}): runs state machine definitions locally, without emulators for
 * machines that need no Lambda function or AWS service.
 * <pre>
 * sfn run DEFINITION.json|.yaml [--input JSON|@FILE] [--type STANDARD|EXPRESS] [--json] [--real-time] [--sub Name=Value]...
 * sfn run --batch IN.jsonl [--type ...]     one {"definition":…,"input":…} per line → one result line each
 * sfn bench [ITERATIONS] [RUNS]
 * </pre>
 * Waits use virtual time unless {@code --real-time} is given.
 */
public final class SfnCommand {
    static final String USAGE = """
            usage: sfn run DEFINITION.json [--input JSON|@FILE] [--type STANDARD|EXPRESS] [--json] [--real-time] [--sub Name=Value]...
                   sfn run --batch IN.jsonl|- [--type STANDARD|EXPRESS] [--real-time]
                   sfn bench [ITERATIONS] [RUNS]""";

    private SfnCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; {@code args} start after "sfn". Returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, LocalStepFunctions::builder);
    }

    /**
     * As {@link #run(String[], PrintStream, PrintStream)}, with the service settings supplied by
     * the caller — the runtime passes a builder with its Lambda functions and SDK clients, so
     * Task states reach them; the clock is still chosen by {@code --real-time}.
     */
    public static int run(String[] args, PrintStream out, PrintStream err,
                          java.util.function.Supplier<LocalStepFunctions.Builder> services) {
        // json-path logs through SLF4J; without a binding SLF4J prints a notice on stderr
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        switch (args[0]) {
            case "run":
                return runCommand(args, out, err, services);
            case "bench":
                String[] rest = new String[args.length - 1];
                System.arraycopy(args, 1, rest, 0, rest.length);
                return SfnBenchmark.run(rest, out, err);
            case "help":
            case "--help":
                out.println(USAGE);
                return 0;
            default:
                err.println("unknown sfn command '" + args[0] + "'\n" + USAGE);
                return 2;
        }
    }

    private static int runCommand(String[] args, PrintStream out, PrintStream err,
                                  java.util.function.Supplier<LocalStepFunctions.Builder> services) {
        String definitionFile = null;
        String input = "{}";
        String batch = null;
        WorkflowType type = WorkflowType.STANDARD;
        boolean json = false;
        boolean realTime = false;
        Map<String, String> subs = new LinkedHashMap<>();
        try {
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--input":
                        input = value(args, ++i, a);
                        if (input.startsWith("@")) {
                            input = Files.readString(Path.of(input.substring(1)), StandardCharsets.UTF_8);
                        }
                        break;
                    case "--type":
                        String t = value(args, ++i, a);
                        try {
                            type = WorkflowType.valueOf(t.toUpperCase());
                        } catch (IllegalArgumentException e) {
                            err.println("--type must be STANDARD or EXPRESS, not '" + t + "'");
                            return 2;
                        }
                        break;
                    case "--json":
                        json = true;
                        break;
                    case "--real-time":
                        realTime = true;
                        break;
                    case "--batch":
                        batch = value(args, ++i, a);
                        break;
                    case "--sub":
                        String kv = value(args, ++i, a);
                        int eq = kv.indexOf('=');
                        if (eq <= 0) {
                            err.println("--sub needs Name=Value, got '" + kv + "'");
                            return 2;
                        }
                        subs.put(kv.substring(0, eq), kv.substring(eq + 1));
                        break;
                    default:
                        if (a.startsWith("--") || definitionFile != null) {
                            err.println("unexpected argument '" + a + "'\n" + USAGE);
                            return 2;
                        }
                        definitionFile = a;
                }
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage() + "\n" + USAGE);
            return 2;
        } catch (IOException e) {
            err.println("cannot read input file: " + e.getMessage());
            return 2;
        }
        if ((definitionFile == null) == (batch == null)) {
            err.println("give either a DEFINITION.json or --batch IN.jsonl\n" + USAGE);
            return 2;
        }
        try (LocalStepFunctions sfn = services.get()
                .clock(realTime ? SfnClock.system() : SfnClock.instant()).build()) {
            if (batch != null) {
                return batch(sfn, Path.of(batch), type, subs, out, err);
            }
            String definition;
            try {
                definition = Files.readString(Path.of(definitionFile), StandardCharsets.UTF_8);
                if (definitionFile.endsWith(".yaml") || definitionFile.endsWith(".yml")) {
                    definition = Json.write(new org.yaml.snakeyaml.Yaml().load(definition));
                }
            } catch (IOException e) {
                err.println("cannot read definition file " + definitionFile + ": " + e);
                return 2;
            }
            ExecutionResult r;
            try {
                Json.parse(input);
            } catch (IllegalArgumentException e) {
                err.println("--input is not valid JSON: " + e.getMessage());
                return 2;
            }
            try {
                r = sfn.run(Definitions.substitute(definition, subs), input, type);
            } catch (SfnServiceException e) {
                err.println(definitionFile + ": " + e.getMessage());
                return 2;
            }
            if (json) {
                out.println(r.toJsonLine());
            } else if (r.status() == ExecutionStatus.SUCCEEDED) {
                out.println("SUCCEEDED");
                out.println(pretty(r.output()));
            } else {
                out.println(r.status());
                out.println("error: " + r.error());
                out.println("cause: " + r.cause());
            }
            return r.status() == ExecutionStatus.SUCCEEDED ? 0 : 1;
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static String pretty(String json) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(Json.parse(json));
        } catch (IOException e) {
            return json;
        }
    }

    private static int batch(LocalStepFunctions sfn, Path file, WorkflowType type, Map<String, String> subs,
                             PrintStream out, PrintStream err) {
        try (BufferedReader reader = file.toString().equals("-")
                ? new BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = reader.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                out.println(batchLine(sfn, line, n, type, subs));
            }
            return 0;
        } catch (IOException e) {
            err.println("cannot read " + file + ": " + e);
            return 2;
        }
    }

    private static String batchLine(LocalStepFunctions sfn, String line, int n, WorkflowType type, Map<String, String> subs) {
        Object parsed;
        try {
            parsed = Json.parse(line);
        } catch (IllegalArgumentException e) {
            return ExecutionResult.failed("InvalidInput", "line " + n + " is not valid JSON: " + e.getMessage()).toJsonLine();
        }
        if (!(parsed instanceof Map<?, ?> m) || !m.containsKey("definition")) {
            return ExecutionResult.failed("InvalidInput", "line " + n + " must be an object with a 'definition'").toJsonLine();
        }
        Object def = m.get("definition");
        String definition = def instanceof String s ? s : Json.write(def);
        Object in = m.containsKey("input") ? m.get("input") : Map.of();
        WorkflowType t = m.get("type") instanceof String ts ? WorkflowType.valueOf(ts) : type;
        try {
            return sfn.run(Definitions.substitute(definition, subs), Json.write(in), t).toJsonLine();
        } catch (SfnServiceException e) {
            return ExecutionResult.failed(e.code(), e.getMessage()).toJsonLine();
        } catch (RuntimeException e) {
            return ExecutionResult.failed("States.Runtime", String.valueOf(e)).toJsonLine();
        }
    }
}
