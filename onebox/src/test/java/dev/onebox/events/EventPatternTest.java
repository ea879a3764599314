package dev.onebox.events;

import dev.onebox.events.pattern.EventPattern;
import dev.onebox.events.pattern.InvalidEventPatternException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Pattern semantics, case by case from the EventBridge and Event Ruler documentation. */
class EventPatternTest {

    /** The EC2 example event of the EventBridge / Event Ruler docs. */
    private static final String EC2 = """
            {"version":"0","id":"ddddd4-aaaa-7777-4444-345dd43cc333",
             "detail-type":"EC2 Instance State-change Notification","source":"aws.ec2",
             "account":"012345679012","time":"2017-10-02T16:24:49Z","region":"us-east-1",
             "resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
             "detail":{"c-count":5,"d-count":3,"x-limit":301.8,"source-ip":"10.0.0.33",
                       "instance-id":"i-000000aaaaaa00000","state":"running"}}""";

    private static final String REPLAY = """
            {"version":"0","id":"1","detail-type":"ReplayRequested","source":"playback","account":"000000000000",
             "time":"2026-11-26T03:00:00Z","region":"us-east-1","resources":[],
             "detail":{"replayId":"r-1","aggregateIds":["a-1","a-2"],"eventTypes":["Deposited"],
                       "window":{"from":"2026-01-01T00:00:00Z","to":null},"count":0,
                       "file":"Photo.PNG","path":"/usr/lib/x","ipv6":"2001:db8::1","flag":true,"empty":"",
                       "nested":{"c1":100},"items":[{"sku":"a","qty":1},{"sku":"b","qty":5}]}}""";

    static Stream<Arguments> cases() {
        return Stream.of(
                // exact values; arrays in the pattern are OR
                arguments("docs simple matching", EC2, """
                        {"detail-type":["EC2 Instance State-change Notification"],
                         "resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
                         "detail":{"state":["initializing","running"]}}""", true),
                arguments("value not in list", EC2, "{\"detail\":{\"state\":[\"stopped\",\"pending\"]}}", false),
                arguments("the ReplayRequested rule", REPLAY, "{\"source\":[\"playback\"],\"detail-type\":[\"ReplayRequested\"]}", true),
                arguments("other detail-type", REPLAY, "{\"source\":[\"playback\"],\"detail-type\":[\"RebuildRequested\"]}", false),
                arguments("case sensitive exact", REPLAY, "{\"source\":[\"Playback\"]}", false),
                arguments("field missing from event does not match", REPLAY, "{\"detail\":{\"nope\":[\"x\"]}}", false),
                arguments("number matches by value", EC2, "{\"detail\":{\"x-limit\":[301.80]}}", true),
                arguments("string does not match number", EC2, "{\"detail\":{\"c-count\":[\"5\"]}}", false),
                arguments("boolean", REPLAY, "{\"detail\":{\"flag\":[true]}}", true),
                arguments("null matches null", REPLAY, "{\"detail\":{\"window\":{\"to\":[null]}}}", true),
                arguments("empty string matches empty string", REPLAY, "{\"detail\":{\"empty\":[\"\"]}}", true),
                arguments("null does not match empty string", REPLAY, "{\"detail\":{\"empty\":[null]}}", false),
                arguments("empty string does not match null", REPLAY, "{\"detail\":{\"window\":{\"to\":[\"\"]}}}", false),
                // arrays in the event: any element
                arguments("event array: any element", REPLAY, "{\"detail\":{\"aggregateIds\":[\"a-2\",\"z\"]}}", true),
                arguments("event array: no element", REPLAY, "{\"detail\":{\"aggregateIds\":[\"z\"]}}", false),
                arguments("array of objects: field of one element", REPLAY, "{\"detail\":{\"items\":{\"sku\":[\"b\"]}}}", true),
                arguments("array of objects: fields of one element", REPLAY, "{\"detail\":{\"items\":{\"sku\":[\"b\"],\"qty\":[5]}}}", true),
                arguments("array of objects: fields of different elements", REPLAY, "{\"detail\":{\"items\":{\"sku\":[\"a\"],\"qty\":[5]}}}", false),
                // prefix / suffix / equals-ignore-case
                arguments("prefix", EC2, "{\"time\":[{\"prefix\":\"2017-10-02\"}]}", true),
                arguments("prefix no", EC2, "{\"time\":[{\"prefix\":\"2018\"}]}", false),
                arguments("prefix only on strings", EC2, "{\"detail\":{\"c-count\":[{\"prefix\":\"5\"}]}}", false),
                arguments("prefix ignore case", EC2, "{\"source\":[{\"prefix\":{\"equals-ignore-case\":\"AWS.\"}}]}", true),
                arguments("suffix", EC2, "{\"source\":[{\"suffix\":\"ec2\"}]}", true),
                arguments("suffix case sensitive", REPLAY, "{\"detail\":{\"file\":[{\"suffix\":\".png\"}]}}", false),
                arguments("suffix ignore case", REPLAY, "{\"detail\":{\"file\":[{\"suffix\":{\"equals-ignore-case\":\".png\"}}]}}", true),
                arguments("equals-ignore-case", EC2, "{\"source\":[{\"equals-ignore-case\":\"AWS.EC2\"}]}", true),
                arguments("equals-ignore-case no", EC2, "{\"source\":[{\"equals-ignore-case\":\"aws.ec\"}]}", false),
                // wildcard
                arguments("wildcard", EC2, "{\"detail-type\":[{\"wildcard\":\"EC2*change*\"}]}", true),
                arguments("wildcard whole value", EC2, "{\"detail-type\":[{\"wildcard\":\"EC2*State\"}]}", false),
                arguments("wildcard escaped star is literal", REPLAY, "{\"detail\":{\"path\":[{\"wildcard\":\"/usr/\\\\*\"}]}}", false),
                // anything-but
                arguments("anything-but string", EC2, "{\"detail\":{\"state\":[{\"anything-but\":\"initializing\"}]}}", true),
                arguments("anything-but string equal", EC2, "{\"detail\":{\"state\":[{\"anything-but\":\"running\"}]}}", false),
                arguments("anything-but number", EC2, "{\"detail\":{\"x-limit\":[{\"anything-but\":123}]}}", true),
                arguments("anything-but list of strings", EC2, "{\"detail\":{\"state\":[{\"anything-but\":[\"stopped\",\"running\"]}]}}", false),
                arguments("anything-but list of numbers", EC2, "{\"detail\":{\"c-count\":[{\"anything-but\":[100,200,300]}]}}", true),
                arguments("anything-but prefix", EC2, "{\"detail\":{\"state\":[{\"anything-but\":{\"prefix\":\"init\"}}]}}", true),
                arguments("anything-but prefix hit", EC2, "{\"detail\":{\"state\":[{\"anything-but\":{\"prefix\":\"run\"}}]}}", false),
                arguments("anything-but suffix", REPLAY, "{\"detail\":{\"file\":[{\"anything-but\":{\"suffix\":\".PNG\"}}]}}", false),
                arguments("anything-but equals-ignore-case list", EC2, "{\"detail\":{\"state\":[{\"anything-but\":{\"equals-ignore-case\":[\"RUNNING\",\"x\"]}}]}}", false),
                arguments("anything-but wildcard", REPLAY, "{\"detail\":{\"path\":[{\"anything-but\":{\"wildcard\":\"*/lib/*\"}}]}}", false),
                arguments("anything-but needs the field", REPLAY, "{\"detail\":{\"nope\":[{\"anything-but\":\"x\"}]}}", false),
                // numeric
                arguments("docs numeric", EC2, """
                        {"detail":{"c-count":[{"numeric":[">",0,"<=",5]}],"d-count":[{"numeric":["<",10]}],
                                   "x-limit":[{"numeric":["=",3.018e2]}]}}""", true),
                arguments("numeric upper bound exclusive", EC2, "{\"detail\":{\"c-count\":[{\"numeric\":[\">\",0,\"<\",5]}]}}", false),
                arguments("numeric >=", REPLAY, "{\"detail\":{\"count\":[{\"numeric\":[\">=\",0]}]}}", true),
                arguments("numeric only on numbers", REPLAY, "{\"detail\":{\"replayId\":[{\"numeric\":[\">\",0]}]}}", false),
                arguments("numeric over an array", REPLAY, "{\"detail\":{\"items\":{\"qty\":[{\"numeric\":[\">\",4]}]}}}", true),
                // exists
                arguments("exists true", EC2, "{\"detail\":{\"c-count\":[{\"exists\":true}]}}", true),
                arguments("exists true missing", EC2, "{\"detail\":{\"nope\":[{\"exists\":true}]}}", false),
                arguments("exists false missing", EC2, "{\"detail\":{\"nope\":[{\"exists\":false}]}}", true),
                arguments("exists false present", EC2, "{\"detail\":{\"c-count\":[{\"exists\":false}]}}", false),
                arguments("exists false on an intermediate node matches (leaf only)", REPLAY, "{\"detail\":{\"nested\":[{\"exists\":false}]}}", true),
                arguments("exists true on an intermediate node does not match", REPLAY, "{\"detail\":{\"nested\":[{\"exists\":true}]}}", false),
                arguments("exists true on null", REPLAY, "{\"detail\":{\"window\":{\"to\":[{\"exists\":true}]}}}", true),
                arguments("exists false when parent missing", REPLAY, "{\"nothing\":{\"here\":[{\"exists\":false}]}}", true),
                // cidr
                arguments("cidr v4", EC2, "{\"detail\":{\"source-ip\":[{\"cidr\":\"10.0.0.0/24\"}]}}", true),
                arguments("cidr v4 outside", EC2, "{\"detail\":{\"source-ip\":[{\"cidr\":\"10.0.1.0/24\"}]}}", false),
                arguments("cidr v4 odd prefix", EC2, "{\"detail\":{\"source-ip\":[{\"cidr\":\"10.0.0.32/27\"}]}}", true),
                arguments("cidr v6", REPLAY, "{\"detail\":{\"ipv6\":[{\"cidr\":\"2001:db8::/32\"}]}}", true),
                arguments("cidr v6 outside", REPLAY, "{\"detail\":{\"ipv6\":[{\"cidr\":\"2001:db9::/32\"}]}}", false),
                arguments("cidr on a non-address", REPLAY, "{\"detail\":{\"replayId\":[{\"cidr\":\"10.0.0.0/8\"}]}}", false),
                // $or
                arguments("$or one branch", EC2, """
                        {"source":["aws.ec2"],"$or":[{"detail":{"state":["stopped"]}},{"detail":{"c-count":[5]}}]}""", true),
                arguments("$or no branch", EC2, """
                        {"$or":[{"detail":{"state":["stopped"]}},{"detail":{"c-count":[6]}}]}""", false),
                arguments("$or nested in detail", EC2, """
                        {"detail":{"$or":[{"state":["x"]},{"instance-id":[{"prefix":"i-"}]}]}}""", true),
                arguments("$or with an AND branch", EC2, """
                        {"$or":[{"source":["x"]},{"source":["aws.ec2"],"detail":{"d-count":[3],"$or":[{"state":["a"]},{"state":["running"]}]}}]}""", true),
                arguments("mixed list: value or filter", EC2, "{\"detail\":{\"state\":[\"stopped\",{\"prefix\":\"run\"}]}}", true)
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesLikeEventBridge(String description, String event, String pattern, boolean expected) {
        assertEquals(expected, EventPattern.compile(pattern).matches(event), description + ": " + pattern);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("not JSON", "{\"source\":", "not valid JSON"),
                arguments("not an object", "[\"playback\"]", "must be a JSON object"),
                arguments("empty", "{}", "empty objects"),
                arguments("scalar value", "{\"source\":\"playback\"}", "\"source\": match values must be inside an array"),
                arguments("empty array", "{\"source\":[]}", "\"source\": empty arrays"),
                arguments("nested array", "{\"source\":[[\"a\"]]}", "arrays inside"),
                arguments("unknown filter", "{\"detail\":{\"a\":[{\"contains\":\"x\"}]}}", "\"detail.a\": unrecognized match type contains"),
                arguments("two keys in a filter", "{\"a\":[{\"prefix\":\"x\",\"suffix\":\"y\"}]}", "exactly one match type"),
                arguments("prefix not a string", "{\"a\":[{\"prefix\":5}]}", "prefix match pattern must be a string"),
                arguments("exists not boolean", "{\"a\":[{\"exists\":\"yes\"}]}", "exists match pattern must be either true or false"),
                arguments("numeric bad operator", "{\"a\":[{\"numeric\":[\"=>\",5]}]}", "numeric operator \"=>\""),
                arguments("numeric bad range", "{\"a\":[{\"numeric\":[\"<\",5,\">\",1]}]}", "numeric range"),
                arguments("numeric bottom above top", "{\"a\":[{\"numeric\":[\">\",5,\"<\",1]}]}", "bottom must be less than top"),
                arguments("numeric value a string", "{\"a\":[{\"numeric\":[\">\",\"5\"]}]}", "numeric value must be a number"),
                arguments("numeric out of range", "{\"a\":[{\"numeric\":[\">\",6e9]}]}", "outside -5.0E9..5.0E9"),
                arguments("anything-but mixed list", "{\"a\":[{\"anything-but\":[\"x\",1]}]}", "only strings or only numbers"),
                arguments("anything-but null", "{\"a\":[{\"anything-but\":null}]}", "anything-but must be"),
                arguments("anything-but unknown op", "{\"a\":[{\"anything-but\":{\"numeric\":[\">\",1]}}]}", "unsupported anything-but match type numeric"),
                arguments("cidr bad", "{\"a\":[{\"cidr\":\"10.0.0.300/8\"}]}", "nonstandard IP address"),
                arguments("cidr bad prefix", "{\"a\":[{\"cidr\":\"10.0.0.0/33\"}]}", "prefix length"),
                arguments("wildcard double star", "{\"a\":[{\"wildcard\":\"a**b\"}]}", "consecutive wildcard"),
                arguments("wildcard bad escape", "{\"a\":[{\"wildcard\":\"a\\\\b\"}]}", "backslash"),
                arguments("$or with one branch", "{\"$or\":[{\"a\":[\"x\"]}]}", "at least two alternatives"),
                arguments("bad branch of $or", "{\"$or\":[{\"a\":[\"x\"]},{\"b\":\"y\"}]}", "\"$or[1].b\"")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejectsInvalidPatternsNamingTheField(String description, String pattern, String messagePart) {
        InvalidEventPatternException e = assertThrows(InvalidEventPatternException.class, () -> EventPattern.compile(pattern));
        assertTrue(e.getMessage().startsWith("Event pattern is not valid. Reason: "), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), description + " -> " + e.getMessage());
    }

    @Test
    void ruleNamesItselfInPatternErrors() {
        EventBus bus = new EventBus((arn, input) -> { }, EventBusSettings.defaults().withDeliveryExecutor(Runnable::run));
        InvalidEventPatternException e = assertThrows(InvalidEventPatternException.class,
                () -> bus.putRule(new Rule("ReplayRule", "{\"source\":\"playback\"}", java.util.List.of())));
        assertTrue(e.getMessage().contains("(in rule ReplayRule)"), e.getMessage());
    }
}
