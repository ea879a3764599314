package dev.playback.model.gateway;

import java.util.Optional;

/** Port: the recorded query answers (S3 in production). Write-once: the first answer recorded for a key is kept. */
public interface QueryRecords {
    Optional<RecordedQuery> find(QueryKey key);

    /**
     * Records the answer of {@code record.key()} unless an answer is recorded for that key already, and returns the
     * recorded one: {@code record}, or the answer recorded first (by an earlier send of the event, or a concurrent
     * session), which is never replaced. Callers use the returned answer, so every run sees the same one.
     */
    RecordedQuery put(RecordedQuery record);
}
