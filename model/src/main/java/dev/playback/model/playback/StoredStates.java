package dev.playback.model.playback;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.StateStore;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The stored states of a batch's aggregates for one processor and generation, read in bulk before the batch is applied
 * (a BatchGetItem per 100 aggregates instead of a read per aggregate). Saves are conditional on what was read, so states
 * the store remembers may serve ({@link StateStore#loadAllRecent}); one behind the event its aggregate's events start
 * at (another writer applied events since) is read again, in bulk.
 */
final class StoredStates {
    private StoredStates() {
    }

    /** The lowest version among {@code events} (0 when none has one). */
    static long firstVersion(Collection<EventEnvelope> events) {
        return events.stream().mapToLong(EventEnvelope::versionOrZero).min().orElse(0);
    }

    /** Per aggregate, the lowest version of its events in the batch. */
    static Map<String, Long> firstVersions(Map<String, ? extends Collection<EventEnvelope>> byAggregate) {
        Map<String, Long> out = new HashMap<>();
        byAggregate.forEach((id, events) -> out.put(id, firstVersion(events)));
        return out;
    }

    /**
     * @param firstVersions per aggregate, the version of the first event the batch holds for it
     * @return per aggregate, its stored state; an aggregate without one is absent
     */
    static Map<String, ProcessorState> read(StateStore states, String processor, String generation, Map<String, Long> firstVersions) {
        Map<String, ProcessorState> recent = new HashMap<>(states.loadAllRecent(processor, generation, firstVersions.keySet()));
        List<String> behind = recent.values().stream().filter(s -> s.version() < firstVersions.get(s.aggregateId()) - 1)
                .map(ProcessorState::aggregateId).toList();
        if (!behind.isEmpty()) {
            behind.forEach(recent::remove);
            recent.putAll(states.loadAll(processor, generation, behind));
        }
        return recent;
    }
}
