package dev.playback.tools.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.tools.plan.Plan;
import dev.playback.tools.plan.Scope;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code playback plan rebuild|verify|replay}: what a replay would do, how long it would take (bounded by the slowest
 * quota, named) and what it would cost, before anything runs; counts from the events table's metadata and the events
 * index (never a scan), or a what-if with {@code --events N}.
 */
@Command(name = "plan", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, synopsisSubcommandLabel = "rebuild|verify|replay",
        description = "Prints a replay's plan: events and aggregates in scope, predicted work (state transitions, Lambda, Kinesis, "
                + "DynamoDB, S3), the duration and the quota that bounds it, and the cost at the dated list prices.")
public final class PlanCommand {
    private PlanCommand() {
    }

    public static CommandLine commandLine(Streams streams) {
        PlanRebuild rebuild = new PlanRebuild();
        PlanVerify verify = new PlanVerify();
        PlanReplay replay = new PlanReplay();
        for (ReplayCommands.ReplayCommand c : new ReplayCommands.ReplayCommand[]{rebuild, verify, replay}) {
            c.streams = streams;
            c.connector = ReplayCommands::connect;
        }
        return new CommandLine(new PlanCommand()).addSubcommand(rebuild).addSubcommand(verify).addSubcommand(replay);
    }

    /** The connection a plan reads counts through: none for a what-if (--events). */
    static Connection connection(ReplayCommands.ReplayCommand command, PlanOptions.First first) {
        if (command.target.json) throw Usage.error(command.spec, "option --json: a plan is printed as text");
        if (first.plan || first.yes) throw Usage.error(command.spec, "options --plan and --yes start a replay: 'playback plan' only prints its plan");
        first.options.check(command.spec);
        return first.options.events != null ? null : command.connect();
    }

    @Command(name = "rebuild", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
            description = "The plan of a full rebuild (the options of 'playback rebuild', and the planner's).")
    static final class PlanRebuild extends ReplayCommands.Rebuild {
        @Override
        public Integer call() {
            try (Connection c = connection(this, planFirst)) {
                ReplayCommands.inRange(segments(), "--segments", 1, 10_000, spec);
                planFirst.options.wholeTable(Scope.ReplayShape.REBUILD, segments(), c, spec).print(out());
                return Usage.OK;
            }
        }

        @Override
        ObjectNode input() {
            throw new IllegalStateException("a plan starts nothing");
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
            description = "The plan of a verification (a rebuild into a shadow generation and a comparison).")
    static final class PlanVerify extends ReplayCommands.Verify {
        @Option(names = "--segments", paramLabel = "N", defaultValue = "4", description = "parallel Scan segments (default: ${DEFAULT-VALUE})")
        int segments;

        @Override
        int segments() {
            return segments;
        }

        @Override
        public Integer call() {
            try (Connection c = connection(this, planFirst)) {
                planFirst.options.wholeTable(Scope.ReplayShape.VERIFY, segments(), c, spec).print(out());
                return Usage.OK;
            }
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, sortOptions = false,
            description = "The plan of a partial replay: its aggregates from the events index, their events estimated from the table.")
    static final class PlanReplay extends ReplayCommands.Replay {
        @Override
        public Integer call() {
            ObjectNode detail = scope();
            try (Connection c = connection(this, planFirst)) {
                Plan p = planOf(detail, c);
                p.print(out());
                return Usage.OK;
            }
        }
    }
}
