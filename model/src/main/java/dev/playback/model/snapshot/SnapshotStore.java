package dev.playback.model.snapshot;

import java.util.List;

/**
 * Port: the snapshots of processors' states, per processor, logic version and aggregate, by version. Derived data:
 * losing one costs a longer fold, never a wrong answer. Implementations: {@code dev.playback.lambdas.aws.dynamodb}
 * (its own table) and an in-memory one in the tests.
 */
public interface SnapshotStore {
    /** A store that has no snapshot: reading finds none; writing is refused. */
    SnapshotStore NONE = new SnapshotStore() {
        @Override
        public void put(Snapshot snapshot) {
            throw new UnsupportedOperationException("no snapshot store is configured: snapshot of " + snapshot.aggregateId() + " not written");
        }

        @Override
        public List<Snapshot> latest(String processor, String logicVersion, String aggregateId, long atMost, int limit) {
            return List.of();
        }

        @Override
        public void delete(String processor, String logicVersion, String aggregateId, long version) {
        }
    };

    /** Writes {@code snapshot}, replacing one at the same processor, logic version, aggregate and version. */
    void put(Snapshot snapshot);

    /**
     * The snapshots of the aggregate for this processor and logic version at or below {@code atMost}, newest first, at
     * most {@code limit}. Never those of another logic version.
     */
    List<Snapshot> latest(String processor, String logicVersion, String aggregateId, long atMost, int limit);

    /** Deletes the snapshot at {@code version} (nothing if there is none). */
    void delete(String processor, String logicVersion, String aggregateId, long version);
}
