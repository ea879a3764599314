package dev.playback.tools.cli;

import dev.onebox.sfn.cli.SfnCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code playback sfn run|bench}: onebox's local Step Functions executor ({@link SfnCommand}, see onebox/SFN.md). The
 * options are declared here for help, completion and usage errors; the checked arguments are handed to onebox as given.
 */
@Command(name = "sfn", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, synopsisSubcommandLabel = "run|bench",
        description = "Runs state machine definitions on the local executor, without emulators for machines that need no "
                + "Lambda function or AWS service (see onebox/SFN.md).")
public final class SfnCommands {
    enum Type { STANDARD, EXPRESS }

    private SfnCommands() {
    }

    public static CommandLine commandLine(Streams streams) {
        // --type as onebox takes it: in any case
        return new CommandLine(new SfnCommands()).addSubcommand(new CommandLine(new Run(streams)).setCaseInsensitiveEnumValuesAllowed(true))
                .addSubcommand(new Bench(streams)).addSubcommand(new CommandLine.HelpCommand());   // 'sfn help' as onebox has it
    }

    @Command(name = "run", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = {"Runs one definition (JSON or YAML) with an input and prints its status and output, or with --batch "
                    + "one {\"definition\":…,\"input\":…} per line of IN.jsonl ('-': standard input), one result line each.",
                    "Waits use virtual time unless --real-time is given."})
    static final class Run implements Callable<Integer> {
        @Parameters(paramLabel = "DEFINITION", arity = "0..1", description = "the state machine definition, .json or .yaml")
        String definition;
        @Option(names = "--batch", paramLabel = "IN.jsonl", description = "run every line of IN.jsonl ('-': standard input)")
        String batch;
        @Option(names = "--input", paramLabel = "JSON|@FILE", description = "the execution's input (default: {})")
        String input;
        @Option(names = "--type", paramLabel = "TYPE", description = "the workflow type: ${COMPLETION-CANDIDATES} (default: STANDARD)")
        Type type;
        @Option(names = "--json", description = "print the result as one JSON line")
        boolean json;
        @Option(names = "--real-time", description = "wait in real time instead of virtual time")
        boolean realTime;
        @Option(names = "--sub", paramLabel = "Name=Value", description = "substitute $${Name} in the definition (repeatable)")
        List<String> subs = new ArrayList<>();
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        private final Streams streams;

        Run(Streams streams) {
            this.streams = streams;
        }

        @Override
        public Integer call() {
            if ((definition == null) == (batch == null)) {
                throw Usage.error(spec, "give either a DEFINITION file or --batch IN.jsonl");
            }
            List<String> args = new ArrayList<>(List.of("run"));
            if (definition != null) args.add(definition);
            if (batch != null) args.addAll(List.of("--batch", batch));
            if (input != null) args.addAll(List.of("--input", input));
            if (type != null) args.addAll(List.of("--type", type.name()));
            if (json) args.add("--json");
            if (realTime) args.add("--real-time");
            for (String sub : subs) {
                if (sub.indexOf('=') <= 0) throw Usage.error(spec, "option --sub needs Name=Value, not '" + sub + "'");
                args.addAll(List.of("--sub", sub));
            }
            return SfnCommand.run(args.toArray(String[]::new), streams.out(), streams.err());
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = "State transitions per second of the local executor.")
    static final class Bench implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ITERATIONS", arity = "0..1", description = "iterations per run")
        Integer iterations;
        @Parameters(index = "1", paramLabel = "RUNS", arity = "0..1", description = "measured runs (default: 10)")
        Integer runs;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        private final Streams streams;

        Bench(Streams streams) {
            this.streams = streams;
        }

        @Override
        public Integer call() {
            List<String> args = new ArrayList<>(List.of("bench"));
            if (iterations != null) {
                if (iterations < 1) throw Usage.error(spec, "ITERATIONS must be at least 1, not " + iterations);
                args.add(iterations.toString());
            }
            if (runs != null) {
                if (runs < 1) throw Usage.error(spec, "RUNS must be at least 1, not " + runs);
                args.add(runs.toString());
            }
            return SfnCommand.run(args.toArray(String[]::new), streams.out(), streams.err());
        }
    }
}
