package dev.playback.lambdas.replay;

import dev.playback.model.replay.ReplayActions;

import dev.playback.lambdas.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplayHandlerTest {
    private static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        for (String name : new String[] {"EVENTS_TABLE", "EVENT_IDS_TABLE", "DATA_TABLE", "PAYLOAD_BUCKET", "PLAYBACK_STREAM", "REPORT_BUCKET",
                "EVENT_INDEX_TABLE"}) {
            env.put(name, name.toLowerCase());
        }
        env.put("AWS_REGION", "us-east-1");
        env.put("PLAYBACK_DOMAINS", "dev.playback.examples.ledger.Ledger");
        env.put("FEE_RULE", "v2");
        env.put("FX_URL", "http://127.0.0.1:1/");
        env.put("BANK_URL", "http://127.0.0.1:2/");
        env.put("RECORD_BUCKET", "records");
        return env;
    }

    @Test
    void namesEveryMissingVariableOfPlaybackTogether() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new ReplayHandler(Map.of("EVENTS_TABLE", "events")));
        for (String name : new String[] {"EVENT_IDS_TABLE", "DATA_TABLE", "PAYLOAD_BUCKET", "PLAYBACK_STREAM", "REPORT_BUCKET",
                "EVENT_INDEX_TABLE", "PLAYBACK_DOMAINS"}) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        assertTrue(e.getMessage().startsWith("ReplayFunction"), e.getMessage());
    }

    @Test
    void namesAVariableADomainNeedsWithTheFunction() {
        for (String name : new String[] {"FEE_RULE", "FX_URL", "BANK_URL", "RECORD_BUCKET"}) {
            Map<String, String> env = environment();
            env.remove(name);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new ReplayHandler(env));
            assertTrue(e.getMessage().startsWith("ReplayFunction: missing environment variable " + name), e.getMessage());
        }
    }

    @Test
    void namesADomainClassThatCannotBeLoaded() {
        Map<String, String> env = environment();
        env.put("PLAYBACK_DOMAINS", "dev.playback.examples.ledger.Ledger, com.example.NoSuchDomain");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new ReplayHandler(env));
        assertTrue(e.getMessage().equals("ReplayFunction: PLAYBACK_DOMAINS: no class com.example.NoSuchDomain on the classpath"), e.getMessage());
    }

    @Test
    void refusesAPublishBudgetThatIsNotANumberOfSeconds() {
        Map<String, String> env = environment();
        env.put("REPLAY_PUBLISH_SECONDS", "soon");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new ReplayHandler(env));
        assertTrue(e.getMessage().contains("REPLAY_PUBLISH_SECONDS"), e.getMessage());
    }

    private static dev.playback.model.replay.ReplayPorts wired(Map<String, String> env) {
        return ReplayHandler.wire(new dev.playback.lambdas.config.Environment(env),
                new dev.playback.lambdas.telemetry.EmbeddedMetrics("Playback/test", java.time.Clock.systemUTC()));
    }

    @Test
    void shouldReplayEveryProcessorOfTheDomainsAndPublishForTheGivenSeconds_whenWiredFromTheEnvironment() {
        Map<String, String> env = environment();
        env.put("REPLAY_PUBLISH_SECONDS", "2.5");

        dev.playback.model.replay.ReplayPorts ports = wired(env);

        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of("balances", "payouts"),
                ports.processors().stream().map(dev.playback.model.replay.ReplayProcessor::name).toList());
        org.junit.jupiter.api.Assertions.assertEquals(java.time.Duration.ofMillis(2500), ports.publishBudget());
    }

    @Test
    void shouldPublishOneBatchPerCall_whenThePublishBudgetIsZeroSeconds() {
        Map<String, String> env = environment();
        env.put("REPLAY_PUBLISH_SECONDS", "0");
        org.junit.jupiter.api.Assertions.assertEquals(java.time.Duration.ZERO, wired(env).publishBudget());
        org.junit.jupiter.api.Assertions.assertEquals(java.time.Duration.ofSeconds(20), wired(environment()).publishBudget(), "unset: 20 s");
        env.put("REPLAY_PUBLISH_SECONDS", "-0.5");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> wired(env));
        org.junit.jupiter.api.Assertions.assertEquals("ReplayFunction: REPLAY_PUBLISH_SECONDS must be a number of seconds >= 0, got '-0.5'", e.getMessage());
    }

    @Test
    void wiresProductionFromTheEnvironmentWithoutCallingAws() {
        Map<String, String> env = environment();
        env.put("REPLAY_PUBLISH_SECONDS", "2.5");
        new ReplayHandler(env);
    }

    @Test
    void aFailureCauseNamesTheErrorOnce_withoutTheClassNamesOfWrappedExceptions() {
        com.fasterxml.jackson.databind.JsonNode lambdaError = Fixtures.json("sfn-catch-lambda-error.json");
        com.fasterxml.jackson.databind.JsonNode plain = Fixtures.json("sfn-catch-timeout.json");

        org.junit.jupiter.api.Assertions.assertEquals("java.lang.IllegalStateException: replay r-1 cannot switch to g1", ReplayActions.detail(lambdaError));
        org.junit.jupiter.api.Assertions.assertEquals("States.Timeout: the task timed out: a.b is late", ReplayActions.detail(plain));
    }

    @org.junit.jupiter.api.extension.RegisterExtension
    final dev.playback.lambdas.LogCapture logs = new dev.playback.lambdas.LogCapture();

    @Test
    void shouldCountAndLogWhatAPublishPutOnTheStreamWithTheReplaysKeys_whenAStepPublishes() {
        ReplayWorld world = new ReplayWorld();
        world.live(dev.playback.examples.ledger.LedgerEnvelopes.opened("a1", "acc-1"),
                dev.playback.examples.ledger.LedgerEnvelopes.deposited("a2", "acc-1", "5.00"));
        com.fasterxml.jackson.databind.JsonNode prepared = world.prepare("rebuild", ReplayWorld.input("replayId", "r-7", "segments", 1));
        int linesBefore = logs.events().size();

        com.fasterxml.jackson.databind.JsonNode out = world.call(ReplayWorld.input("action", "publish", "replayId", "r-7", "segment", 0,
                "round", 0, "maxRounds", prepared.get("maxRounds").asInt(), "owner", "arn:exec:7"));

        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(2L, 2L, true), java.util.List.of(out.path("publishedNow").asLong(),
                out.path("published").asLong(), out.path("done").asBoolean()), out.toString());
        ch.qos.logback.classic.spi.ILoggingEvent line = logs.events().subList(linesBefore, logs.events().size()).stream()
                .filter(e -> e.getFormattedMessage().startsWith("replay: segment")).findFirst().orElseThrow(() -> new AssertionError(logs.messages()));
        org.junit.jupiter.api.Assertions.assertEquals("replay: segment 0 published 2 events (2 in all, done)", line.getFormattedMessage());
        org.junit.jupiter.api.Assertions.assertEquals("r-7", line.getMDCPropertyMap().get("replayId"));
        org.junit.jupiter.api.Assertions.assertEquals("arn:exec:7", line.getMDCPropertyMap().get("executionArn"));
        org.junit.jupiter.api.Assertions.assertEquals(prepared.path("generation").asText(), line.getMDCPropertyMap().get("generation"));
        java.util.List<String> published = logs.metricLines().stream().filter(l -> l.contains("ReplayEventsPublished")).toList();
        org.junit.jupiter.api.Assertions.assertEquals(1, published.size(), logs.metricLines().toString());
        assertTrue(published.get(0).contains("\"Service\":\"replay\",\"ReplayEventsPublished\":2") && published.get(0).contains("\"replayId\":\"r-7\""),
                published.get(0));
    }

    @Test
    void shouldLogTheReplayOfAnEndedExecution_whenEventBridgeReportsIt() {
        ReplayWorld world = new ReplayWorld();
        com.fasterxml.jackson.databind.JsonNode change = Fixtures.json("eventbridge-execution-status-change.json");
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> input = dev.playback.model.event.EventCodec.JSON.convertValue(change, java.util.Map.class);

        java.util.Map<String, Object> out = world.handler.handleRequest(input, null);

        ch.qos.logback.classic.spi.ILoggingEvent line = logs.events().stream().filter(e -> e.getFormattedMessage().startsWith("replay: "))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError(logs.messages()));
        org.junit.jupiter.api.Assertions.assertEquals("replay: " + out.get("summary"), line.getFormattedMessage());
        org.junit.jupiter.api.Assertions.assertEquals(change.path("detail").path("executionArn").asText(), line.getMDCPropertyMap().get("executionArn"));
    }
}
