package dev.onebox.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onebox.events.transform.TargetInput;
import dev.onebox.events.transform.TargetInputException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Target input: default, Input, InputPath and InputTransformer, with the documented EC2 examples. */
class TargetInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RULE_ARN = "arn:aws:events:us-east-1:000000000000:rule/example";
    private static final Instant INGESTED = Instant.parse("2015-11-11T21:29:55.123Z");

    private static JsonNode event() throws Exception {
        return JSON.readTree("""
                {"version":"0","id":"7bf73129-1428-4cd3-a780-95db273d1602",
                 "detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"123456789012",
                 "time":"2015-11-11T21:29:54Z","region":"us-east-1",
                 "resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
                 "detail":{"instance-id":"i-0123456789","state":"RUNNING","count":3,"tags":{"a":"b"},"list":[1,2],
                           "quote":"say \\"hi\\""}}""");
    }

    private static String render(Target target) throws Exception {
        return TargetInput.render(target, event(), "example", RULE_ARN, INGESTED);
    }

    private static Target transformer(String template) {
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put("timestamp", "$.time");
        paths.put("instance", "$.detail.instance-id");
        paths.put("state", "$.detail.state");
        paths.put("count", "$.detail.count");
        paths.put("tags", "$.detail.tags");
        paths.put("quote", "$.detail.quote");
        paths.put("missing", "$.detail.nope");
        paths.put("type", "$.detail-type");
        return Target.withTransformer("t", "arn:aws:states:us-east-1:000000000000:stateMachine:X",
                new InputTransformer(paths, template));
    }

    @Test
    void defaultInputIsTheWholeEvent() throws Exception {
        assertEquals(event(), JSON.readTree(render(Target.of("t", "arn:x"))));
    }

    @Test
    void constantInputIsSentAsIs() throws Exception {
        assertEquals("{\"mode\":\"nightly\"}", render(Target.withInput("t", "arn:x", "{\"mode\":\"nightly\"}")));
    }

    @Test
    void inputPathSelectsPartOfTheEvent() throws Exception {
        assertEquals(JSON.readTree("{\"instance-id\":\"i-0123456789\",\"state\":\"RUNNING\",\"count\":3,\"tags\":{\"a\":\"b\"},\"list\":[1,2],\"quote\":\"say \\\"hi\\\"\"}"),
                JSON.readTree(render(Target.withInputPath("t", "arn:x", "$.detail"))));
        assertEquals("\"RUNNING\"", render(Target.withInputPath("t", "arn:x", "$.detail.state")));
        assertEquals("2", render(Target.withInputPath("t", "arn:x", "$.detail.list[1]")));
    }

    @Test
    void simpleStringTemplate() throws Exception {
        assertEquals("\"instance i-0123456789 is in RUNNING\"", render(transformer("\"instance <instance> is in <state>\"")));
    }

    @Test
    void stringTemplateWithEscapedQuotes() throws Exception {
        assertEquals("\"instance \\\"i-0123456789\\\" is in RUNNING\"", render(transformer("\"instance \\\"<instance>\\\" is in <state>\"")));
    }

    @Test
    void unquotedStringTemplateGivesPlainText() throws Exception {
        assertEquals("i-0123456789 is in state RUNNING", render(transformer("<instance> is in state <state>")));
    }

    @Test
    void simpleJsonTemplateQuotesStringValues() throws Exception {
        assertEquals("{\"instance\":\"i-0123456789\",\"state\":\"RUNNING\"}",
                render(transformer("{\n  \"instance\" : <instance>,\n  \"state\": <state>\n}")));
    }

    @Test
    void jsonTemplateWithStringsAndVariables() throws Exception {
        assertEquals(JSON.readTree("{\"instance\":\"i-0123456789\",\"state\":\"RUNNING\",\"instanceStatus\":\"instance \\\"i-0123456789\\\" is in RUNNING\"}"),
                JSON.readTree(render(transformer("{\"instance\" : <instance>, \"state\": \"<state>\", \"instanceStatus\": \"instance \\\"<instance>\\\" is in <state>\"}"))));
    }

    @Test
    void jsonTemplateMixesVariablesAndStaticValues() throws Exception {
        assertEquals("{\"instance\":\"i-0123456789\",\"state\":[9,\"RUNNING\",true],\"Transformed\":\"Yes\"}",
                render(transformer("{\"instance\" : <instance>, \"state\": [ 9, <state>, true ], \"Transformed\" : \"Yes\"}")));
    }

    @Test
    void numbersAndObjectsKeepTheirJsonType() throws Exception {
        assertEquals("{\"n\":3,\"tags\":{\"a\":\"b\"},\"type\":\"EC2 Instance State-change Notification\"}",
                render(transformer("{\"n\": <count>, \"tags\": <tags>, \"type\": <type>}")));
    }

    @Test
    void valuesInsideQuotesAreEscapedSoTheOutputStaysJson() throws Exception {
        JsonNode out = JSON.readTree(render(transformer("{\"msg\": \"<quote> / <tags>\"}")));
        assertEquals("say \"hi\" / {\"a\":\"b\"}", out.get("msg").asText());
    }

    @Test
    void missingPathGivesNullOutsideQuotesAndNothingInside() throws Exception {
        assertEquals("{\"m\":null,\"s\":\"[]\"}", render(transformer("{\"m\": <missing>, \"s\": \"[<missing>]\"}")));
    }

    @Test
    void predefinedVariables() throws Exception {
        JsonNode out = JSON.readTree(render(transformer("""
                {"ruleArn": <aws.events.rule-arn>, "ruleName": <aws.events.rule-name>,
                 "original": <aws.events.event>, "full": <aws.events.event.json>,
                 "ingested": <aws.events.event.ingestion-time>}""")));
        assertEquals(RULE_ARN, out.get("ruleArn").asText());
        assertEquals("example", out.get("ruleName").asText());
        assertEquals("2015-11-11T21:29:55Z", out.get("ingested").asText());
        assertEquals(event(), out.get("full"));
        assertFalse(out.get("original").has("detail"), "aws.events.event is the event without detail");
        assertEquals("aws.ec2", out.get("original").get("source").asText());
    }

    @Test
    void predefinedVariableInAString() throws Exception {
        assertEquals("\"example triggered\"", render(transformer("\"<aws.events.rule-name> triggered\"")));
    }

    @Test
    void replayRequestedToStartExecutionInput() throws Exception {
        JsonNode replay = JSON.readTree("""
                {"version":"0","id":"e1","detail-type":"ReplayRequested","source":"playback","account":"000000000000",
                 "time":"2026-11-26T10:00:00Z","region":"us-east-1","resources":[],
                 "detail":{"replayId":"r-42","aggregateIds":["a-1"],"from":"2026-01-01T00:00:00Z"}}""");
        Target t = Target.withTransformer("sm", "arn:aws:states:us-east-1:000000000000:stateMachine:PartialReplay",
                new InputTransformer(Map.of("replayId", "$.detail.replayId", "ids", "$.detail.aggregateIds"),
                        "{\"replayId\": <replayId>, \"aggregateIds\": <ids>, \"requestedBy\": \"<aws.events.rule-name>\"}"));
        assertEquals("{\"replayId\":\"r-42\",\"aggregateIds\":[\"a-1\"],\"requestedBy\":\"ReplayRequested\"}",
                TargetInput.render(t, replay, "ReplayRequested", "arn", INGESTED));
    }

    @Test
    void jsonTemplateThatIsNotJsonAfterFillingIsAnErrorNamingTheTarget() {
        TargetInputException e = assertThrows(TargetInputException.class, () -> render(transformer("{\"a\": <instance> <state>}")));
        assertTrue(e.getMessage().startsWith("Target t (arn:aws:states"), e.getMessage());
    }

    @Test
    void targetsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new Target("t", "arn", "{}", "$.detail", null));
        assertThrows(IllegalArgumentException.class, () -> Target.withInput("t", "arn", "{not json"));
        assertThrows(IllegalArgumentException.class, () -> Target.withInputPath("t", "arn", "detail"));
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> new InputTransformer(Map.of("aws.events.rule-name", "$.x"), "<x>"));
        assertTrue(reserved.getMessage().contains("reserved"), reserved.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new InputTransformer(Map.of("x", "detail.x"), "<x>"));
        assertThrows(IllegalArgumentException.class, () -> new InputTransformer(Map.of(), ""));
    }
}
