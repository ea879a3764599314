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
}
