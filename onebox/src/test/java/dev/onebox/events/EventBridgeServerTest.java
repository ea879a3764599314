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
import software.amazon.awssdk.services.eventbridge.model.DescribeEventBusResponse;
import software.amazon.awssdk.services.eventbridge.model.DescribeRuleResponse;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.ListRulesResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;
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

    private static final Instant STARTED = Instant.parse("2026-12-01T08:00:00.250Z");

    private final RecordingInvoker invoker = new RecordingInvoker();
    private final MutableClock clock = new MutableClock(STARTED);
    private EventBus bus;
    private Scheduler scheduler;
    private EventBridgeServer server;
    private EventBridgeClient client;

    @BeforeEach
    void start() throws IOException {
        bus = new EventBus(invoker, EventBusSettings.defaults().withDeliveryExecutor(Runnable::run)
                .withRetry(RetryPolicy.immediate(1)).withClock(clock));
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
        assertEquals(List.of("NightlyVerification", "ReplayRequested"), names);

        DescribeRuleResponse replay = client.describeRule(r -> r.name("ReplayRequested"));
        assertEquals("arn:aws:events:us-east-1:000000000000:rule/ReplayRequested", replay.arn());
        assertEquals(RuleState.ENABLED, replay.state());
        assertEquals("default", replay.eventBusName());
        assertEquals("000000000000", replay.createdBy());
        assertNull(replay.managedBy());
        assertTrue(replay.eventPattern().contains("ReplayRequested"));

        DescribeRuleResponse nightly = client.describeRule(r -> r.name("NightlyVerification"));
        assertEquals("cron(0 3 * * ? *)", nightly.scheduleExpression());
        assertNull(nightly.eventPattern());

        List<Target> targets = client.listTargetsByRule(r -> r.rule("ReplayRequested")).targets();
        assertEquals(REPLAY_SM, targets.get(0).arn());
        assertEquals("$.detail.replayId", targets.get(0).inputTransformer().inputPathsMap().get("replayId"));

        ResourceNotFoundException missing = assertThrows(ResourceNotFoundException.class, () -> client.describeRule(r -> r.name("Nope")));
        assertEquals("Rule Nope does not exist on EventBus default.", missing.awsErrorDetails().errorMessage());
    }

    @Test
    void describeEventBusShowsTheDefaultBusWithoutPolicy_andADedicatedBusWithItsPolicyAndTimes() throws Exception {
        clock.set(Instant.parse("2026-12-01T09:00:00Z"));
        client.createEventBus(r -> r.name("replay-requests"));
        clock.set(Instant.parse("2026-12-01T09:30:00.125Z"));
        client.putPermission(r -> r.eventBusName("replay-requests").statementId("own").action("events:PutEvents").principal("000000000000"));

        DescribeEventBusResponse byDefault = client.describeEventBus(r -> { });
        DescribeEventBusResponse dedicated = client.describeEventBus(r -> r.name("arn:aws:events:us-east-1:000000000000:event-bus/replay-requests"));

        assertEquals("default", byDefault.name());
        assertEquals("arn:aws:events:us-east-1:000000000000:event-bus/default", byDefault.arn());
        assertNull(byDefault.policy());
        assertEquals(STARTED, byDefault.creationTime());
        assertEquals(STARTED, byDefault.lastModifiedTime());
        assertEquals("replay-requests", dedicated.name());
        assertEquals("arn:aws:events:us-east-1:000000000000:event-bus/replay-requests", dedicated.arn());
        assertEquals("own", JSON.readTree(dedicated.policy()).path("Statement").get(0).path("Sid").asText());
        assertEquals(Instant.parse("2026-12-01T09:00:00Z"), dedicated.creationTime());
        assertEquals(Instant.parse("2026-12-01T09:30:00.125Z"), dedicated.lastModifiedTime());
    }

    @Test
    void anUnknownBusIsResourceNotFound_forDescribeEventBusListRulesAndDescribeRule() {
        ResourceNotFoundException describe = assertThrows(ResourceNotFoundException.class, () -> client.describeEventBus(r -> r.name("nope")));
        ResourceNotFoundException list = assertThrows(ResourceNotFoundException.class, () -> client.listRules(r -> r.eventBusName("nope")));
        ResourceNotFoundException rule = assertThrows(ResourceNotFoundException.class,
                () -> client.describeRule(r -> r.name("ReplayRequested").eventBusName("nope")));

        assertEquals("Event bus nope does not exist.", describe.awsErrorDetails().errorMessage());
        assertEquals("Event bus nope does not exist.", list.awsErrorDetails().errorMessage());
        assertEquals("Rule ReplayRequested does not exist on EventBus nope.", rule.awsErrorDetails().errorMessage());
    }

    @Test
    void rulesOfADedicatedBusAreListedAndDescribedOnThatBusOnly_evenWithTheNameOfADefaultBusRule() {
        client.createEventBus(r -> r.name("replay-requests"));
        bus.putRule(new Rule("ReplayRequested", "replay-requests", "{\"source\":[\"playback\"]}",
                List.of(dev.onebox.events.Target.of("t", "arn:on-bus")), false));

        DescribeRuleResponse onBus = client.describeRule(r -> r.name("ReplayRequested").eventBusName("replay-requests"));
        List<software.amazon.awssdk.services.eventbridge.model.Rule> listed = client.listRules(r -> r.eventBusName("replay-requests")).rules();
        DescribeRuleResponse onDefault = client.describeRule(r -> r.name("ReplayRequested"));

        assertEquals("arn:aws:events:us-east-1:000000000000:rule/replay-requests/ReplayRequested", onBus.arn());
        assertEquals("replay-requests", onBus.eventBusName());
        assertEquals(RuleState.DISABLED, onBus.state());
        assertEquals("{\"source\":[\"playback\"]}", onBus.eventPattern());
        assertEquals(List.of("arn:aws:events:us-east-1:000000000000:rule/replay-requests/ReplayRequested"),
                listed.stream().map(software.amazon.awssdk.services.eventbridge.model.Rule::arn).toList());
        assertEquals("arn:aws:events:us-east-1:000000000000:rule/ReplayRequested", onDefault.arn());
        assertEquals(List.of("arn:on-bus"), client.listTargetsByRule(r -> r.rule("ReplayRequested").eventBusName("replay-requests"))
                .targets().stream().map(Target::arn).toList());
    }

    @Test
    void listRulesPagesByNameWithLimitAndNextToken_keepingToTheNamePrefix() {
        for (String name : List.of("replay-c", "replay-a", "other", "replay-b")) {
            bus.putRule(new Rule(name, "{\"source\":[\"" + name + "\"]}", List.of()));
        }

        ListRulesResponse first = client.listRules(r -> r.namePrefix("replay-").limit(2));
        ListRulesResponse second = client.listRules(r -> r.namePrefix("replay-").limit(2).nextToken(first.nextToken()));

        assertEquals(List.of("replay-a", "replay-b"), first.rules().stream().map(software.amazon.awssdk.services.eventbridge.model.Rule::name).toList());
        assertTrue(first.nextToken() != null && !first.nextToken().isEmpty(), "a first page of 2 of 3 has a NextToken");
        assertEquals(List.of("replay-c"), second.rules().stream().map(software.amazon.awssdk.services.eventbridge.model.Rule::name).toList());
        assertNull(second.nextToken());
        EventBridgeException badLimit = assertThrows(EventBridgeException.class, () -> client.listRules(r -> r.limit(101)));
        assertEquals("ValidationException", badLimit.awsErrorDetails().errorCode());
        EventBridgeException badToken = assertThrows(EventBridgeException.class, () -> client.listRules(r -> r.nextToken("not-a-token")));
        assertEquals("ValidationException", badToken.awsErrorDetails().errorCode());
    }

    @Test
    void putEventsAnswersPerEntryLikeAws_anEntryWithoutDetailIsAnInvalidArgument() {
        PutEventsResponse response = client.putEvents(r -> r.entries(
                PutEventsRequestEntry.builder().source("playback").detailType("ReplayRequested").build(),
                PutEventsRequestEntry.builder().source("playback").detailType("ReplayRequested").detail("[1, 2]").build(),
                PutEventsRequestEntry.builder().source("aws.states").detailType("X").detail("{}").build(),
                PutEventsRequestEntry.builder().source("playback").detailType("Unrelated").detail("{}").build()));

        assertEquals(3, response.failedEntryCount());
        assertEquals(List.of("InvalidArgument", "MalformedDetail", "NotAuthorizedForSourceException"),
                response.entries().subList(0, 3).stream().map(PutEventsResultEntry::errorCode).toList());
        assertEquals("Parameter(s) Detail could not be empty.", response.entries().get(0).errorMessage());
        assertEquals("Detail is malformed.", response.entries().get(1).errorMessage());
        assertNull(response.entries().get(0).eventId());
        assertTrue(response.entries().get(3).eventId().matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
                response.entries().get(3).eventId());
        assertNull(response.entries().get(3).errorCode());
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
