package dev.playback.model.store;

import dev.playback.model.event.EventEnvelope;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Port: reading the events table, the system of record. Payloads kept aside (claim check) come back resolved. */
public interface EventStore {
    /** Events of one aggregate with version >= {@code fromVersion}, in version order, at most {@code limit}. */
    List<EventEnvelope> read(String aggregateId, long fromVersion, int limit);

    /** The status of each given event id that the pump has seen; ids not seen yet are absent. */
    Map<String, EventStatus> statuses(Collection<String> eventIds);
}
