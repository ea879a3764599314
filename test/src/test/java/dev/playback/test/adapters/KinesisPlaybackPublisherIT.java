package dev.playback.test.adapters;

import dev.playback.lambdas.aws.kinesis.KinesisPlaybackPublisher;
import dev.playback.lambdas.aws.kinesis.PlaybackRecords;
import dev.playback.model.replay.PlaybackPublisher;
import dev.playback.model.replay.PlaybackPublisherContract;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.util.List;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/** {@link KinesisPlaybackPublisher} keeps the playback-publisher contract on kinesalite: a fresh stream of two shards per test. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class KinesisPlaybackPublisherIT extends PlaybackPublisherContract {
    private static final KinesisClient KINESIS = Emulated.kinesis();
    private String stream;

    @Override
    protected PlaybackPublisher newPublisher() {
        stream = Emulated.stream(KINESIS, 2);
        return new KinesisPlaybackPublisher(KINESIS, stream);
    }

    @Override
    protected List<Put> onStream() {
        return Emulated.records(KINESIS, stream).stream()
                .map(r -> new Put(r.shardId(), r.sequenceNumber(), r.partitionKey(), PlaybackRecords.decode(r.data()))).toList();
    }
}
