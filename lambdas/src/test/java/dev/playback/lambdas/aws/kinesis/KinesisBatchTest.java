package dev.playback.lambdas.aws.kinesis;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import dev.playback.lambdas.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.playback.lambdas.aws.kinesis.KinesisBatches.batch;
import static dev.playback.lambdas.aws.kinesis.KinesisBatches.context;
import static dev.playback.lambdas.aws.kinesis.KinesisBatches.failures;
import static dev.playback.lambdas.aws.kinesis.KinesisBatches.record;
import static org.junit.jupiter.api.Assertions.assertEquals;

class KinesisBatchTest {
    private final InMemorySetAside setAside = new InMemorySetAside();
    private final KinesisBatch reading = new KinesisBatch(setAside, "counter", "number stream", "not a number: ");
    @RegisterExtension
    final LogCapture logs = new LogCapture();

    @Test
    void countsTheRecordsItSetsAsideOnceForTheBatchUnderItsFunction() {
        List<String> counted = new ArrayList<>();
        KinesisBatch counting = new KinesisBatch(setAside, "counter", "number stream", "not a number: ",
                (metric, value, n) -> counted.add(metric + " " + value + " " + n));

        counting.decode(batch(text("1", "x"), text("2", "y"), text("3", "3")), null, KinesisBatchTest::number);

        assertEquals(List.of("RecordsSetAside counter 2"), counted);
    }

    private static KinesisEvent.KinesisEventRecord text(String sequenceNumber, String text) {
        return record(sequenceNumber, "key-" + sequenceNumber, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A decoder of this test's own: the record's text as a number. */
    private static Integer number(KinesisEvent.KinesisEventRecord r) {
        String text = new String(StreamRecords.bytes(r.getKinesis().getData()), StandardCharsets.UTF_8);
        if (text.isEmpty() || !text.chars().allMatch(Character::isDigit)) throw new IllegalArgumentException("'" + text + "' has a non-digit");
        return Integer.valueOf(text);
    }

    @Test
    void decodesEveryRecordInBatchOrder() {
        List<Integer> decoded = reading.decode(batch(text("1", "30"), text("2", "10"), text("3", "20")), null, KinesisBatchTest::number);

        assertEquals(List.of(30, 10, 20), decoded);
        assertEquals(List.of(), setAside.keys());
    }

    @Test
    void setsAsideARecordTheDecoderRefusesWithItsBytesAndReasonAndDecodesTheRest() {
        List<String> lines = new ArrayList<>();

        List<Integer> decoded = reading.decode(batch(text("1", "30"), text("2", "thirty"), text("3", "20")), context(lines),
                KinesisBatchTest::number);

        assertEquals(List.of(30, 20), decoded);
        assertEquals(List.of("shardId-000000000000/2"), setAside.keys());
        SetAside.Entry kept = setAside.get("shardId-000000000000/2");
        assertEquals(List.of("shardId-000000000000", "2", "key-2", "not a number: 'thirty' has a non-digit", "thirty"),
                List.of(kept.shardId(), kept.sequenceNumber(), kept.partitionKey(), kept.reason(),
                        new String(kept.data(), StandardCharsets.UTF_8)));
        assertEquals(List.of("counter: record 2 of shardId-000000000000 set aside (not a number: 'thirty' has a non-digit); "
                + "`playback redrive` puts it back on the number stream"), logs.messages());
    }

    @Test
    void retriesTheRecordsNamedEachOnceInTheOrderGiven() {
        assertEquals(List.of("7", "3", "9"), failures(KinesisBatch.retry(List.of("7", "3", "7", "9", "3"))));
    }

    @Test
    void aBatchThatIsDoneRetriesNothing() {
        assertEquals(List.of(), failures(KinesisBatch.done()));
    }
}
