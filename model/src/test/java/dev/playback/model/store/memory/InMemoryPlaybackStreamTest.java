package dev.playback.model.store.memory;

import dev.playback.model.replay.PlaybackPublisher;
import dev.playback.model.replay.PlaybackPublisherContract;

import java.util.List;

class InMemoryPlaybackStreamTest extends PlaybackPublisherContract {
    private InMemoryPlaybackStream stream;

    @Override
    protected PlaybackPublisher newPublisher() {
        stream = new InMemoryPlaybackStream(2);
        return stream;
    }

    @Override
    protected List<Put> onStream() {
        return stream.entries().stream().map(e -> new Put(e.shardId(), e.sequenceNumber(), e.record().aggregateId(), e.record())).toList();
    }
}
