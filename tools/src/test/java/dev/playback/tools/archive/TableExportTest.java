package dev.playback.tools.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TableExportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldDecodeEveryAttributeType_whenAnExportLineHoldsThemInDynamoDbJson() throws Exception {
        String line = """
                {"aggregateId":{"S":"acc-1"},"version":{"N":"12"},"raw":{"B":"aGk="},"ok":{"BOOL":true},"none":{"NULL":true},
                 "tags":{"SS":["a","b"]},"amounts":{"NS":["1.5","-2"]},"blobs":{"BS":["aGk=","eW8="]},
                 "nested":{"M":{"list":{"L":[{"S":"x"},{"N":"3"},{"M":{}}]}}}}""";

        Map<String, AttributeValue> item = TableExport.item(JSON.readTree(line));

        SdkBytes hi = SdkBytes.fromString("hi", StandardCharsets.UTF_8);
        assertEquals(Map.of("aggregateId", AttributeValue.fromS("acc-1"), "version", AttributeValue.fromN("12"), "raw", AttributeValue.fromB(hi),
                "ok", AttributeValue.fromBool(true), "none", AttributeValue.fromNul(true), "tags", AttributeValue.fromSs(List.of("a", "b")),
                "amounts", AttributeValue.fromNs(List.of("1.5", "-2")),
                "blobs", AttributeValue.fromBs(List.of(hi, SdkBytes.fromString("yo", StandardCharsets.UTF_8))),
                "nested", AttributeValue.fromM(Map.of("list", AttributeValue.fromL(List.of(AttributeValue.fromS("x"), AttributeValue.fromN("3"),
                        AttributeValue.fromM(Map.of())))))), item);
    }

    @Test
    void shouldRefuse_whenAnAttributeHasAnUnknownType() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> TableExport.item(JSON.readTree("{\"a\":{\"X\":\"1\"}}")));
    }
}
