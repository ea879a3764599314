package dev.playback.tools.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonDiffTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void the_differing_leaves_are_named_by_dotted_paths_with_array_indexes_in_brackets() throws Exception {
        JsonNode live = json("{\"balance\":\"10.00\",\"counts\":{\"deposits\":3,\"withdrawals\":1},\"items\":[{\"amount\":\"1\"},{\"amount\":\"2\"}],\"owner\":\"Ann\"}");
        JsonNode rebuilt = json("{\"balance\":\"9.92\",\"counts\":{\"deposits\":4,\"withdrawals\":1},\"items\":[{\"amount\":\"1\"},{\"amount\":\"3\"},{\"amount\":\"4\"}],\"owner\":\"Ann\"}");

        List<String> paths = JsonDiff.differences(live, rebuilt);

        assertEquals(List.of("balance", "counts.deposits", "items[1].amount", "items[2]"), paths);
    }

    @Test
    void a_field_only_one_side_has_differs_and_fields_of_the_right_side_come_last() throws Exception {
        assertEquals(List.of("a", "c"), JsonDiff.differences(json("{\"a\":1,\"b\":2}"), json("{\"b\":2,\"c\":3}")));
    }

    @Test
    void a_missing_side_differs_at_the_root_and_two_missing_sides_do_not_differ() throws Exception {
        assertEquals(List.of(""), JsonDiff.differences(null, json("{\"a\":1}")));
        assertEquals(List.of(""), JsonDiff.differences(json("{\"a\":1}"), json("null")));
        assertEquals(List.of(), JsonDiff.differences(null, json("null")));
    }

    @Test
    void numbers_are_compared_by_value_and_a_number_differs_from_the_same_digits_as_text() throws Exception {
        assertEquals(List.of(), JsonDiff.differences(json("{\"n\":1}"), json("{\"n\":1.0}")));
        assertEquals(List.of("n"), JsonDiff.differences(json("{\"n\":1}"), json("{\"n\":\"1\"}")));
        assertEquals(List.of("n"), JsonDiff.differences(json("{\"n\":{\"x\":1}}"), json("{\"n\":1}")));
    }

    @Test
    void equal_documents_have_no_differences() throws Exception {
        JsonNode doc = json("{\"a\":[1,{\"b\":null}],\"c\":true}");
        assertEquals(List.of(), JsonDiff.differences(doc, doc.deepCopy()));
    }

    @Test
    void a_correction_changes_the_top_level_fields_that_differ_from_the_last_sent_command() throws Exception {
        JsonNode sent = json("[{\"amount\":\"10.10\",\"currency\":\"EUR\"},{\"amount\":\"10.00\",\"currency\":\"EUR\",\"fee\":\"0.10\"}]");
        JsonNode wanted = json("{\"amount\":\"9.92\",\"currency\":\"EUR\",\"target\":\"USD\"}");

        List<JsonDiff.Change> changes = JsonDiff.changes(sent, wanted);

        assertEquals(List.of(new JsonDiff.Change("amount", "10.00", "9.92"), new JsonDiff.Change("fee", "0.10", null),
                new JsonDiff.Change("target", null, "USD")), changes);
    }

    @Test
    void an_effect_that_should_no_longer_exist_changes_every_field_to_absent_and_a_first_send_from_absent() throws Exception {
        assertEquals(List.of(new JsonDiff.Change("amount", "10.00", null)),
                JsonDiff.changes(json("[{\"amount\":\"10.00\"}]"), json("null")));
        assertEquals(List.of(new JsonDiff.Change("amount", null, "5.00"), new JsonDiff.Change("lines", null, "[1,2]")),
                JsonDiff.changes(json("[]"), json("{\"amount\":\"5.00\",\"lines\":[1,2]}")));
        assertEquals(List.of(), JsonDiff.changes(null, null));
    }
}
