package dev.playback.lambdas.payouts;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.playback.lambdas.batch.PerAggregate;
import dev.playback.lambdas.aws.kinesis.PlaybackRecords;
import dev.playback.lambdas.aws.kinesis.SetAside;
import dev.playback.lambdas.aws.s3.S3SetAside;
import dev.playback.lambdas.aws.kinesis.StreamRecords;
import dev.playback.lambdas.aws.s3.S3PayloadStore;
import dev.playback.lambdas.config.Environment;
import dev.playback.lambdas.projection.PlaybackMarks;
import dev.playback.lambdas.projection.ProjectionHandler;
import dev.playback.lambdas.projection.Projection;
import dev.playback.lambdas.replay.GatewayReports;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.ledger.Ledger;
import dev.playback.model.processor.Projector;
import dev.playback.model.gateway.GatewayMode;
import dev.playback.model.gateway.MissingRecord;
import dev.playback.model.replay.PlaybackRecord;
import dev.playback.model.replay.Replay;
import dev.playback.model.replay.SequenceNumbers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * Playback stream → the {@code payouts} processor. Two kinds of records travel there:
 * <ul>
 *   <li>the pump's feed (JSON arrays of appended, versioned events), processed live: the state per account is
 *   kept in the data store like a projection's, FX answers are recorded before use, payouts are sent and logged;</li>
 *   <li>replay records ({@link PlaybackRecord}, JSON objects) naming {@code payouts}, processed by
 *   {@link PayoutReplay} in their replay's gateway mode; records not naming it are skipped.</li>
 * </ul>
 * For each replay in a batch the gateway report is written as one piece ({@link GatewayReports}, named by where the
 * batch starts; nothing when the gateway did nothing), and then what was processed is
 * marked per replay and shard so the replay knows when payouts has drained it. Failed records are reported in
 * {@code batchItemFailures} and retried by the event source; a record that cannot be applied as it is (undecodable, or
 * an event without a version) is set aside ({@link SetAside#keep}).
 */
public final class PayoutsHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {
    private static final ExecutorService WORKERS = PerAggregate.workers("payouts", 8);

    private final PayoutsWiring wiring;
    private final PayoutReplay replay;
    private final SetAside setAside;

    public PayoutsHandler() {
        this(System.getenv());
    }

    public PayoutsHandler(Map<String, String> environment) {
        this(new Environment(environment));
    }

    private PayoutsHandler(Environment env) {
        this(wire(env), S3SetAside.from(env, S3SetAside.Stream.PLAYBACK));
    }

    private static PayoutsWiring wire(Environment env) {
        env.require("FAILURE_BUCKET"); // named with the other missing variables
        return PayoutsWiring.from(env, "PayoutsFunction");
    }

    /**
     * @param wiring   the payouts processor and its ports
     * @param setAside where records that cannot be applied as they are (undecodable, or an event without a version) are kept
     */
    public PayoutsHandler(PayoutsWiring wiring, SetAside setAside) {
        this.wiring = wiring;
        this.replay = new PayoutReplay(wiring);
        this.setAside = setAside;
    }

    private record Replayed(String shardId, String sequenceNumber, PlaybackRecord record) {
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent input, Context context) {
        String name = wiring.processor().name();
        List<Projection.Item> live = new ArrayList<>();
        List<Replayed> replayed = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (KinesisEvent.KinesisEventRecord r : input.getRecords()) {
            String seq = r.getKinesis().getSequenceNumber();
            byte[] data = StreamRecords.bytes(r.getKinesis().getData());
            try {
                if (PlaybackRecords.isPlayback(data)) {
                    PlaybackRecord record = PlaybackRecords.decode(data);
                    if (record.isFor(name)) replayed.add(new Replayed(StreamRecords.shardId(r.getEventID()), seq, record));
                } else {
                    live.add(Projection.Item.appended(StreamRecords.shardId(r.getEventID()), seq, StreamRecords.decode(data)));
                }
            } catch (RuntimeException e) {
                setAside.keep(r, ProjectionHandler.NOT_A_PLAYBACK_STREAM_RECORD + e.getMessage(), context, "payouts", "playback stream");
            }
        }
        if (!live.isEmpty()) {
            GatewayReport report = new GatewayReport();
            Projector<?> projector = new Projector<>(new GatewayBinding<>(wiring.processor(), wiring.gateway(), GatewayRun.live(), report),
                    wiring.events(), wiring.states(), Ledger.catalog());
            // Live sends happen in the active generation only, first; the previous follows in suppress and the
            // generations being built in their replay's gateway mode (below), so they never send what went out live.
            Projection.Result result = new Projection(List.of(projector), wiring.states(), wiring.replays(), WORKERS, false)
                    .apply(live);
            failures.addAll(result.failures());
            if (!result.failures().isEmpty()) log(context, "payouts: " + result.failures().size() + " records to retry: " + result.reasons());
            failures.addAll(followBuilding(live, new HashSet<>(result.failures()), context));
        }
        if (!replayed.isEmpty()) failures.addAll(replay(replayed, context));
        return new StreamsEventResponse(failures.stream().distinct().map(StreamsEventResponse.BatchItemFailure::new).toList());
    }

    /**
     * Live events into the other generations that follow them: the previous one (kept warm for a rollback) in
     * {@code suppress}, so only the active generation ever causes external effects, and those being built (a
     * rebuild's, a verification's shadow), each in the gateway mode of the replay that builds it: an aggregate the
     * replay has not reached yet is brought up to date from its full stream in that mode (a diff replay corrects
     * here what it would have corrected later), so the replay misses no event appended after its scan passed the
     * aggregate. Returns the records to retry.
     */
    private List<String> followBuilding(List<Projection.Item> live, Set<String> failed, Context context) {
        String name = wiring.processor().name();
        dev.playback.model.store.Generations generations = wiring.states().generations(name);
        Set<String> building = new java.util.TreeSet<>(generations.building());
        String previous = generations.previous() != null && !generations.previous().equals(generations.active())
                && !building.contains(generations.previous()) ? generations.previous() : null;
        if (building.isEmpty() && previous == null) return List.of();
        Map<String, List<EventEnvelope>> events = new LinkedHashMap<>();
        Map<String, List<String>> itemsOf = new HashMap<>();
        String first = null;
        for (Projection.Item item : live) {
            if (failed.contains(item.sequenceNumber())) continue;
            for (EventEnvelope e : item.events()) {
                events.computeIfAbsent(e.aggregateId(), k -> new ArrayList<>()).add(e);
                itemsOf.computeIfAbsent(e.aggregateId(), k -> new ArrayList<>()).add(item.sequenceNumber());
                if (first == null) first = item.sequenceNumber();
            }
        }
        if (events.isEmpty()) return List.of();
        List<String> retry = Collections.synchronizedList(new ArrayList<>());
        if (previous != null) {
            // Queries are answered from what the active generation recorded (or asked live): they cause nothing outside.
            GatewayRun suppress = GatewayRun.replay("previous-" + previous, GatewayMode.SUPPRESS, MissingRecord.LIVE);
            follow(previous, suppress, events, itemsOf, new GatewayReport(), retry, context);
        }
        for (String generation : building) {
            java.util.Optional<Replay> replay = wiring.replays().building(generation);
            if (replay.isEmpty()) {
                log(context, "payouts: generation " + generation + " is being built but no replay builds it; live events skip it");
                continue;
            }
            Replay r = replay.get();
            GatewayRun run = GatewayRun.replay(r.replayId(), GatewayMode.parse(r.gatewayMode()), MissingRecord.parse(r.missingRecords()));
            GatewayReport report = report(r.replayId());
            follow(generation, run, events, itemsOf, report, retry, context);
            String piece = "live-" + generation + "-" + first;
            if (!report.isEmpty()) reports().ifPresent(g -> g.put(r.replayId(), name, piece, report.toJson()));
        }
        return retry;
    }

    private void follow(String generation, GatewayRun run, Map<String, List<EventEnvelope>> events, Map<String, List<String>> itemsOf,
                        GatewayReport report, List<String> retry, Context context) {
        PerAggregate.forEach(events, WORKERS, (aggregateId, stream) -> {
            try {
                this.replay.apply(run.replayId(), generation, run, stream, report);
            } catch (RuntimeException e) {
                log(context, "payouts: live events of " + aggregateId + " into " + generation + " failed: " + e);
                retry.addAll(itemsOf.get(aggregateId));
            }
        });
    }

    /**
     * Replay records: one aggregate's records in order, aggregates in parallel. Then, per replay and shard,
     * the highest sequence number processed below any record to retry is marked applied for payouts.
     */
    private List<String> replay(List<Replayed> records, Context context) {
        String name = wiring.processor().name();
        List<String> failed = Collections.synchronizedList(new ArrayList<>());
        // Records of a replay that has ended (stopped, failed) cause nothing: its generation was dropped and its
        // gateway mode is no longer used. Checked again while the batch runs, so a stop cuts a long batch short.
        EndedReplays ended = new EndedReplays();
        records = records.stream().filter(r -> !ended.test(r.record().replayId())).toList();
        Map<String, List<Replayed>> byAggregate = PerAggregate.group(records, r -> r.record().aggregateId());
        // One gateway report per replay for the whole batch, written once (when anything happened) and named by
        // where the batch starts; a redelivered batch's report repeats entries, which the merge counts once.
        Map<String, GatewayReport> reports = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, String> firstOf = new LinkedHashMap<>();
        Map<String, String> modeOf = new HashMap<>();
        for (Replayed r : records) {
            firstOf.putIfAbsent(r.record().replayId(), r.shardId() + "-" + r.sequenceNumber());
            modeOf.putIfAbsent(r.record().replayId(), r.record().gatewayMode());
        }
        PerAggregate.forEach(byAggregate, WORKERS, (aggregateId, stream) -> {
            for (Replayed r : stream) {
                if (ended.test(r.record().replayId())) return;
                try {
                    PlaybackRecord rec = r.record();
                    replay.apply(rec.replayId(), rec.generation(), PayoutReplay.runOf(rec), rec.events(),
                            reports.computeIfAbsent(rec.replayId(), this::report));
                } catch (RuntimeException e) {
                    log(context, "payouts: playback record " + r.sequenceNumber() + " of replay " + r.record().replayId() + " failed: " + e);
                    failed.add(r.sequenceNumber());
                    return; // later records of this aggregate wait for this one's retry
                }
            }
        });
        reports().ifPresent(g -> reports.forEach((replayId, report) -> {
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
        Set<String> givenUp = PlaybackMarks.mark(wiring.replays(), List.of(name),
                records.stream().map(r -> new PlaybackMarks.Processed(r.shardId(), r.sequenceNumber(), r.record())).toList(),
                new HashSet<>(failed));
        // A record given up on is not retried: its shard moves on, and its replay fails naming it.
        if (!givenUp.isEmpty()) log(context, "payouts: playback records " + givenUp + " given up; their replays fail");
        return failed.stream().filter(f -> !givenUp.contains(f)).toList();
    }

    /** Whether a replay has ended, read at most every {@value #ENDED_RECHECK_MILLIS} ms per replay; an ended replay stays ended. */
    private final class EndedReplays implements java.util.function.Predicate<String> {
        private final Map<String, Boolean> ended = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<String, Long> readAt = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public boolean test(String replayId) {
            if (Boolean.TRUE.equals(ended.get(replayId))) return true;
            long now = System.nanoTime();
            Long at = readAt.get(replayId);
            if (at == null || now - at > ENDED_RECHECK_MILLIS * 1_000_000L) {
                readAt.put(replayId, now);
                ended.put(replayId, wiring.replays().find(replayId).map(r -> r.status().ended()).orElse(false));
            }
            return Boolean.TRUE.equals(ended.get(replayId));
        }
    }

    private static final long ENDED_RECHECK_MILLIS = 250;

    /** A replay's report, journaled as it goes (what reached outside survives a crash before the batch's piece is written). */
    private GatewayReport report(String replayId) {
        return reports().map(g -> new GatewayReport(g.journal(replayId, wiring.processor().name()))).orElseGet(GatewayReport::new);
    }

    private java.util.Optional<GatewayReports> reports() {
        if (wiring.reportBucket() == null || wiring.s3() == null) return java.util.Optional.empty();
        return java.util.Optional.of(new GatewayReports(new S3PayloadStore(wiring.s3(), wiring.reportBucket())));
    }

    private static void log(Context context, String message) {
        if (context != null) context.getLogger().log(message + "\n");
        else System.err.println(message);
    }
}
