package dev.playback.tools.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the console computes from what the stack answered, without a stack: who started a replay, effects, drift paths. */
class ConsoleDataTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void an_execution_the_replay_requested_rule_started_was_started_by_eventbridge_naming_the_event() throws Exception {
        JsonNode input = json("{\"request\":{\"replayId\":\"partial-1\",\"types\":[\"MoneyDeposited\"],\"requestedBy\":\"cli:ann@box\"},"
                + "\"event\":{\"id\":\"ev-42\",\"source\":\"playback\",\"account\":\"123456789012\",\"time\":\"2026-12-05T03:00:00Z\"}}");

        assertEquals(json("{\"channel\":\"EventBridge\",\"detail\":\"event ev-42 from playback, account 123456789012\"}"),
                ConsoleData.startedBy(input));
    }

    @Test
    void an_execution_whose_input_claims_a_schedule_was_started_by_the_schedule() throws Exception {
        JsonNode input = json("{\"reportOnly\":false,\"requestedBy\":\"schedule:VerifyStateMachine.Nightly\"}");

        assertEquals(json("{\"channel\":\"schedule\",\"detail\":\"schedule:VerifyStateMachine.Nightly\"}"), ConsoleData.startedBy(input));
    }

    @Test
    void any_other_execution_was_started_by_start_execution_with_what_its_input_claims_or_null() throws Exception {
        assertEquals(json("{\"channel\":\"StartExecution\",\"detail\":\"cli:ann@box\"}"),
                ConsoleData.startedBy(json("{\"replayId\":\"rebuild-1\",\"requestedBy\":\"cli:ann@box\"}")));
        assertEquals(json("{\"channel\":\"StartExecution\",\"detail\":null}"), ConsoleData.startedBy(json("{\"segments\":2}")));
        assertEquals(json("{\"channel\":\"StartExecution\",\"detail\":null}"), ConsoleData.startedBy(JSON.nullNode()));
    }

    @Test
    void the_effects_of_a_gateway_report_list_each_correction_with_its_changes_from_what_was_sent_to_what_is_wanted() throws Exception {
        JsonNode report = json("""
                {"sent":1,"suppressed":2,"corrections":2,"liveQueries":1,
                 "sentCommands":[{"processor":"payouts","eventId":"e-1","callSite":"bank.payout","disposition":"sent",
                                  "idempotencyKey":"k-1","command":{"amount":"5.00"}}],
                 "correctionList":[
                   {"processor":"payouts","eventId":"e-2","callSite":"bank.payout","key":"p-2","ordinal":1,"idempotencyKey":"k-2c",
                    "alreadySent":false,"command":{"amount":"-0.08"},
                    "sent":[{"amount":"10.00","currency":"USD"}],"wanted":{"amount":"9.92","currency":"USD"}},
                   {"processor":"payouts","eventId":"e-3","callSite":"bank.payout","key":"p-3","ordinal":1,"idempotencyKey":"k-3c",
                    "alreadySent":true,"command":{"amount":"-3.00"},"sent":[{"amount":"3.00"}],"wanted":null}],
                 "suppressedKeys":["k-4","k-5"],
                 "liveQueryList":[{"processor":"payouts","eventId":"e-6","callSite":"fx.rate","requestHash":"abc"}]}""");

        JsonNode n = ConsoleData.effects(JSON.createObjectNode(), report);

        assertEquals("{\"sent\":1,\"suppressed\":2,\"corrections\":2,\"liveQueries\":1}", n.get("counts").toString());
        assertEquals(json("[{\"field\":\"amount\",\"before\":\"10.00\",\"after\":\"9.92\"}]"), n.path("corrections").get(0).get("changes"));
        assertEquals(json("[{\"amount\":\"10.00\",\"currency\":\"USD\"}]"), n.path("corrections").get(0).get("before"));
        assertEquals(json("{\"amount\":\"9.92\",\"currency\":\"USD\"}"), n.path("corrections").get(0).get("wanted"));
        assertEquals(json("[{\"field\":\"amount\",\"before\":\"3.00\",\"after\":null}]"), n.path("corrections").get(1).get("changes"));
        assertEquals("k-2c", n.path("corrections").get(0).path("idempotencyKey").asText());
        assertEquals(List.of("k-4", "k-5"), n.get("suppressed").findValuesAsText("idempotencyKey"), "a report with keys only lists the keys");
        assertEquals("e-1", n.path("sends").get(0).path("eventId").asText());
        assertEquals("fx.rate", n.path("liveQueries").get(0).path("callSite").asText());
    }

    @Test
    void the_suppressed_commands_of_a_merged_report_are_listed_with_their_event_call_site_and_command() throws Exception {
        JsonNode report = json("""
                {"suppressed":3,"suppressedKeys":[],
                 "suppressedList":[{"processor":"payouts","eventId":"e-4","callSite":"bank.payout","disposition":"suppressed",
                                    "idempotencyKey":"k-4","command":{"amount":"7.50"}}]}""");

        JsonNode n = ConsoleData.effects(JSON.createObjectNode(), report);

        assertEquals(3, n.path("counts").path("suppressed").asInt(), "all are counted, though fewer are listed");
        assertEquals(json("[{\"processor\":\"payouts\",\"eventId\":\"e-4\",\"callSite\":\"bank.payout\",\"idempotencyKey\":\"k-4\","
                + "\"command\":{\"amount\":\"7.50\"}}]"), n.get("suppressed"));
    }

    @Test
    void a_correction_of_a_report_written_before_sent_and_wanted_were_recorded_has_no_changes() throws Exception {
        JsonNode report = json("{\"correctionList\":[{\"processor\":\"payouts\",\"eventId\":\"e-2\",\"command\":{\"amount\":\"-0.08\"}}]}");

        JsonNode c = ConsoleData.effects(JSON.createObjectNode(), report).path("corrections").get(0);

        assertEquals(json("[]"), c.get("changes"));
        assertEquals(json("[]"), c.get("before"));
        assertTrue(c.get("wanted").isNull());
    }

    @Test
    void each_drifted_aggregate_of_a_verify_report_gets_the_paths_that_differ() throws Exception {
        JsonNode report = json("""
                {"replayId":"verify-1","compared":3,"drifted":2,"aggregates":[
                  {"aggregateId":"acct-1","processor":"balances","live":{"balance":"10.00","counts":{"deposits":2}},
                   "rebuilt":{"balance":"12.00","counts":{"deposits":3}},"events":{"from":1,"to":4}},
                  {"aggregateId":"acct-2","processor":"balances","live":null,"rebuilt":{"balance":"1.00"},"events":{"from":1,"to":1}}]}""");

        JsonNode n = ConsoleData.withDifferences(report);

        assertEquals(json("[\"balance\",\"counts.deposits\"]"), n.path("aggregates").get(0).get("differences"));
        assertEquals(json("[\"\"]"), n.path("aggregates").get(1).get("differences"));
        assertEquals(3, n.path("compared").asInt());
    }

    @Test
    void a_limit_outside_its_range_or_not_a_number_is_refused_naming_the_parameter() {
        assertEquals(25, ConsoleData.intParam(Map.of(), "limit", 25, 1, 200));
        assertEquals(200, ConsoleData.intParam(Map.of("limit", "200"), "limit", 25, 1, 200));
        for (String bad : new String[]{"0", "201", "ten", ""}) {
            ConsoleException e = assertThrows(ConsoleException.class, () -> ConsoleData.intParam(Map.of("limit", bad), "limit", 25, 1, 200));
            assertEquals(400, e.status());
            assertEquals("query parameter 'limit' must be a whole number from 1 to 200, not '" + bad + "'", e.getMessage());
        }
    }

    @Test
    void a_failed_rollback_tells_the_lambda_errors_message_not_its_stack_trace() {
        String cause = "{\"errorMessage\":\"processor balances has no previous generation to roll back to\","
                + "\"errorType\":\"java.lang.IllegalStateException\",\"stackTrace\":[\"a.b(C.java:1)\"]}";

        assertEquals("processor balances has no previous generation to roll back to", ConsoleData.readableCause(cause));
        assertEquals("States.Timeout", ConsoleData.readableCause("States.Timeout"), "a cause that is not a Lambda error stays as it is");
    }
}
