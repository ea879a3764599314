package dev.playback.lambdas.projection;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.processor.CatchUp;
import dev.playback.model.processor.ProcessorState;
import dev.playback.model.processor.Projector;
import dev.playback.model.replay.PlaybackRecord;
import dev.playback.model.replay.ReplayStore;
import dev.playback.model.replay.SequenceNumbers;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.Generations;
import dev.playback.model.store.StateStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Applies a batch of event-stream records to every projection. The stream carries events before the
 * pump has given them versions, so each event's claim is looked up first; the aggregate is then brought
 * up to the highest claimed version from the events table. Events the pump rejected are skipped.
 * When the pump is behind, the batch waits up to {@code patience} before reporting records to retry.
 * Live events apply to every live generation of a processor (active, previous, building).
 *
 * <p>Playback-stream records ({@link PlaybackRecord}) carry versioned events of a replay; they apply to
 * the replay's generation only, in the processors they name, and what was processed is recorded per
 * shard so the replay knows when the projection has drained it.
 */
public final class Projection {
    public static final Duration DEFAULT_PATIENCE = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 50;

    /**
     * One stream record: its shard and sequence number, and its events (an event-stream record) or its
     * playback record (a playback-stream record), or why it could not be decoded.
     */
    public record Item(String shardId, String sequenceNumber, List<EventEnvelope> events, PlaybackRecord playback) {
        public Item {
            events = events == null ? List.of() : List.copyOf(events);
        }

        /** An event-stream record of an unnamed shard. */
        public Item(String sequenceNumber, List<EventEnvelope> events) {
            this(UNKNOWN_SHARD, sequenceNumber, events, null);
        }

        public static Item playback(String shardId, String sequenceNumber, PlaybackRecord record) {
            return new Item(shardId, sequenceNumber, List.of(), record);
        }
    }

    public static final String UNKNOWN_SHARD = "shardId-unknown";

    /** Sequence numbers to retry and why. */
    public record Result(List<String> failures, List<String> reasons, int aggregates) {
    }

    private final List<Projector<?>> projectors;
    private final EventStore events;
    private final StateStore states;
    private final ReplayStore replays;
    private final Executor executor;
    private final Duration patience;
    private final boolean followBuilding;

    private Set<String> liveGenerations(String processor) {
        Generations g = states.generations(processor);
        // A processor with external effects runs live in the active generation only: the previous and the building
        // ones follow in suppress or their replay's gateway mode (its handler does that), never live.
        return followBuilding ? g.live() : Set.of(g.active());
    }

    public Projection(List<Projector<?>> projectors, EventStore events, StateStore states, ReplayStore replays,
                      Executor executor, Duration patience) {
        this(projectors, events, states, replays, executor, patience, true);
    }

    /**
     * @param followBuilding whether live events also go to the previous and the building generations; a processor
     *                       with external effects runs live in the active generation only and brings the others up
     *                       itself, the previous in suppress and the building ones in their replay's gateway mode
     */
    public Projection(List<Projector<?>> projectors, EventStore events, StateStore states, ReplayStore replays,
                      Executor executor, Duration patience, boolean followBuilding) {
        this.followBuilding = followBuilding;
        this.projectors = List.copyOf(projectors);
        this.events = events;
        this.states = states;
        this.replays = replays;
        this.executor = executor;
        this.patience = patience;
    }

    /** Applies a batch: event-stream records to every live generation, playback records to their replay's generation. */
    public Result apply(List<Item> batch) {
        List<Item> items = new ArrayList<>();
        List<Item> playback = new ArrayList<>();
        for (Item item : batch) (item.playback() != null ? playback : items).add(item);
        Result live = applyLive(items);
        if (playback.isEmpty()) return live;
        Result replayed = applyPlayback(playback);
        List<String> failures = new ArrayList<>(live.failures());
        failures.addAll(replayed.failures());
        List<String> reasons = new ArrayList<>(live.reasons());
        reasons.addAll(replayed.reasons());
        return new Result(failures.stream().distinct().toList(), reasons, live.aggregates() + replayed.aggregates());
    }

    private Result applyLive(List<Item> items) {
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        List<String> reasons = Collections.synchronizedList(new ArrayList<>());
        Set<String> ids = new HashSet<>();
        // Versioned events come from the pump's feed: they are in the events table at those versions.
        Map<String, List<EventEnvelope>> appended = new LinkedHashMap<>();
        for (Item item : items) {
            for (EventEnvelope e : item.events()) {
                if (e.version() != null) appended.computeIfAbsent(e.aggregateId(), k -> new ArrayList<>()).add(e);
                else ids.add(e.eventId());
            }
        }
        Map<String, Set<String>> appendedTo = appended.isEmpty() ? Map.of() : applyAppended(appended, failures, reasons, items);
        long deadline = System.nanoTime() + patience.toNanos();
        Map<String, EventStatus> statuses = new HashMap<>(events.statuses(ids));
        while (statuses.size() < ids.size() && System.nanoTime() < deadline) {
            sleep();
            List<String> missing = ids.stream().filter(id -> !statuses.containsKey(id)).toList();
            statuses.putAll(events.statuses(missing));
        }
        // Per aggregate: the highest version any of its events in this batch was claimed at, and its items.
        Map<String, Long> targets = new LinkedHashMap<>();
        Map<String, List<String>> itemsOf = new HashMap<>();
        Set<String> blocked = new HashSet<>();
        for (Item item : items) {
            for (EventEnvelope e : item.events()) {
                if (e.version() != null) continue; // applied above, from the pump's feed
                itemsOf.computeIfAbsent(e.aggregateId(), k -> new ArrayList<>()).add(item.sequenceNumber());
                EventStatus st = statuses.get(e.eventId());
                if (st == null) {
                    if (blocked.add(e.aggregateId())) reasons.add(item.sequenceNumber() + ": event " + e.eventId() + " not appended yet");
                    failures.add(item.sequenceNumber());
                } else if (st instanceof EventStatus.Claimed c && c.aggregateId().equals(e.aggregateId())) {
                    targets.merge(e.aggregateId(), c.version(), Math::max);
                }
            }
        }
        // Live events go to every generation that follows them: active, previous (kept warm for an exact
        // rollback) and those being built by a rebuild or a verification.
        Map<String, Set<String>> generations = new HashMap<>();
        if (!targets.isEmpty()) {
            for (Projector<?> p : projectors) {
                String name = p.processor().name();
                generations.put(name, liveGenerations(name));
            }
        }
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (var target : targets.entrySet()) {
            work.add(CompletableFuture.runAsync(() -> {
                String aggregateId = target.getKey();
                for (Projector<?> p : projectors) {
                    for (String generation : generations.get(p.processor().name())) {
                        CatchUp result = p.catchUp(generation, aggregateId, target.getValue());
                        while (!result.complete() && System.nanoTime() < deadline) {
                            sleep();
                            result = p.catchUp(generation, aggregateId, target.getValue());
                        }
                        if (!result.complete()) {
                            reasons.add(aggregateId + ": version " + target.getValue() + " not in the events table yet");
                            failures.addAll(itemsOf.get(aggregateId));
                            return;
                        }
                    }
                }
            }, executor));
        }
        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
        if (!targets.isEmpty() || !appended.isEmpty()) {
            // A generation dropped (its replay stopped or failed) while this batch wrote to it: delete what landed there.
            Map<String, Set<String>> written = new HashMap<>();
            for (Projector<?> p : projectors) {
                String name = p.processor().name();
                Set<String> gens = new HashSet<>(generations.getOrDefault(name, Set.of()));
                gens.addAll(appendedTo.getOrDefault(name, Set.of()));
                written.put(name, gens);
            }
            dropLeftovers(written);
        }
        List<String> distinct = failures.stream().distinct().toList();
        return new Result(distinct, List.copyOf(reasons), targets.size());
    }

    /** Applies versioned live events (carried in the record, gaps read from the table) to every live generation. */
    private Map<String, Set<String>> applyAppended(Map<String, List<EventEnvelope>> appended, List<String> failures, List<String> reasons,
                                                   List<Item> items) {
        Map<String, Set<String>> generations = new HashMap<>();
        for (Projector<?> p : projectors) generations.put(p.processor().name(), liveGenerations(p.processor().name()));
        // The stored states, in bulk: (processor, generation) -> aggregate -> state. Saves are conditional, so states
        // this container remembers may serve (loadAllRecent); one behind this batch's first event (another container
        // applied events since) is read again, in bulk, rather than filled from the events table.
        Map<String, Long> first = new HashMap<>();
        appended.forEach((id, events) -> first.put(id, events.stream().mapToLong(EventEnvelope::versionOrZero).min().orElse(0)));
        Map<List<String>, Map<String, ProcessorState>> stored = new HashMap<>();
        for (Projector<?> p : projectors) {
            for (String generation : generations.get(p.processor().name())) {
                String name = p.processor().name();
                Map<String, ProcessorState> recent = new HashMap<>(states.loadAllRecent(name, generation, appended.keySet()));
                List<String> behind = recent.values().stream().filter(s -> s.version() < first.get(s.aggregateId()) - 1)
                        .map(ProcessorState::aggregateId).toList();
                if (!behind.isEmpty()) {
                    behind.forEach(recent::remove);
                    recent.putAll(states.loadAll(name, generation, behind));
                }
                stored.put(List.of(name, generation), recent);
            }
        }
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (var entry : appended.entrySet()) {
            List<EventEnvelope> events = new ArrayList<>(entry.getValue());
            events.sort(java.util.Comparator.comparingLong(EventEnvelope::versionOrZero));
            work.add(CompletableFuture.runAsync(() -> {
                try {
                    for (Projector<?> p : projectors) {
                        for (String generation : generations.get(p.processor().name())) {
                            Optional<ProcessorState> state = Optional.ofNullable(
                                    stored.get(List.of(p.processor().name(), generation)).get(entry.getKey()));
                            CatchUp done = p.applyPlayback(generation, events, state);
                            if (!done.complete()) throw new IllegalStateException("version " + events.get(events.size() - 1).version()
                                    + " of " + entry.getKey() + " is not in the events table (at " + done.version() + ")");
                        }
                    }
                } catch (RuntimeException e) {
                    reasons.add(entry.getKey() + ": " + e.getMessage());
                    for (Item item : items) {
                        if (item.events().stream().anyMatch(x -> x.aggregateId().equals(entry.getKey()))) failures.add(item.sequenceNumber());
                    }
                }
            }, executor));
        }
        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
        return generations;
    }

    /**
     * Playback records: each applies to its replay's generation in the processors it names (others ignore
     * it); records of one aggregate in order, aggregates in parallel. Then, per replay and shard, the
     * highest sequence number processed (below any record to retry) is recorded for the replay's drain check.
     */
    private Result applyPlayback(List<Item> items) {
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        List<String> reasons = Collections.synchronizedList(new ArrayList<>());
        Map<String, String> why = new java.util.concurrent.ConcurrentHashMap<>();
        // Records of a replay that has ended (stopped, failed) are not applied: its generation was dropped.
        Map<String, Boolean> ended = new HashMap<>();
        for (Item item : items) {
            ended.computeIfAbsent(item.playback().replayId(), id -> replays.find(id).map(r -> r.status().ended()).orElse(false));
        }
        items = items.stream().filter(i -> !ended.get(i.playback().replayId())).toList();
        Map<String, List<Item>> byAggregate = new LinkedHashMap<>();
        for (Item item : items) byAggregate.computeIfAbsent(item.playback().aggregateId(), k -> new ArrayList<>()).add(item);
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (List<Item> records : byAggregate.values()) {
            work.add(CompletableFuture.runAsync(() -> {
                for (Item item : records) {
                    PlaybackRecord r = item.playback();
                    try {
                        for (Projector<?> p : projectors) {
                            if (!r.processors().contains(p.processor().name())) continue;
                            CatchUp done = p.applyPlayback(r.generation(), r.events());
                            if (!done.complete()) {
                                throw new IllegalStateException("version " + r.events().get(r.events().size() - 1).versionOrZero()
                                        + " is not in the events table (at " + done.version() + ")");
                            }
                        }
                    } catch (RuntimeException e) {
                        failures.add(item.sequenceNumber());
                        why.put(item.sequenceNumber(), String.valueOf(e.getMessage()));
                        reasons.add(item.sequenceNumber() + ": playback of " + r.aggregateId() + " for replay " + r.replayId()
                                + " failed: " + e.getMessage());
                    }
                }
            }, executor));
        }
        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
        // A replay that ended while this batch ran: its generation was dropped, perhaps before these writes landed.
        Map<String, Set<String>> written = new HashMap<>();
        for (Item item : items) {
            for (String processor : item.playback().processors()) {
                written.computeIfAbsent(processor, k -> new HashSet<>()).add(item.playback().generation());
            }
        }
        Set<String> endedSince = new HashSet<>();
        for (String id : ended.keySet()) {
            if (!ended.get(id) && replays.find(id).map(r -> r.status().ended()).orElse(false)) endedSince.add(id);
        }
        if (!endedSince.isEmpty()) dropLeftovers(written);
        Set<String> givenUp = PlaybackMarks.mark(replays, projectors.stream().map(p -> p.processor().name()).toList(),
                items.stream().map(i -> new PlaybackMarks.Processed(i.shardId(), i.sequenceNumber(), i.playback())).toList(),
                new HashSet<>(failures), why);
        // A record given up on is not retried: its shard moves on, and its replay fails naming it.
        for (String seq : givenUp) reasons.add(seq + ": given up after " + (ReplayStore.AppliedShard.RETRIES + 1) + " attempts; its replay fails");
        return new Result(failures.stream().filter(f -> !givenUp.contains(f)).distinct().toList(), List.copyOf(reasons), byAggregate.size());
    }

    /**
     * Deletes, per processor, the generations this batch wrote that no longer follow anything (neither active,
     * previous nor building: a replay that ended dropped them, perhaps just before these writes landed).
     */
    private void dropLeftovers(Map<String, Set<String>> written) {
        for (var entry : written.entrySet()) {
            if (projectors.stream().noneMatch(p -> p.processor().name().equals(entry.getKey()))) continue;
            Generations now = states.generations(entry.getKey());
            for (String generation : entry.getValue()) {
                if (!now.live().contains(generation)) states.discard(entry.getKey(), generation);
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the pump", e);
        }
    }
}
