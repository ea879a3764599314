package dev.playback.model.gateway;

import java.util.Optional;

/** Port: the recorded query answers (S3 in production). */
public interface QueryRecords {
    Optional<RecordedQuery> find(QueryKey key);

    /** Writes (or overwrites with the same content) the answer of {@code record.key()}. */
    void put(RecordedQuery record);
}
