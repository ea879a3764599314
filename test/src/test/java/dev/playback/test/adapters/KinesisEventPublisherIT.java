package dev.playback.test.adapters;

import dev.playback.lambdas.aws.kinesis.KinesisEventPublisher;
import dev.playback.lambdas.aws.kinesis.StreamRecords;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventPublisher;
import dev.playback.model.store.EventPublisherContract;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/** {@link KinesisEventPublisher} keeps the event-publisher contract on kinesalite: a fresh stream of two shards per test. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class KinesisEventPublisherIT extends EventPublisherContract {
    private static final KinesisClient KINESIS = Emulated.kinesis();
    private String stream;

    @Override
    protected EventPublisher newPublisher() {
        stream = Emulated.stream(KINESIS, 2);
        return new KinesisEventPublisher(KINESIS, stream);
    }

    @Override
    protected Map<String, List<EventEnvelope>> onStream() {
        Map<String, List<EventEnvelope>> out = new LinkedHashMap<>();
        for (Emulated.StreamRecord r : Emulated.records(KINESIS, stream)) {
            out.computeIfAbsent(r.partitionKey(), k -> new ArrayList<>()).addAll(StreamRecords.decode(r.data()));
        }
        return out;
    }
}
