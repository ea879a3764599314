package dev.playback.model.playback;


import dev.playback.model.batch.PerAggregate;
import dev.playback.model.replay.GatewayReports;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayMode;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayProcessor;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.MissingRecord;
import dev.playback.model.metrics.Metrics;
import dev.playback.model.parking.Parked;
import dev.playback.model.parking.Parking;
import dev.playback.model.processor.Projector;
import dev.playback.model.processor.Snapshots;
import dev.playback.model.replay.PlaybackRecord;
import dev.playback.model.replay.Replay;
import dev.playback.model.replay.ReplayStore;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.Generations;
import dev.playback.model.store.StateStore;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One processor with external effects on a batch of the playback stream. Two kinds of records travel there:
 * <ul>
 *   <li>the pump's feed (appended, versioned events), processed live: the state per aggregate is kept in the data
 *   store like a projection's, query answers are recorded before use, commands are sent and logged;</li>
 *   <li>replay records ({@link PlaybackRecord}) naming the processor, processed by {@link GatewayReplay} in their
 *   replay's gateway mode.</li>
 * </ul>
 * For each replay in a batch the gateway report is written as one piece ({@link GatewayReports}, named by where the
 * batch starts; nothing when the gateway did nothing), and then what was processed is marked per replay and shard so
 * the replay knows when the processor has drained it. {@link #apply} returns the records to retry. What the gateway
 * did in each batch (sends, corrections, suppressed commands, queries a replay asked live) is counted per gateway in
 * {@link Metrics}.
 */
public final class GatewayProcessing {
    private final GatewayProcessor<?> processor;
    private final GatewayPorts gateway;
    private final EventStore events;
    private final StateStore states;
    private final ReplayStore replays;
    private final EventCatalog catalog;
    private final Optional<GatewayReports> reports;
    private final Executor workers;
    private final GatewayReplay replay;
    private final Metrics metrics;
    private final Parking parking;
    private final Snapshots snapshots;

    /** Counting nothing ({@link Metrics#NONE}). */
    public GatewayProcessing(GatewayProcessor<?> processor, GatewayPorts gateway, EventStore events, StateStore states,
                             ReplayStore replays, EventCatalog catalog, Optional<GatewayReports> reports, Executor workers) {
        this(processor, gateway, events, states, replays, catalog, reports, workers, Metrics.NONE);
    }

    /**
     * @param reports where replays' gateway reports go (empty: not written, as in tests that do not look at them)
     * @param workers runs aggregates in parallel
     * @param metrics where what the gateway did is counted, per gateway
     */
    public GatewayProcessing(GatewayProcessor<?> processor, GatewayPorts gateway, EventStore events, StateStore states,
                             ReplayStore replays, EventCatalog catalog, Optional<GatewayReports> reports, Executor workers,
                             Metrics metrics) {
        this(processor, gateway, events, states, replays, catalog, reports, workers, metrics, Parking.OFF);
    }

    /**
     * @param parking which live events park their aggregate for this processor (a bug in its {@code apply}); a parked
     *                aggregate's live events are held back in every generation until it is unparked
     */
    public GatewayProcessing(GatewayProcessor<?> processor, GatewayPorts gateway, EventStore events, StateStore states,
                             ReplayStore replays, EventCatalog catalog, Optional<GatewayReports> reports, Executor workers,
                             Metrics metrics, Parking parking) {
        this(processor, gateway, events, states, replays, catalog, reports, workers, metrics, parking, Snapshots.none());
    }

    /**
     * @param snapshots written when a saved state of any generation crosses a multiple of the processor's interval, folded
     *                  from the recorded answers only (nothing asked, sent or logged; {@link GatewayBinding#recordedAnswers})
     */
    public GatewayProcessing(GatewayProcessor<?> processor, GatewayPorts gateway, EventStore events, StateStore states,
                             ReplayStore replays, EventCatalog catalog, Optional<GatewayReports> reports, Executor workers,
                             Metrics metrics, Parking parking, Snapshots snapshots) {
        this.snapshots = snapshots;
        this.parking = parking;
        this.metrics = metrics;
        this.processor = processor;
        this.gateway = gateway;
        this.events = events;
        this.states = states;
        this.replays = replays;
        this.catalog = catalog;
        this.reports = reports;
        this.workers = workers;
        this.replay = new GatewayReplay(processor, gateway, events, states, catalog, snapshots);
    }

    public String name() {
        return processor.name();
    }

    private record Replayed(String shardId, String sequenceNumber, PlaybackRecord record) {
    }

    /**
     * Processes the batch's items: the pump's feed live, playback records naming this processor in their replay's
     * mode (others are skipped). Returns the sequence numbers to retry; {@code log} takes what went wrong, a line each.
     */
    public List<String> apply(List<Projection.Item> items, Consumer<String> log) {
        String name = processor.name();
        List<Projection.Item> live = new ArrayList<>();
        List<Replayed> replayed = new ArrayList<>();
        for (Projection.Item item : items) {
            if (item.playback() == null) live.add(item);
            else if (item.playback().isFor(name)) replayed.add(new Replayed(item.shardId(), item.sequenceNumber(), item.playback()));
        }
        List<String> failures = new ArrayList<>();
        if (!live.isEmpty()) {
            GatewayReport report = new GatewayReport();
            Projector<?> projector = liveProjector(processor, report);
            // Live sends happen in the active generation only, first; the previous follows in suppress and the
            // generations being built in their replay's gateway mode (below), so they never send what went out live.
            Projection.Result result = new Projection(List.of(projector), states, replays, workers, false, parking).apply(live);
            report.countInto(metrics);
            failures.addAll(result.failures());
            if (!result.failures().isEmpty()) log.accept(name + ": " + result.failures().size() + " records to retry: " + result.reasons());
            for (Parked p : result.parked()) log.accept(Parking.describe(p));
            failures.addAll(followBuilding(live, new HashSet<>(result.failures()), log));
        }
        if (!replayed.isEmpty()) failures.addAll(replay(replayed, log));
        return failures.stream().distinct().toList();
    }

    private <S> Projector<S> liveProjector(GatewayProcessor<S> p, GatewayReport report) {
        return new Projector<>(new GatewayBinding<>(p, gateway, GatewayRun.live(), report), events, states, catalog, snapshots,
                GatewayBinding.recordedAnswers(p, gateway));
    }

    /**
     * Live events into the other generations that follow them: the previous one (kept warm for a rollback) in
     * {@code suppress}, so only the active generation ever causes external effects, and those being built (a
     * rebuild's, a verification's shadow), each in the gateway mode of the replay that builds it: an aggregate the
     * replay has not reached yet is brought up to date from its full stream in that mode (a diff replay corrects
     * here what it would have corrected later), so the replay misses no event appended after its scan passed the
     * aggregate. Returns the records to retry.
     */
    private List<String> followBuilding(List<Projection.Item> live, Set<String> failed, Consumer<String> log) {
        String name = processor.name();
        Generations generations = states.generations(name);
        Set<String> building = new TreeSet<>(generations.building());
        String previous = generations.previous() != null && !generations.previous().equals(generations.active())
                && !building.contains(generations.previous()) ? generations.previous() : null;
        if (building.isEmpty() && previous == null) return List.of();
        Set<String> held = parking.held(name); // parked (now or before): held back in these generations too
        List<LiveEvent> applied = live.stream().filter(item -> !failed.contains(item.sequenceNumber()))
                .flatMap(item -> item.events().stream().map(e -> new LiveEvent(e, item.sequenceNumber())))
                .filter(l -> !held.contains(l.event().aggregateId())).toList();
        if (applied.isEmpty()) return List.of();
        Map<String, List<LiveEvent>> events = PerAggregate.group(applied, l -> l.event().aggregateId());
        String first = applied.get(0).sequenceNumber();
        List<String> retry = Collections.synchronizedList(new ArrayList<>());
        if (previous != null) {
            // Queries are answered from what the active generation recorded (or asked live): they cause nothing outside.
            GatewayRun suppress = GatewayRun.replay("previous-" + previous, GatewayMode.SUPPRESS, MissingRecord.LIVE);
            GatewayReport report = new GatewayReport();
            follow(previous, suppress, events, report, retry, log);
            report.countInto(metrics);
        }
        for (String generation : building) {
            Optional<Replay> replay = replays.building(generation);
            if (replay.isEmpty()) {
                log.accept(name + ": generation " + generation + " is being built but no replay builds it; live events skip it");
                continue;
            }
            Replay r = replay.get();
            GatewayRun run = GatewayRun.replay(r.replayId(), GatewayMode.parse(r.gatewayMode()), MissingRecord.parse(r.missingRecords()));
            GatewayReport report = report(r.replayId());
            follow(generation, run, events, report, retry, log);
            report.countInto(metrics);
            String piece = "live-" + generation + "-" + first;
            if (!report.isEmpty()) reports.ifPresent(g -> g.put(r.replayId(), name, piece, report.toJson()));
        }
        return retry;
    }

    private void follow(String generation, GatewayRun run, Map<String, List<LiveEvent>> events, GatewayReport report,
                        List<String> retry, Consumer<String> log) {
        PerAggregate.forEach(events, workers, (aggregateId, stream) -> {
            try {
                this.replay.apply(run.replayId(), generation, run, stream.stream().map(LiveEvent::event).toList(), report);
            } catch (RuntimeException e) {
                log.accept(processor.name() + ": live events of " + aggregateId + " into " + generation + " failed: " + e);
                retry.addAll(stream.stream().map(LiveEvent::sequenceNumber).toList());
            }
        });
    }

    /** A live event and the record of the batch that carried it. */
    private record LiveEvent(EventEnvelope event, String sequenceNumber) {
    }

    /**
     * Replay records: one aggregate's records in order, aggregates in parallel. Then, per replay and shard,
     * the highest sequence number processed below any record to retry is marked applied for the processor.
     */
    private List<String> replay(List<Replayed> records, Consumer<String> log) {
        String name = processor.name();
        List<String> failed = Collections.synchronizedList(new ArrayList<>());
        // Records of a replay that has ended (stopped, failed) cause nothing: its generation was dropped and its
        // gateway mode is no longer used. Checked again while the batch runs, so a stop cuts a long batch short.
        EndedReplays ended = new EndedReplays();
        records = records.stream().filter(r -> !ended.test(r.record().replayId())).toList();
        Map<String, List<Replayed>> byAggregate = PerAggregate.group(records, r -> r.record().aggregateId());
        // One gateway report per replay for the whole batch, written once (when anything happened) and named by
        // where the batch starts; a redelivered batch's report repeats entries, which the merge counts once.
        Map<String, GatewayReport> batchReports = new ConcurrentHashMap<>();
        Map<String, String> firstOf = new LinkedHashMap<>();
        Map<String, String> modeOf = new HashMap<>();
        for (Replayed r : records) {
            firstOf.putIfAbsent(r.record().replayId(), r.shardId() + "-" + r.sequenceNumber());
            modeOf.putIfAbsent(r.record().replayId(), r.record().gatewayMode());
        }
        PerAggregate.forEach(byAggregate, workers, (aggregateId, stream) -> {
            for (Replayed r : stream) {
                if (ended.test(r.record().replayId())) return;
                try {
                    PlaybackRecord rec = r.record();
                    replay.apply(rec.replayId(), rec.generation(), GatewayReplay.runOf(rec), rec.events(),
                            batchReports.computeIfAbsent(rec.replayId(), this::report));
                } catch (RuntimeException e) {
                    log.accept(name + ": playback record " + r.sequenceNumber() + " of replay " + r.record().replayId() + " failed: " + e);
                    failed.add(r.sequenceNumber());
                    return; // later records of this aggregate wait for this one's retry
                }
            }
        });
        batchReports.values().forEach(report -> report.countInto(metrics));
        reports.ifPresent(g -> batchReports.forEach((replayId, report) -> {
            if (report.isEmpty()) return;
            com.fasterxml.jackson.databind.node.ObjectNode piece = report.toJson();
            piece.put("processor", name).put("replayId", replayId).put("gatewayMode", modeOf.get(replayId));
            g.put(replayId, name, firstOf.get(replayId), piece);
        }));
        Set<String> failedSet = new HashSet<>(failed);
        // a record not processed because an earlier one of its aggregate failed is retried too
        for (List<Replayed> stream : byAggregate.values()) {
            boolean after = false;
            for (Replayed r : stream) {
                if (failedSet.contains(r.sequenceNumber())) after = true;
                else if (after) failed.add(r.sequenceNumber());
            }
        }
        Set<String> givenUp = PlaybackMarks.mark(replays, List.of(name),
                records.stream().map(r -> new PlaybackMarks.Processed(r.shardId(), r.sequenceNumber(), r.record())).toList(),
                new HashSet<>(failed));
        // A record given up on is not retried: its shard moves on, and its replay fails naming it.
        if (!givenUp.isEmpty()) log.accept(name + ": playback records " + givenUp + " given up; their replays fail");
        return failed.stream().filter(f -> !givenUp.contains(f)).toList();
    }

    /** Whether a replay has ended, read at most every {@value #ENDED_RECHECK_MILLIS} ms per replay; an ended replay stays ended. */
    private final class EndedReplays implements Predicate<String> {
        private final Map<String, Boolean> ended = new ConcurrentHashMap<>();
        private final Map<String, Long> readAt = new ConcurrentHashMap<>();

        @Override
        public boolean test(String replayId) {
            if (Boolean.TRUE.equals(ended.get(replayId))) return true;
            long now = System.nanoTime();
            Long at = readAt.get(replayId);
            if (at == null || now - at > ENDED_RECHECK_MILLIS * 1_000_000L) {
                readAt.put(replayId, now);
                ended.put(replayId, replays.find(replayId).map(r -> r.status().ended()).orElse(false));
            }
            return Boolean.TRUE.equals(ended.get(replayId));
        }
    }

    private static final long ENDED_RECHECK_MILLIS = 250;

    /** A replay's report, journaled as it goes (what reached outside survives a crash before the batch's piece is written). */
    private GatewayReport report(String replayId) {
        return reports.map(g -> new GatewayReport(g.journal(replayId, processor.name()))).orElseGet(GatewayReport::new);
    }

}
