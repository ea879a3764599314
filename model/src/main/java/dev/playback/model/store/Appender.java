package dev.playback.model.store;

import dev.playback.model.batch.PerAggregate;
import dev.playback.model.event.EventEnvelope;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
 * Exactly-once appends without transactions (GUIDE §4). Per batch, in stream order per aggregate:
 * <ol>
 *   <li>read the statuses of the batch's event ids and the aggregates' latest versions;</li>
 *   <li>record a claim for each new event id with its intended version (latest + 1) and its
 *       {@link ContentHash}, or the rejection with its reason: {@code expectedVersion} does not match, or the
 *       event can never be stored ({@link EventLog#unstorable}); each only if the id has no status yet
 *       ({@link EventLog#recordAll}). An id found recorded meanwhile is read again: the status this append meant to
 *       record (an earlier attempt of the same write) is its own; any other (the same id sent for another aggregate
 *       or with other content, claimed by another pump in between) is decided again in the next round, where it is
 *       a conflict as if the first read had seen it, and the later events of its aggregate in this batch with it;</li>
 *   <li>write the events at their claimed versions, conditionally ({@link EventLog#write}); a slot found taken is
 *       read again and decided again: the same event is a duplicate, another one moves the claim on.</li>
 * </ol>
 * A retry after a crash finds the claims and completes them; an event id seen before with the same content is a
 * duplicate, with other content or for another aggregate a conflict, recorded with the id's status and not
 * appended. A claim whose version would change (its slot was taken meanwhile) is checked against its
 * {@code expectedVersion} again and rejected when that no longer holds. A rejection decided after a new claim of
 * its aggregate in this batch depends on that claim's version, so it is recorded once the claims stand. Aggregates
 * of one batch are decided in parallel on {@code executor}.
 */
public final class Appender {
    private static final int ROUNDS = 5;

    private final EventLog log;
    private final Executor executor;

    public Appender(EventLog log, Executor executor) {
        this.log = log;
        this.executor = executor;
    }

    public Appender(EventLog log) {
        this(log, Runnable::run);
    }

    /**
     * What was decided for the events of one aggregate. {@code afterClaim}: rejections decided after a new claim of
     * the aggregate, recorded once that claim stands.
     */
    private record Decision(Map<String, AppendOutcome> outcomes, List<EventStatus> toRecord, List<EventStatus> afterClaim,
                            List<EventEnvelope> toWrite, Map<String, String> conflicts) {
        Decision() {
            this(new LinkedHashMap<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new LinkedHashMap<>());
        }
    }

    public List<AppendOutcome> append(List<EventEnvelope> events, Instant now) {
        Map<String, EventEnvelope> first = new LinkedHashMap<>();
        for (EventEnvelope e : events) first.putIfAbsent(e.eventId(), e);
        Map<String, List<EventEnvelope>> byAggregate = PerAggregate.group(first.values(), EventEnvelope::aggregateId);
        Map<String, AppendOutcome> outcomes = new HashMap<>();
        Map<String, String> conflicts = new LinkedHashMap<>();
        Map<String, List<EventEnvelope>> pending = byAggregate;
        for (int round = 0; !pending.isEmpty(); round++) {
            if (round >= ROUNDS) {
                throw new IllegalStateException("the versions claimed for aggregates " + pending.keySet()
                        + " were taken by other events in " + ROUNDS + " rounds; the batch is retried");
            }
            Set<String> ids = new HashSet<>();
            pending.values().forEach(g -> g.forEach(e -> ids.add(e.eventId())));
            Map<String, EventStatus> statuses = log.statuses(ids);
            Map<String, Long> latest = log.latestVersions(pending.keySet());
            List<CompletableFuture<Decision>> work = new ArrayList<>();
            for (List<EventEnvelope> group : pending.values()) {
                long stored = latest.getOrDefault(group.get(0).aggregateId(), 0L);
                work.add(CompletableFuture.supplyAsync(() -> decide(group, statuses, stored, now), executor));
            }
            List<Decision> decisions = join(work);
            List<EventStatus> toRecord = new ArrayList<>();
            List<EventStatus> afterClaim = new ArrayList<>();
            List<EventEnvelope> toWrite = new ArrayList<>();
            for (Decision d : decisions) {
                outcomes.putAll(d.outcomes());
                toRecord.addAll(d.toRecord());
                afterClaim.addAll(d.afterClaim());
                toWrite.addAll(d.toWrite());
                conflicts.putAll(d.conflicts());
            }
            // Claims and rejections first: a crash before the events are written leaves claims a retry completes.
            Set<String> lost = lostRecords(toRecord);
            // An id claimed by another event meanwhile: it and the events after it in its aggregate (their versions
            // and guards counted on it) are decided again in the next round.
            Set<String> retry = new HashSet<>(lost);
            Set<String> unrecorded = new HashSet<>();
            afterClaim.forEach(st -> unrecorded.add(st.eventId()));
            toWrite.forEach(e -> unrecorded.add(e.eventId()));
            for (List<EventEnvelope> group : pending.values()) {
                boolean cut = false;
                for (EventEnvelope e : group) {
                    if (cut && unrecorded.contains(e.eventId())) retry.add(e.eventId());
                    if (lost.contains(e.eventId())) cut = true;
                }
            }
            retry.addAll(lostRecords(afterClaim.stream().filter(st -> !retry.contains(st.eventId())).toList()));
            List<EventEnvelope> writing = toWrite.stream().filter(e -> !retry.contains(e.eventId())).toList();
            List<EventEnvelope> notWritten = writing.isEmpty() ? List.of() : log.write(writing);
            notWritten.forEach(e -> retry.add(e.eventId()));
            pending = PerAggregate.group(pending.values().stream().flatMap(List::stream).filter(e -> retry.contains(e.eventId())).toList(),
                    EventEnvelope::aggregateId);
        }
        // Conflicting sends of one id within this batch: the first one decided, the others conflict with it.
        for (EventEnvelope e : events) {
            EventEnvelope kept = first.get(e.eventId());
            if (kept != e && conflicting(e, kept.aggregateId(), ContentHash.of(kept))) {
                conflicts.put(e.eventId() + "|" + ContentHash.of(e) + "|" + e.aggregateId(),
                        conflictReason(e, kept.aggregateId(), ContentHash.of(kept)));
            }
        }
        // After the statuses exist: a conflict is recorded next to the status of its id.
        conflicts.forEach((key, reason) -> log.recordConflict(key.substring(0, key.indexOf('|')), reason));

        List<AppendOutcome> out = new ArrayList<>();
        for (EventEnvelope e : events) {
            EventEnvelope kept = first.get(e.eventId());
            if (kept == e) {
                out.add(outcomes.get(e.eventId()));
            } else if (conflicting(e, kept.aggregateId(), ContentHash.of(kept))) {
                out.add(new AppendOutcome.Conflict(e.eventId(), e.aggregateId(), conflictReason(e, kept.aggregateId(), ContentHash.of(kept))));
            } else {
                out.add(new AppendOutcome.Duplicate(e.eventId()));
            }
        }
        return List.copyOf(out);
    }

    /**
     * Records the statuses of new ids, each only if its id has none yet; returns the ids found recorded with a status
     * other than the one meant here (an equal one is an earlier attempt of this same write, so the id is ours).
     */
    private Set<String> lostRecords(List<EventStatus> toRecord) {
        if (toRecord.isEmpty()) return Set.of();
        Set<String> taken = log.recordAll(toRecord);
        if (taken.isEmpty()) return Set.of();
        Map<String, EventStatus> stored = log.statuses(taken);
        Set<String> lost = new HashSet<>();
        for (EventStatus meant : toRecord) {
            if (taken.contains(meant.eventId()) && !same(meant, stored.get(meant.eventId()))) lost.add(meant.eventId());
        }
        return lost;
    }

    /** Whether {@code stored} is the status {@code meant}: the same aggregate, content and decision. */
    private static boolean same(EventStatus meant, EventStatus stored) {
        if (stored == null || !meant.aggregateId().equals(stored.aggregateId()) || !java.util.Objects.equals(meant.hash(), stored.hash())) {
            return false;
        }
        if (meant instanceof EventStatus.Claimed m) return stored instanceof EventStatus.Claimed c && c.version() == m.version();
        return stored instanceof EventStatus.Rejected r && r.reason().equals(((EventStatus.Rejected) meant).reason());
    }

    private static List<Decision> join(List<CompletableFuture<Decision>> work) {
        try {
            CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
        return work.stream().map(CompletableFuture::join).toList();
    }

    private static boolean conflicting(EventEnvelope e, String aggregateId, String hash) {
        return !aggregateId.equals(e.aggregateId()) || (hash != null && !hash.equals(ContentHash.of(e)));
    }

    private static String conflictReason(EventEnvelope e, String aggregateId, String hash) {
        return "eventId " + e.eventId() + " sent again for aggregate " + e.aggregateId() + " with content "
                + ContentHash.of(e) + ", but it names the event of aggregate " + aggregateId
                + (hash == null ? "" : " with content " + hash) + ": the later send is not appended";
    }

    private Decision decide(List<EventEnvelope> group, Map<String, EventStatus> statuses, long latestStored, Instant now) {
        Decision d = new Decision();
        String aggregateId = group.get(0).aggregateId();
        long latest = latestStored;
        boolean claimedNew = false;
        Map<Long, String> pending = new LinkedHashMap<>();
        for (EventEnvelope e : group) {
            EventStatus status = statuses.get(e.eventId());
            String hash = ContentHash.of(e);
            Long version = null;
            for (int attempt = 0; version == null; attempt++) {
                if (attempt > 5) throw new IllegalStateException("could not claim event " + e.eventId() + " after 5 attempts");
                if (status != null && conflicting(e, status.aggregateId(), status.hash())) {
                    String reason = conflictReason(e, status.aggregateId(), status.hash());
                    d.conflicts().put(e.eventId() + "|" + hash + "|" + aggregateId, reason);
                    d.outcomes().put(e.eventId(), new AppendOutcome.Conflict(e.eventId(), aggregateId, reason));
                    break;
                }
                if (status instanceof EventStatus.Rejected) {
                    d.outcomes().put(e.eventId(), new AppendOutcome.Duplicate(e.eventId()));
                    break;
                }
                if (status instanceof EventStatus.Claimed c) {
                    if (c.version() <= latest) {
                        String holder = pending.containsKey(c.version()) ? pending.get(c.version())
                                : log.eventAt(aggregateId, c.version()).map(EventEnvelope::eventId).orElse(null);
                        if (e.eventId().equals(holder)) {
                            d.outcomes().put(e.eventId(), new AppendOutcome.Duplicate(e.eventId(), aggregateId, c.version()));
                            break;
                        }
                        if (holder == null) {
                            // A hole below the latest version (left by a write of an older pump): the claim still
                            // owns the slot; fill it.
                            Optional<String> problem = log.unstorable(e);
                            if (problem.isPresent()) {
                                if (reject(c, problem.get(), now, d)) break;
                                status = reread(e.eventId());
                                continue;
                            }
                            version = c.version();
                            continue;
                        }
                    }
                    Optional<String> problem = log.unstorable(e);
                    if (problem.isPresent()) {
                        if (reject(c, problem.get(), now, d)) break;
                        status = reread(e.eventId());
                        continue;
                    }
                    if (c.version() == latest + 1) {
                        version = c.version();
                        continue;
                    }
                    // The claim's version changes: the guard it was claimed under must still hold.
                    if (e.expectedVersion() != null && e.expectedVersion() != latest) {
                        if (reject(c, expectedVersionReason(e, latest), now, d)) break;
                    } else if (log.moveClaim(c, latest + 1)) {
                        version = latest + 1;
                        continue;
                    }
                    // The claim changed under this append: another pump moved or rejected it, deciding from a newer
                    // latest version than the one read here (it may have written the event already), so both are read
                    // again; deciding on the stale latest would move the claim back below the event's stored version.
                    latest = Math.max(latest, log.latestVersion(aggregateId));
                    status = reread(e.eventId());
                    continue;
                }
                // Not seen before: recorded in bulk with the rest of the batch, before its events are written.
                Optional<String> problem = log.unstorable(e);
                String reason = problem.orElse(e.expectedVersion() != null && e.expectedVersion() != latest
                        ? expectedVersionReason(e, latest) : null);
                if (reason != null) {
                    (claimedNew ? d.afterClaim() : d.toRecord()).add(new EventStatus.Rejected(e.eventId(), aggregateId, reason, now, hash, List.of()));
                    d.outcomes().put(e.eventId(), new AppendOutcome.Rejected(e.eventId(), aggregateId, reason));
                    break;
                }
                d.toRecord().add(new EventStatus.Claimed(e.eventId(), aggregateId, latest + 1, now, hash, List.of()));
                claimedNew = true;
                version = latest + 1;
            }
            if (version != null) {
                d.toWrite().add(e.withVersion(version));
                pending.put(version, e.eventId());
                latest = Math.max(latest, version);
                d.outcomes().put(e.eventId(), new AppendOutcome.Appended(e.eventId(), aggregateId, version));
            }
        }
        return d;
    }

    private static String expectedVersionReason(EventEnvelope e, long latest) {
        return "expectedVersion " + e.expectedVersion() + " but aggregate " + e.aggregateId() + " is at version " + latest;
    }

    /** Replaces the claim by a rejection; false when the claim changed meanwhile (the caller reads it again). */
    private boolean reject(EventStatus.Claimed c, String reason, Instant now, Decision d) {
        if (!log.rejectClaim(c, reason, now)) return false;
        d.outcomes().put(c.eventId(), new AppendOutcome.Rejected(c.eventId(), c.aggregateId(), reason));
        return true;
    }

    private EventStatus reread(String eventId) {
        return log.statuses(List.of(eventId)).get(eventId);
    }
}
