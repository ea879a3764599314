package dev.playback.model.playback;

import dev.playback.model.batch.PerAggregate;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.parking.Parked;
import dev.playback.model.parking.Parking;
import dev.playback.model.processor.CatchUp;
import dev.playback.model.processor.EventNotApplied;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.processor.Projector;
import dev.playback.model.replay.PlaybackRecord;
import dev.playback.model.replay.ReplayStore;
import dev.playback.model.store.Generations;
import dev.playback.model.store.StateStore;
import dev.playback.model.store.StateTooLarge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Applies a batch of playback-stream records to every projection. Two kinds of records travel there:
 * <ul>
 *   <li>the pump's feed: events it appended, with their versions. They apply to every live generation of a
 *   processor (active, previous, building); a gap before an aggregate's first event in the batch is filled from the
 *   events table, never guessed.</li>
 *   <li>replay records ({@link PlaybackRecord}): versioned events of a replay. They apply to the replay's generation
 *   only, in the processors they name, and what was processed is recorded per shard so the replay knows when the
 *   projection has drained it.</li>
 * </ul>
 * Only the pump writes the feed, and it publishes appended events only: an event without a version is refused
 * when its {@link Item} is made, so that the handler sets its record aside instead of applying it ({@code playback
 * unpark} re-publishes an aggregate's latest appended event there, as a redelivery).
 *
 * <p>A live event a processor's {@code apply} throws on because of a bug parks the aggregate for that processor
 * ({@link Parking}): the batch goes on, its record is not retried for it, and the aggregate's later live events are held
 * back for that processor until it is unparked, which catches it up from the events table. A state the store refuses as
 * too large ({@link StateTooLarge}) parks its aggregate the same way, nothing of it saved.
 */
public final class Projection {
    /**
     * One playback-stream record: its shard and sequence number, and either the pump's appended events or a replay's
     * playback record.
     */
    public record Item(String shardId, String sequenceNumber, List<EventEnvelope> events, PlaybackRecord playback) {
        /**
         * @throws IllegalArgumentException if one of the events has no version: the feed carries appended events
         *                                  only, and an event the pump has not appended cannot be applied
         */
        public Item {
            events = events == null ? List.of() : List.copyOf(events);
            for (EventEnvelope e : events) {
                if (e.version() == null) {
                    throw new IllegalArgumentException("event " + e.eventId() + " of " + e.aggregateId()
                            + " has no version: the playback stream carries only events the pump appended");
                }
            }
        }

        /** A record of the pump's feed. */
        public static Item appended(String shardId, String sequenceNumber, List<EventEnvelope> events) {
            return new Item(shardId, sequenceNumber, events, null);
        }

        /** A replay's record. */
        public static Item playback(String shardId, String sequenceNumber, PlaybackRecord record) {
            return new Item(shardId, sequenceNumber, List.of(), record);
        }
    }

    /** Sequence numbers to retry and why; the aggregates this batch parked. */
    public record Result(List<String> failures, List<String> reasons, int aggregates, List<Parked> parked) {
        public Result {
            parked = List.copyOf(parked);
        }
    }

    private final List<Projector<?>> projectors;
    private final StateStore states;
    private final ReplayStore replays;
    private final Executor executor;
    private final boolean followBuilding;
    private final Parking parking;

    private Set<String> liveGenerations(String processor) {
        Generations g = states.generations(processor);
        // A processor with external effects runs live in the active generation only: the previous and the building
        // ones follow in suppress or their replay's gateway mode (its handler does that), never live.
        return followBuilding ? g.live() : Set.of(g.active());
    }

    public Projection(List<Projector<?>> projectors, StateStore states, ReplayStore replays, Executor executor) {
        this(projectors, states, replays, executor, true);
    }

    /**
     * @param followBuilding whether live events also go to the previous and the building generations; a processor
     *                       with external effects runs live in the active generation only and brings the others up
     *                       itself, the previous in suppress and the building ones in their replay's gateway mode
     */
    public Projection(List<Projector<?>> projectors, StateStore states, ReplayStore replays, Executor executor,
                      boolean followBuilding) {
        this(projectors, states, replays, executor, followBuilding, Parking.OFF);
    }

    /**
     * @param parking which live events park their aggregate for a processor (a bug in its {@code apply}) and which
     *                aggregates each processor holds back; {@link Parking#OFF}: none, every failure is retried
     */
    public Projection(List<Projector<?>> projectors, StateStore states, ReplayStore replays, Executor executor,
                      boolean followBuilding, Parking parking) {
        this.parking = parking;
        this.followBuilding = followBuilding;
        this.projectors = List.copyOf(projectors);
        this.states = states;
        this.replays = replays;
        this.executor = executor;
    }

    /** The names of the processors it applies, in order. */
    public List<String> processors() {
        return projectors.stream().map(p -> p.processor().name()).toList();
    }

    /** Applies a batch: the pump's appended events to every live generation, playback records to their replay's generation. */
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
        return new Result(failures.stream().distinct().toList(), reasons, live.aggregates() + replayed.aggregates(), live.parked());
    }

    private Result applyLive(List<Item> items) {
        Map<String, List<EventEnvelope>> appended = PerAggregate.group(
                items.stream().flatMap(i -> i.events().stream()).toList(), EventEnvelope::aggregateId);
        if (appended.isEmpty()) return new Result(List.of(), List.of(), 0, List.of());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        List<String> reasons = Collections.synchronizedList(new ArrayList<>());
        // A generation dropped (its replay stopped or failed) while this batch wrote to it: delete what landed there.
        List<Parked> parked = Collections.synchronizedList(new ArrayList<>());
        dropLeftovers(applyAppended(appended, failures, reasons, parked, items));
        return new Result(failures.stream().distinct().toList(), List.copyOf(reasons), appended.size(), List.copyOf(parked));
    }

    /** Applies versioned live events (carried in the record, gaps read from the table) to every live generation. */
    private Map<String, Set<String>> applyAppended(Map<String, List<EventEnvelope>> appended, List<String> failures, List<String> reasons,
                                                   List<Parked> parkedNow, List<Item> items) {
        Map<String, Set<String>> generations = new HashMap<>();
        for (Projector<?> p : projectors) generations.put(p.processor().name(), liveGenerations(p.processor().name()));
        // The stored states, in bulk (StoredStates): (processor, generation) -> aggregate -> state, rather than a read
        // per aggregate or events filled from the events table.
        Map<String, Long> first = StoredStates.firstVersions(appended);
        Map<List<String>, Map<String, ProcessorState>> stored = new HashMap<>();
        for (Projector<?> p : projectors) {
            for (String generation : generations.get(p.processor().name())) {
                stored.put(List.of(p.processor().name(), generation), StoredStates.read(states, p.processor().name(), generation, first));
            }
        }
        // Parked aggregates: their live events are held back (not applied, not retried: they are in the events table).
        Map<String, Set<String>> held = new HashMap<>();
        for (Projector<?> p : projectors) held.put(p.processor().name(), parking.held(p.processor().name()));
        PerAggregate.forEach(appended, executor, (aggregateId, batch) -> {
            List<EventEnvelope> events = new ArrayList<>(batch);
            events.sort(java.util.Comparator.comparingLong(EventEnvelope::versionOrZero));
            try {
                for (Projector<?> p : projectors) {
                    if (held.get(p.processor().name()).contains(aggregateId)) continue;
                    for (String generation : generations.get(p.processor().name())) {
                        Optional<ProcessorState> state = Optional.ofNullable(
                                stored.get(List.of(p.processor().name(), generation)).get(aggregateId));
                        CatchUp done;
                        try {
                            done = p.applyPlayback(generation, events, state);
                        } catch (EventNotApplied n) {
                            if (!parking.parks(n)) throw n;
                            parkedNow.add(parking.park(generation, n));
                            break; // its other generations hold it back too, until it is unparked
                        } catch (StateTooLarge t) {
                            // nothing was saved: parked at the first event the stored state lacks, its events held back
                            EventNotApplied n = new EventNotApplied(t.processor(), firstAfter(events, t.storedVersion()), t);
                            if (!parking.parks(n)) throw t;
                            parkedNow.add(parking.park(generation, n));
                            break;
                        }
                        if (!done.complete()) throw new IllegalStateException("version " + events.get(events.size() - 1).version()
                                + " of " + aggregateId + " is not in the events table (at " + done.version() + ")");
                    }
                }
            } catch (RuntimeException e) {
                reasons.add(aggregateId + ": " + e.getMessage());
                for (Item item : items) {
                    if (item.events().stream().anyMatch(x -> x.aggregateId().equals(aggregateId))) failures.add(item.sequenceNumber());
                }
            }
        });
        return generations;
    }

    /** The first of {@code events} (in version order) after {@code version}, or the last when none is after it. */
    private static EventEnvelope firstAfter(List<EventEnvelope> events, long version) {
        for (EventEnvelope e : events) {
            if (e.versionOrZero() > version) return e;
        }
        return events.get(events.size() - 1);
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
        Map<String, List<Item>> byAggregate = PerAggregate.group(items, i -> i.playback().aggregateId());
        // The stored states of each aggregate's first record, in bulk per (processor, generation); its later records
        // in this batch follow on from what the first one saved, and read it.
        Map<List<String>, Map<String, Long>> firsts = new HashMap<>();
        byAggregate.forEach((aggregateId, records) -> {
            PlaybackRecord r = records.get(0).playback();
            for (Projector<?> p : projectors) {
                if (!r.processors().contains(p.processor().name())) continue;
                firsts.computeIfAbsent(List.of(p.processor().name(), r.generation()), k -> new HashMap<>())
                        .put(aggregateId, StoredStates.firstVersion(r.events()));
            }
        });
        Map<List<String>, Map<String, ProcessorState>> stored = new HashMap<>();
        firsts.forEach((key, first) -> stored.put(key, StoredStates.read(states, key.get(0), key.get(1), first)));
        PerAggregate.forEach(byAggregate, executor, (aggregateId, records) -> {
            boolean firstRecord = true;
            for (Item item : records) {
                PlaybackRecord r = item.playback();
                boolean preloaded = firstRecord;
                firstRecord = false;
                try {
                    for (Projector<?> p : projectors) {
                        if (!r.processors().contains(p.processor().name())) continue;
                        CatchUp done = preloaded
                                ? p.applyPlayback(r.generation(), r.events(),
                                        Optional.ofNullable(stored.get(List.of(p.processor().name(), r.generation())).get(aggregateId)))
                                : p.applyPlayback(r.generation(), r.events());
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
        });
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
        return new Result(failures.stream().filter(f -> !givenUp.contains(f)).distinct().toList(), List.copyOf(reasons), byAggregate.size(),
                List.of());
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
}
