package dev.playback.tools.cli;

import dev.playback.tools.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sfn.SfnClient;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlanCommandTest {
    record Run(int exit, String out, String err) {
    }

    static Run main(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int exit = Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** rebuild/replay through a connection whose clients point at a closed port: anything that would start a replay fails. */
    static Run withUnreachableAws(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Streams streams = new Streams(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("t", "t"));
        URI nowhere = URI.create("http://127.0.0.1:9");
        CommandLine root = new CommandLine(new Main());
        ReplayCommands.addTo(root, streams, t -> Connection.aws(
                SfnClient.builder().region(Region.US_EAST_1).credentialsProvider(creds).endpointOverride(nowhere).build(),
                EventBridgeClient.builder().region(Region.US_EAST_1).credentialsProvider(creds).endpointOverride(nowhere).build(),
                DynamoDbClient.builder().region(Region.US_EAST_1).credentialsProvider(creds).endpointOverride(nowhere).build(),
                "data", "events", Map.of(), null));
        root.setOut(new java.io.PrintWriter(streams.out(), true)).setErr(new java.io.PrintWriter(streams.err(), true));
        int exit = Usage.configure(root).execute(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void plan_rebuild_what_if_prints_the_duration_its_bound_and_the_cost() {
        Run r = main("plan", "rebuild", "--events", "1000000000", "--aggregates", "10000000", "--shards", "16", "--segments", "1000",
                "--processors", "3");
        assertEquals(0, r.exit(), r.err());
        // the figures of BillionEventPlanTest's hand computation, at the shipped prices (the same values)
        assertTrue(r.out().contains("duration: 10 h 0 min, bounded by Kinesis reads: 16 shards x 2 MB/s shared by 3 consumers"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  total\\s+79\\.18\\n.*"), r.out());
        assertTrue(r.out().contains("prices: us-east-1 list prices as of 2026-12-01"), r.out());
    }

    @Test
    void plan_replay_what_if_covers_the_named_aggregates_at_the_tables_mean() {
        Run r = main("plan", "replay", "--events", "1000", "--aggregates", "10", "--aggregate", "a-1", "--aggregate", "a-2");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("plan: replay of 200 events over 2 aggregates"), r.out());
    }

    @Test
    void plan_options_at_fault_are_named() {
        Run bytes = main("plan", "rebuild", "--event-bytes", "300", "--aggregates", "5");
        assertEquals(2, bytes.exit());
        assertTrue(bytes.err().contains("--event-bytes needs --events"), bytes.err());
        Run segments = main("plan", "rebuild", "--events", "10", "--segments", "10001");
        assertEquals(2, segments.exit());
        assertTrue(segments.err().contains("--segments must be between 1 and 10000, not 10001"), segments.err());
        Run started = main("plan", "rebuild", "--events", "10", "--plan");
        assertEquals(2, started.exit());
        assertTrue(started.err().contains("options --plan and --yes start a replay"), started.err());
        Run json = main("plan", "verify", "--events", "10", "--json");
        assertEquals(2, json.exit());
        assertTrue(json.err().contains("--json"), json.err());
    }

    @Test
    void rebuild_with_plan_prints_it_and_refuses_to_start_without_a_terminal_or_yes() {
        Run r = withUnreachableAws("rebuild", "--aws", "--plan", "--events", "100000", "--aggregates", "1000");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("plan: rebuild of 100,000 events over 1,000 aggregates"), r.err());
        assertTrue(r.err().contains("stdin is not a terminal: add --yes"), r.err());
    }

    @Test
    void replay_with_plan_refuses_to_send_without_a_terminal_or_yes() {
        Run r = withUnreachableAws("replay", "--aws", "--bus", "b", "--plan", "--events", "1000", "--aggregates", "10", "--aggregate", "a-1");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("plan: replay of 100 events over 1 aggregates"), r.err());
        assertTrue(r.err().contains("add --yes"), r.err());
    }

    @Test
    void rebuild_with_plan_and_yes_goes_on_to_start_it() {
        // --yes: no question; the start then asks the (unreachable) Step Functions endpoint for the machine and fails there
        Run r = withUnreachableAws("rebuild", "--aws", "--plan", "--yes", "--events", "100000", "--aggregates", "1000");
        assertTrue(r.err().contains("plan: rebuild of 100,000 events"), r.err());
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("Unable to execute HTTP request"), r.err());
    }
}
