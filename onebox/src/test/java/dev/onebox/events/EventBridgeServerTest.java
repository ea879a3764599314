package dev.onebox.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onebox.events.server.EventBridgeServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.DescribeRuleResponse;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.eventbridge.model.Target;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SDK's EventBridgeClient, unchanged, against the in-process server on 127.0.0.1. */
class EventBridgeServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPLAY_SM = "arn:aws:states:us-east-1:000000000000:stateMachine:PartialReplay";

    private final RecordingInvoker invoker = new RecordingInvoker();
    private EventBus bus;
    private Scheduler scheduler;
    private EventBridgeServer server;
    private EventBridgeClient client;

    @BeforeEach
    void start() throws IOException {
        bus = new EventBus(invoker, EventBusSettings.defaults().withDeliveryExecutor(Runnable::run)
                .withRetry(RetryPolicy.immediate(1)));
        bus.putRule(new Rule("ReplayRequested", "{\"source\":[\"playback\"],\"detail-type\":[\"ReplayRequested\"]}",
                List.of(dev.onebox.events.Target.withTransformer("PartialReplay", REPLAY_SM,
                        new InputTransformer(Map.of("replayId", "$.detail.replayId"), "{\"replayId\": <replayId>}")))));
        scheduler = new Scheduler(bus);
        scheduler.add(new Schedule("NightlyVerification", "cron(0 3 * * ? *)",
                List.of(dev.onebox.events.Target.of("verify", "arn:aws:states:us-east-1:000000000000:stateMachine:Verify")), true));
        server = EventBridgeServer.start(bus, 0);
        client = EventBridgeClient.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD))
                .build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        scheduler.close();
        bus.close();
    }

    @Test
    void aCustomBusCreatedThroughTheSdkTakesEventsForItsRulesOnly_andShowsItsPolicy() throws Exception {
        String arn = client.createEventBus(r -> r.name("replay-requests")).eventBusArn();
        bus.putRule(new Rule("OnBus", "replay-requests", "{\"source\":[\"playback\"]}",
                List.of(dev.onebox.events.Target.of("t", "arn:on-bus")), true));
        client.putPermission(r -> r.eventBusName("replay-requests").statementId("own").action("events:PutEvents").principal("000000000000"));

        PutEventsResponse onBus = client.putEvents(r -> r.entries(PutEventsRequestEntry.builder().eventBusName("replay-requests")
                .source("playback").detailType("Other").detail("{}").build()));
        PutEventsResponse missing = client.putEvents(r -> r.entries(PutEventsRequestEntry.builder().eventBusName("no-such-bus")
                .source("playback").detailType("Other").detail("{}").build()));

        assertEquals("arn:aws:events:us-east-1:000000000000:event-bus/replay-requests", arn);
        assertEquals(0, onBus.failedEntryCount());
        assertEquals(List.of("arn:on-bus"), invoker.calls().stream().map(RecordingInvoker.Call::targetArn).toList());
        assertEquals("ResourceNotFoundException", missing.entries().get(0).errorCode());
        assertEquals(JSON.readTree("""
                {"Version": "2012-10-17", "Statement": [{"Sid": "own", "Effect": "Allow", "Principal": {"AWS": "000000000000"},
                 "Action": "events:PutEvents"}]}"""), JSON.readTree(client.describeEventBus(r -> r.name("replay-requests")).policy()));
        assertEquals(List.of("default", "replay-requests"), client.listEventBuses(r -> { }).eventBuses().stream()
                .map(software.amazon.awssdk.services.eventbridge.model.EventBus::name).toList());
        EventBridgeException twice = assertThrows(EventBridgeException.class, () -> client.createEventBus(r -> r.name("replay-requests")));
        assertEquals("ResourceAlreadyExistsException", twice.awsErrorDetails().errorCode());
    }

    @Test
    void putEventsRoundTripDeliversToTheStateMachine() {
        PutEventsResponse response = client.putEvents(r -> r.entries(
                PutEventsRequestEntry.builder().source("playback").detailType("ReplayRequested")
                        .detail("{\"replayId\":\"r-9\"}").time(Instant.parse("2026-11-26T10:00:00.500Z")).build(),
                PutEventsRequestEntry.builder().source("playback").detailType("ReplayRequested").detail("oops").build(),
                PutEventsRequestEntry.builder().source("playback").detailType("Unrelated").detail("{}").build()));

        assertEquals(1, response.failedEntryCount());
        assertTrue(response.entries().get(0).eventId().matches("[0-9a-f-]{36}"), response.entries().get(0).eventId());
        assertNull(response.entries().get(0).errorCode());
        assertEquals("MalformedDetail", response.entries().get(1).errorCode());
        assertEquals("Detail is malformed.", response.entries().get(1).errorMessage());
        assertEquals(List.of(new RecordingInvoker.Call(REPLAY_SM, "{\"replayId\":\"r-9\"}")), invoker.calls());
    }

    @Test
    void defaultTargetInputCarriesTheEntryTime() throws Exception {
        bus.putRule(new Rule("All", "{\"source\":[\"playback\"]}", List.of(dev.onebox.events.Target.of("all", "arn:all"))));
        client.putEvents(r -> r.entries(PutEventsRequestEntry.builder().source("playback").detailType("X")
                .detail("{\"a\":1}").resources("arn:r").time(Instant.parse("2026-11-26T10:00:07.900Z")).build()));
        JsonNode event = JSON.readTree(invoker.calls().get(0).input());
        assertEquals("2026-11-26T10:00:07Z", event.get("time").asText());
        assertEquals(1, event.get("detail").get("a").asInt());
        assertEquals("arn:r", event.get("resources").get(0).asText());
    }

    @Test
    void tooManyEntriesIsAValidationException() {
        List<PutEventsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            entries.add(PutEventsRequestEntry.builder().source("playback").detailType("X").detail("{}").build());
        }
        EventBridgeException e = assertThrows(EventBridgeException.class, () -> client.putEvents(r -> r.entries(entries)));
        assertEquals(400, e.statusCode());
        assertEquals("ValidationException", e.awsErrorDetails().errorCode());
        assertTrue(e.getMessage().contains("less than or equal to 10"), e.getMessage());
    }

    @Test
    void listAndDescribeRulesIncludingSchedules() {
        List<String> names = new ArrayList<>();
        client.listRules(r -> { }).rules().forEach(rule -> names.add(rule.name()));
        assertEquals(List.of("ReplayRequested", "NightlyVerification"), names);

        DescribeRuleResponse replay = client.describeRule(r -> r.name("ReplayRequested"));
        assertEquals("arn:aws:events:us-east-1:000000000000:rule/ReplayRequested", replay.arn());
        assertEquals(RuleState.ENABLED, replay.state());
        assertTrue(replay.eventPattern().contains("ReplayRequested"));

        assertEquals("cron(0 3 * * ? *)", client.describeRule(r -> r.name("NightlyVerification")).scheduleExpression());

        List<Target> targets = client.listTargetsByRule(r -> r.rule("ReplayRequested")).targets();
        assertEquals(REPLAY_SM, targets.get(0).arn());
        assertEquals("$.detail.replayId", targets.get(0).inputTransformer().inputPathsMap().get("replayId"));

        ResourceNotFoundException missing = assertThrows(ResourceNotFoundException.class, () -> client.describeRule(r -> r.name("Nope")));
        assertTrue(missing.getMessage().contains("Rule Nope does not exist"), missing.getMessage());
    }

    @Test
    void testEventPatternAnswersLikeAws() {
        String event = "{\"id\":\"1\",\"account\":\"000000000000\",\"source\":\"playback\",\"time\":\"2026-11-26T00:00:00Z\","
                + "\"region\":\"us-east-1\",\"resources\":[],\"detail-type\":\"ReplayRequested\",\"detail\":{\"n\":3}}";
        assertTrue(client.testEventPattern(r -> r.event(event).eventPattern("{\"detail\":{\"n\":[{\"numeric\":[\">\",2]}]}}")).result());
        assertEquals(false, client.testEventPattern(r -> r.event(event).eventPattern("{\"source\":[\"other\"]}")).result());
        software.amazon.awssdk.services.eventbridge.model.InvalidEventPatternException bad = assertThrows(
                software.amazon.awssdk.services.eventbridge.model.InvalidEventPatternException.class,
                () -> client.testEventPattern(r -> r.event(event).eventPattern("{\"source\":\"playback\"}")));
        assertTrue(bad.getMessage().contains("\"source\": match values must be inside an array"), bad.getMessage());
    }

    @Test
    void serverListensOnLoopbackOnly() {
        assertEquals("127.0.0.1", server.endpoint().getHost());
        assertTrue(server.port() > 0);
    }
}
