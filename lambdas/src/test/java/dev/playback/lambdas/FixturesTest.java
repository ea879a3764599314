package dev.playback.lambdas;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import dev.playback.lambdas.aws.kinesis.StreamRecords;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fixtures read as Lambda's serializer reads the events on AWS: the names, encodings and times of the JSON. */
class FixturesTest {
    @Test
    void readsAKinesisBatchWithItsBase64DataSequenceNumbersAndArrivalTimes() {
        KinesisEvent batch = Fixtures.kinesis("kinesis-event-stream.json");

        assertEquals(2, batch.getRecords().size());
        KinesisEvent.KinesisEventRecord first = batch.getRecords().get(0);
        assertEquals("shardId-000000000000:49650000000000000000000000000000000000000000000000000001", first.getEventID());
        assertEquals(List.of("aws:kinesis", "aws:kinesis:record", "us-east-1",
                        "arn:aws:kinesis:us-east-1:123456789012:stream/playback-EventStream-1A2B3C4D5E6F"),
                List.of(first.getEventSource(), first.getEventName(), first.getAwsRegion(), first.getEventSourceARN()));
        KinesisEvent.Record kinesis = first.getKinesis();
        assertEquals("acc-1", kinesis.getPartitionKey());
        assertEquals("49650000000000000000000000000000000000000000000000000001", kinesis.getSequenceNumber());
        assertEquals(Instant.parse("2026-03-01T09:58:00.125Z"), kinesis.getApproximateArrivalTimestamp().toInstant());
        String data = new String(StreamRecords.bytes(kinesis.getData()), StandardCharsets.UTF_8);
        assertTrue(data.startsWith("[{\"eventId\":\"a1\",\"aggregateId\":\"acc-1\",\"type\":\"AccountOpened\""), data);
    }

    @Test
    void readsAnHttpApiRequestOfPayloadFormatOne() {
        APIGatewayProxyRequestEvent request = Fixtures.api("api-get-aggregate-events.json");

        assertEquals(List.of("1.0", "GET", "/aggregates/{aggregateId}/events", "/aggregates/acc-1/events"),
                List.of(request.getVersion(), request.getHttpMethod(), request.getResource(), request.getPath()));
        assertEquals(Map.of("aggregateId", "acc-1"), request.getPathParameters());
        assertEquals(Map.of("fromVersion", "1", "limit", "2"), request.getQueryStringParameters());
        assertEquals(List.of("2"), request.getMultiValueQueryStringParameters().get("limit"));
        assertFalse(request.getIsBase64Encoded());
        assertEquals(List.of("123456789012", "$default", "arn:aws:sts::123456789012:assumed-role/playback-writer/ada"),
                List.of(request.getRequestContext().getAccountId(), request.getRequestContext().getStage(),
                        request.getRequestContext().getIdentity().getUserArn()));
    }

    @Test
    void namesAFixtureThatIsNotThere() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fixtures.api("api-nowhere.json"));

        assertTrue(e.getMessage().contains("/events/api-nowhere.json"), e.getMessage());
    }
}
