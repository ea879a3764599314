package dev.playback.tools;

import dev.playback.tools.bench.BenchCommand;
import dev.playback.tools.cli.ArchiveCommands;
import dev.playback.tools.cli.CompletionCommand;
import dev.playback.tools.cli.ForgetCommand;
import dev.playback.tools.cli.PlanCommand;
import dev.playback.tools.cli.ParkingCommands;
import dev.playback.tools.cli.RedriveCommand;
import dev.playback.tools.cli.ReindexCommand;
import dev.playback.tools.cli.ReplayCommands;
import dev.playback.tools.cli.ReverseCommand;
import dev.playback.tools.cli.ShowCommand;
import dev.playback.tools.cli.SfnCommands;
import dev.playback.tools.cli.Streams;
import dev.playback.tools.cli.Usage;
import dev.playback.tools.console.ConsoleCommand;
import dev.playback.tools.whatif.WhatIfCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/** The {@code playback} command line (picocli): every command and subcommand has {@code --help}; see {@link Usage} for exit codes. */
@Command(name = "playback", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, usageHelpAutoWidth = true,
        synopsisSubcommandLabel = "COMMAND",
        description = "Event sourcing on AWS serverless: the demo, the local stack, and the clients of the replay state machines "
                + "(locally through the running 'playback local', on AWS with --aws).",
        footer = {"%n'playback help COMMAND' or 'playback COMMAND --help' shows a command's options.",
                "Bash completion: source <(playback completion bash)"})
public final class Main {
    public static void main(String[] args) {
        System.setProperty("aws.cborEnabled", "false");
        System.exit(execute(args, System.out, System.err));
    }

    /** Runs one command; the exit code: 0 done, 1 failed, 2 bad usage (the message names the option at fault). */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        CommandLine line = commandLine(new Streams(out, err));
        try {
            return line.execute(args);
        } finally {
            line.getOut().flush();
            line.getErr().flush();
            out.flush();
            err.flush();
        }
    }

    /** The whole command tree, writing to {@code streams}. */
    public static CommandLine commandLine(Streams streams) {
        CommandLine root = new CommandLine(new Main());
        root.addSubcommand(new DemoCommand(streams));
        root.addSubcommand(new LocalCommand(streams));
        ReplayCommands.addTo(root, streams);
        root.addSubcommand(PlanCommand.commandLine(streams));
        root.addSubcommand(new ReverseCommand.Cli(streams));
        root.addSubcommand(new ShowCommand(streams));
        root.addSubcommand(new RedriveCommand(streams));
        root.addSubcommand(new ParkingCommands.ParkedCommand(streams));
        root.addSubcommand(new ParkingCommands.UnparkCommand(streams));
        root.addSubcommand(new ReindexCommand(streams));
        root.addSubcommand(new ArchiveCommands.Export(streams));
        root.addSubcommand(new ArchiveCommands.Import(streams));
        root.addSubcommand(new ForgetCommand(streams));
        root.addSubcommand(new WhatIfCommand(streams));
        root.addSubcommand(BenchCommand.commandLine(streams));
        root.addSubcommand(SfnCommands.commandLine(streams));
        root.addSubcommand(new MetricsCommand(streams));
        root.addSubcommand(new ConsoleCommand(streams));
        root.addSubcommand(new CompletionCommand(streams));
        root.addSubcommand(new CommandLine.HelpCommand());
        root.setOut(writer(streams.out())).setErr(writer(streams.err()));
        return Usage.configure(root);
    }

    private static PrintWriter writer(PrintStream stream) {
        return new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
    }

    /** {@code playback --version}: the project version the command line was built from. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read dev/playback/tools/version.properties", e);
            }
            return new String[]{"playback " + p.getProperty("version", "(version unknown: built without Maven's resource filtering)")};
        }
    }
}
