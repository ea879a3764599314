package dev.playback.model.store;

import dev.playback.model.event.EventEnvelope;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Exactly-once appends without transactions (GUIDE §4). For each event, in stream order per aggregate:
 * <ol>
 *   <li>claim the event id with a conditional write that records the intended version
 *       (latest + 1), or the rejection when {@code expectedVersion} does not match;</li>
 *   <li>write the event at the claimed version.</li>
 * </ol>
 * A retry after a crash finds the claim and completes it; an event id seen before is a duplicate.
 * A claim whose version was taken meanwhile (its record was set aside and others went ahead) moves to
 * the next free version. Versions stay contiguous because only the pump, fed in shard order, writes an
 * aggregate. Aggregates of one batch are appended in parallel on {@code executor}.
 */
public final class Appender {
    private final EventLog log;
    private final Executor executor;

    public Appender(EventLog log, Executor executor) {
        this.log = log;
        this.executor = executor;
    }

    public Appender(EventLog log) {
        this(log, Runnable::run);
    }

    public List<AppendOutcome> append(List<EventEnvelope> events, Instant now) {
        Map<String, List<EventEnvelope>> byAggregate = new LinkedHashMap<>();
        Set<String> ids = new HashSet<>();
        List<AppendOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        for (EventEnvelope e : events) {
            if (!ids.add(e.eventId())) {
                outcomes.add(new AppendOutcome.Duplicate(e.eventId()));
                continue;
            }
            byAggregate.computeIfAbsent(e.aggregateId(), k -> new ArrayList<>()).add(e);
        }
        Map<String, EventStatus> statuses = ids.isEmpty() ? Map.of() : log.statuses(ids);
        List<EventEnvelope> toWrite = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (List<EventEnvelope> group : byAggregate.values()) {
            work.add(CompletableFuture.runAsync(() -> appendGroup(group, statuses, now, toWrite, outcomes), executor));
        }
        try {
            CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
        if (!toWrite.isEmpty()) log.write(List.copyOf(toWrite));
        return List.copyOf(outcomes);
    }

    private void appendGroup(List<EventEnvelope> group, Map<String, EventStatus> statuses, Instant now,
                             List<EventEnvelope> toWrite, List<AppendOutcome> outcomes) {
        String aggregateId = group.get(0).aggregateId();
        long latest = log.latestVersion(aggregateId);
        Map<Long, String> pending = new LinkedHashMap<>();
        for (EventEnvelope e : group) {
            EventStatus status = statuses.get(e.eventId());
            Long version = null;
            for (int attempt = 0; version == null; attempt++) {
                if (attempt > 5) throw new IllegalStateException("could not claim event " + e.eventId() + " after 5 attempts");
                if (status instanceof EventStatus.Rejected) {
                    outcomes.add(new AppendOutcome.Duplicate(e.eventId()));
                    break;
                }
                if (status instanceof EventStatus.Claimed c) {
                    if (!c.aggregateId().equals(aggregateId)) {
                        // The id was claimed for another aggregate: the client reused an idempotency key.
                        outcomes.add(new AppendOutcome.Duplicate(e.eventId()));
                        break;
                    }
                    if (c.version() <= latest) {
                        String holder = pending.containsKey(c.version()) ? pending.get(c.version())
                                : log.eventAt(aggregateId, c.version()).map(EventEnvelope::eventId).orElse(null);
                        if (e.eventId().equals(holder)) {
                            outcomes.add(new AppendOutcome.Duplicate(e.eventId(), aggregateId, c.version()));
                            break;
                        }
                        if (holder == null) {
                            // A hole below the latest version: a non-atomic write stored later events of this
                            // claim's batch but not this one. The claim still owns the slot; fill it.
                            version = c.version();
                            continue;
                        }
                    }
                    if (c.version() == latest + 1) {
                        version = c.version();
                    } else if (log.moveClaim(c, latest + 1)) {
                        version = latest + 1;
                    } else {
                        status = reread(e.eventId());
                    }
                    continue;
                }
                // Not seen before.
                if (e.expectedVersion() != null && e.expectedVersion() != latest) {
                    EventStatus.Rejected rejected = new EventStatus.Rejected(e.eventId(), aggregateId,
                            "expectedVersion " + e.expectedVersion() + " but aggregate " + aggregateId + " is at version " + latest, now);
                    if (log.record(rejected)) {
                        outcomes.add(new AppendOutcome.Rejected(e.eventId(), aggregateId, rejected.reason()));
                        break;
                    }
                } else {
                    EventStatus.Claimed claim = new EventStatus.Claimed(e.eventId(), aggregateId, latest + 1, now);
                    if (log.record(claim)) {
                        version = claim.version();
                        continue;
                    }
                }
                status = reread(e.eventId());
            }
            if (version != null) {
                toWrite.add(e.withVersion(version));
                pending.put(version, e.eventId());
                latest = Math.max(latest, version);
                outcomes.add(new AppendOutcome.Appended(e.eventId(), aggregateId, version));
            }
        }
    }

    private EventStatus reread(String eventId) {
        return Optional.ofNullable(log.statuses(List.of(eventId)).get(eventId)).orElse(null);
    }
}
