package dev.playback.tools.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The one model of the replay machines' work: from a {@link Scope} and the run's {@link Settings} to the
 * {@link WorkCounts} AWS bills and the duration, bounded by the slowest quota in the path.
 *
 * <p>Rebuild and verify (statemachines/replay.asl.json): Prepare; a Map over the Scan segments whose item runs
 * {@code Publish} and the choice {@code SegmentDone?} once per publish call and {@code SegmentFinished} once; Progress and
 * ContinueOrDrain; a segment's child execution makes at most {@code maxRounds} publish calls per map run, NextMapRun starts
 * another map run (up to {@link #MAP_RUNS_PER_EXECUTION} per execution), then the execution continues as new (ContinueAsNew,
 * Continued); the last one loops AwaitDrain, Drained? and the one-second WaitForProjection until the processors drained,
 * then Finish, Outcome?, Succeeded. Run as a Distributed Map the same states run in the child executions (one per
 * segment and map run), so the count is the same but for the map runs' own states. A publish call pages its segment
 * (a consistent Scan of up to {@code batchSize} events), writes each page as one playback record per aggregate and
 * checkpoints after every page, until its segment is done or its time budget is spent.
 *
 * <p>Partial replay (statemachines/partial-replay.asl.json): FindAggregates (index queries), then one child per
 * {@code aggregatesPerChild} aggregates running RebuildAggregates, which reads each aggregate's whole stream (a consistent
 * Query) and saves its state once per processor, then Report. No playback stream.
 *
 * <p>The throughput figures below are the model's assumptions for AWS (not quotas): they bound the duration only when
 * no quota is slower, and the plan names the bound it used.
 */
public final class ReplayMachineModel {
    /** A playback record's own bytes beside its events (replay id, generation, processors, gateway mode, JSON framing). */
    static final double RECORD_OVERHEAD_BYTES = 250;
    /** Events one publish call moves per second on AWS (a Scan page, a PutRecords, a checkpoint per 500 events). */
    static final double PUBLISH_EVENTS_PER_SECOND = 5_000;
    /** Events one processor function applies per second on one shard (a BatchGetItem and a BatchWriteItem per 500 records). */
    static final double APPLY_EVENTS_PER_SECOND_PER_SHARD = 2_000;
    /** Events one RebuildAggregates call reads and applies per second. */
    static final double REBUILD_AGGREGATES_EVENTS_PER_SECOND = 2_000;
    /** Seconds from the last publish until the processors' batching window (1 s) and last invocation have applied it. */
    static final double DRAIN_SECONDS = 2;
    /** Seconds a call that is not a publish call takes (prepare, progress, drained?, finish). */
    static final double SHORT_CALL_SECONDS = 0.2;
    /** The event source mappings' BatchSize on the playback stream (template.yaml). */
    static final int RECORDS_PER_INVOCATION = 500;
    /** States a processor function remembers per container (ProcessorHandler.CACHED_STATES). */
    static final int STATES_REMEMBERED = 500;
    /** Rebuild.MAX_DRAIN_WAITS (package-private there): drain checks of one execution before it continues as new. */
    static final int MAX_DRAIN_WAITS = 500;
    /** Map runs of one execution (statemachines/replay.asl.json: the first, then NextMapRun while mapRuns.started < 20). */
    static final int MAP_RUNS_PER_EXECUTION = 21;
    /** The partial replay's batches (statemachines/partial-replay.asl.json: ItemBatcher MaxItemsPerBatch). */
    static final int PARTIAL_BATCH = 250;
    /** The partial replay's child executions at once (statemachines/partial-replay.asl.json: MaxConcurrency). */
    static final int PARTIAL_CONCURRENCY = 16;

    private ReplayMachineModel() {
    }

    /**
     * How the replay runs: Scan segments, playback shards, events per batch, the functions consuming the playback stream
     * ({@code consumers}), the processors whose state the replay writes, memory and architecture of the functions, a
     * publish call's time budget, the map's concurrency (0: the machine's own: {@code Rebuild.concurrency} for a
     * rebuild, 16 children for a partial replay), aggregates per partial-replay child and the mean write units of a
     * saved state (1 for items under 1 KB).
     */
    public record Settings(int segments, int shards, int batchSize, int consumers, int processors, int replayMemoryMb,
                           int processorMemoryMb, String architecture, double publishBudgetSeconds, int maxConcurrency,
                           int aggregatesPerChild, double stateWriteUnits) {
        public Settings {
            positive("segments", segments);
            positive("shards", shards);
            positive("batchSize", batchSize);
            positive("consumers", consumers);
            positive("processors", processors);
            positive("aggregatesPerChild", aggregatesPerChild);
            if (maxConcurrency < 0) throw new IllegalArgumentException("maxConcurrency must be >= 0 (0: the machine's own), not " + maxConcurrency);
            if (stateWriteUnits < 1) throw new IllegalArgumentException("stateWriteUnits must be >= 1, not " + stateWriteUnits);
            if (publishBudgetSeconds <= 0) throw new IllegalArgumentException("publishBudgetSeconds must be > 0, not " + publishBudgetSeconds);
        }

        /**
         * The deployed template's settings: batches of 500, 1024 MB x86_64 functions, a 20 s publish budget, three
         * processor functions on the playback stream (ProjectionFunction, PayoutsFunction, InvoicingFunction) writing
         * {@code processors} processors' state (the sample domains have four), partial-replay children of 250
         * aggregates, each map at the machine's own concurrency.
         */
        public static Settings deployed(int segments, int shards, int processors) {
            return new Settings(segments, shards, 500, 3, processors, 1024, 1024, "x86_64", 20, 0, PARTIAL_BATCH, 1);
        }

        private static void positive(String name, int value) {
            if (value < 1) throw new IllegalArgumentException(name + " must be at least 1, not " + value);
        }
    }

    /** One limit on the duration: {@code seconds} the work takes at that limit alone. */
    public record Bound(String name, double seconds) {
    }

    /** The model's answer; the structural counts (pages, records, publish calls, executions, drain waits) explain it. */
    public record Prediction(WorkCounts counts, List<Bound> bounds, Bound slowest, double seconds, double pages, double records,
                             double publishCalls, double executions, double drainWaits, double replayCalls, List<String> warnings) {
    }

    public static Prediction predict(Scope scope, Settings s, PriceList q) {
        return scope.shape() == Scope.ReplayShape.PARTIAL ? partial(scope, s, q) : rebuild(scope, s, q);
    }

    private static Prediction rebuild(Scope scope, Settings s, PriceList q) {
        double e = scope.events();
        double a = scope.aggregates();
        int segs = s.segments();
        List<String> warnings = new ArrayList<>();
        double pagesPerSegment = Math.max(1, Math.ceil(e / segs / s.batchSize()));
        double pages = segs * pagesPerSegment;
        // a page is a run of consecutive events in key order: one record per aggregate, plus one where a page boundary
        // inside a segment cuts a stream (at most pages - segments of them)
        double records = e == 0 ? 0 : Math.min(e, a + pages - segs);
        double streamBytes = e * scope.eventBytes() + records * RECORD_OVERHEAD_BYTES;
        double recordBytes = records == 0 ? 0 : streamBytes / records;
        double putUnits = records * (recordBytes <= 25_600 ? 1 : recordBytes / 25_600 + 0.5);

        // concurrency: the publishers (one per segment at a time) and one invocation per shard per consumer share Lambda's limit
        double lambdaLimit = q.quota("lambda.concurrency");
        double consumersConcurrency = (double) s.shards() * s.consumers();
        double publishers = s.maxConcurrency() == 0 ? dev.playback.model.replay.Rebuild.concurrency(segs, s.shards())
                : Math.min(segs, s.maxConcurrency());
        if (publishers > q.quota("sfn.distributedMap.children")) {
            warnings.add(String.format("%,.0f concurrent segments exceed the Distributed Map's %,.0f child executions: capped", publishers,
                    q.quota("sfn.distributedMap.children")));
            publishers = q.quota("sfn.distributedMap.children");
        }
        if (publishers + consumersConcurrency > lambdaLimit) {
            warnings.add(String.format("%,.0f publishers + %,.0f processor invocations exceed Lambda's %,.0f concurrent executions: publishers capped at %,.0f",
                    publishers, consumersConcurrency, lambdaLimit, Math.max(1, lambdaLimit - consumersConcurrency)));
            publishers = Math.max(1, lambdaLimit - consumersConcurrency);
        }
        double scanReadUnits = pages * Math.max(1, Math.ceil(e * scope.eventBytes() / pages / 4096));

        List<Bound> bounds = new ArrayList<>();
        bounds.add(new Bound(String.format("Kinesis writes: %s shards x 1 MB/s", s.shards()),
                streamBytes / (s.shards() * q.quota("kinesis.shard.writeBytesPerSecond"))));
        bounds.add(new Bound(String.format("Kinesis writes: %s shards x 1,000 records/s", s.shards()),
                records / (s.shards() * q.quota("kinesis.shard.writeRecordsPerSecond"))));
        bounds.add(new Bound(String.format("Kinesis reads: %s shards x 2 MB/s shared by %d consumers", s.shards(), s.consumers()),
                streamBytes * s.consumers() / (s.shards() * q.quota("kinesis.shard.readBytesPerSecond"))));
        bounds.add(new Bound("DynamoDB EventsTable reads: table limit", scanReadUnits / q.quota("dynamodb.table.readUnitsPerSecond")));
        bounds.add(new Bound(String.format("DynamoDB EventsTable reads: %d Scan segments x 3,000 RCU/s per partition", segs),
                scanReadUnits / (segs * q.quota("dynamodb.partition.readUnitsPerSecond"))));
        double stateWrites = records * s.processors() * s.stateWriteUnits();
        bounds.add(new Bound("DynamoDB DataTable writes: table limit", (stateWrites + pages) / q.quota("dynamodb.table.writeUnitsPerSecond")));
        bounds.add(new Bound(String.format("publish calls: %,.0f concurrent x %,.0f events/s (model assumption)", publishers, PUBLISH_EVENTS_PER_SECOND),
                e / (publishers * PUBLISH_EVENTS_PER_SECOND)));
        bounds.add(new Bound(String.format("processors: %d shards x %,.0f events/s per function (model assumption)", s.shards(),
                APPLY_EVENTS_PER_SECOND_PER_SHARD), e / (s.shards() * APPLY_EVENTS_PER_SECOND_PER_SHARD)));
        Bound slowestWork = bounds.stream().max(Comparator.comparingDouble(Bound::seconds)).orElseThrow();
        double work = slowestWork.seconds();

        // publish calls: each segment's publisher works for its share of the run, a call per budget, at least one per segment
        double segmentSeconds = work * publishers / segs;
        double callsPerSegment = Math.max(1, Math.min(pagesPerSegment, Math.ceil(segmentSeconds / s.publishBudgetSeconds())));
        double publishCalls = segs * callsPerSegment;
        // a segment's child execution makes at most maxRounds publish calls per map run; an execution runs up to
        // MAP_RUNS_PER_EXECUTION map runs (PublishSegments, then NextMapRun) before it continues as new
        double maxRounds = dev.playback.model.replay.Rebuild.maxRounds();
        double mapRuns = Math.ceil(callsPerSegment / maxRounds);
        double publishExecutions = Math.ceil(mapRuns / MAP_RUNS_PER_EXECUTION);
        double drainWaits = Math.ceil(DRAIN_SECONDS);
        double drainExecutions = Math.floor(drainWaits / MAX_DRAIN_WAITS);
        double executions = publishExecutions + drainExecutions;
        // per execution Prepare; per map run PublishSegments, Progress, ContinueOrDrain and each child's SegmentFinished;
        // NextMapRun between map runs of one execution; Publish and SegmentDone? per publish call; ContinueAsNew and
        // Continued per continued execution; AwaitDrain and Drained?, then per drain wait WaitForProjection, AwaitDrain
        // and Drained?; Finish, Outcome?, Succeeded
        double transitions = publishExecutions + mapRuns * (3 + segs) + (mapRuns - publishExecutions) + 2 * publishCalls
                + 2 * (executions - 1) + 2 + 3 * drainWaits + 3;
        bounds.add(new Bound("Step Functions state transitions/s", transitions / q.quota("sfn.transitionsPerSecond")));
        Bound slowest = bounds.stream().max(Comparator.comparingDouble(Bound::seconds)).orElseThrow();
        double seconds = slowest.seconds() + DRAIN_SECONDS;

        // prepare per execution, progress per map run, the publish calls, the drain checks, finish
        double replayCalls = publishExecutions + mapRuns + publishCalls + (drainWaits + 1) + 1;
        double perShardRecords = records / s.shards();
        double batchesPerShard = perShardRecords == 0 ? 0
                : Math.max(Math.ceil(perShardRecords / RECORDS_PER_INVOCATION), Math.min(perShardRecords, Math.ceil(seconds)));
        double processorCalls = s.consumers() * s.shards() * batchesPerShard;
        double replayGbSeconds = (publishers * segmentSeconds + (replayCalls - publishCalls) * SHORT_CALL_SECONDS) * s.replayMemoryMb() / 1024.0;
        double processorGbSeconds = (s.consumers() * e / APPLY_EVENTS_PER_SECOND_PER_SHARD + processorCalls * SHORT_CALL_SECONDS)
                * s.processorMemoryMb() / 1024.0;

        // DataTable: the processors' state (written once per record and processor; read in bulk per batch and remembered
        // by the function, STATES_REMEMBERED per container and one container per shard and consumer: so read once per
        // aggregate and processor when a shard's aggregates fit, else once per record and processor), a checkpoint per page,
        // the replay and checkpoint reads of each publish call, the progress and drain checks (the replay, its checkpoints,
        // the applied marks of each processor and shard), the generation read and applied mark per invocation and processor
        double perInvocation = processorCalls * s.processors() / s.consumers();
        double dataWrites = stateWrites + pages + perInvocation;
        double stateReads = (a / s.shards() <= STATES_REMEMBERED ? Math.min(records, a) : records) * s.processors();
        double dataReads = stateReads + publishCalls * 2 + (drainWaits + 2) * (1 + segs + s.processors() * s.shards())
                + perInvocation;
        if (scope.shape() == Scope.ReplayShape.VERIFY) dataReads += 2 * scope.totalAggregates() * s.processors();
        WorkCounts counts = new WorkCounts(transitions, 0, 0, replayCalls + processorCalls, replayGbSeconds + processorGbSeconds,
                s.architecture(), records, putUnits, s.shards() * seconds / 3600.0,
                Map.of("EventsTable", scanReadUnits, "DataTable", dataReads), Map.of("DataTable", dataWrites),
                scope.shape() == Scope.ReplayShape.VERIFY ? 1 : 0, 0);
        return new Prediction(counts, List.copyOf(bounds), slowest, seconds, pages, records, publishCalls, executions, drainWaits,
                replayCalls, List.copyOf(warnings));
    }

    private static Prediction partial(Scope scope, Settings s, PriceList q) {
        double e = scope.events();
        double a = scope.aggregates();
        double children = Math.ceil(a / s.aggregatesPerChild());
        double concurrent = Math.min(children, s.maxConcurrency() == 0 ? PARTIAL_CONCURRENCY : s.maxConcurrency());
        concurrent = Math.max(1, Math.min(concurrent, q.quota("lambda.concurrency")));
        // a stream is read by a consistent Query: its bytes in 4 KB units, at least one per aggregate
        double streamReadUnits = Math.max(a, Math.ceil(e * scope.eventBytes() / 4096) + a / 2);
        double stateWrites = a * s.processors() * s.stateWriteUnits();
        List<Bound> bounds = new ArrayList<>();
        bounds.add(new Bound("DynamoDB EventsTable reads: table limit", streamReadUnits / q.quota("dynamodb.table.readUnitsPerSecond")));
        bounds.add(new Bound("DynamoDB DataTable writes: table limit", stateWrites / q.quota("dynamodb.table.writeUnitsPerSecond")));
        bounds.add(new Bound(String.format("RebuildAggregates: %,.0f concurrent children x %,.0f events/s (model assumption)", concurrent,
                REBUILD_AGGREGATES_EVENTS_PER_SECOND), e / (concurrent * REBUILD_AGGREGATES_EVENTS_PER_SECOND)));
        bounds.add(new Bound("Step Functions StartExecution/s (child executions)", children / q.quota("sfn.startExecutionPerSecond")));
        // parent: FindAggregates, AnyInScope?, the map, Report; each child: its Rebuild task
        double transitions = 4 + children;
        bounds.add(new Bound("Step Functions state transitions/s", transitions / q.quota("sfn.transitionsPerSecond")));
        Bound slowest = bounds.stream().max(Comparator.comparingDouble(Bound::seconds)).orElseThrow();
        double seconds = slowest.seconds() + SHORT_CALL_SECONDS * 2;
        double calls = 2 + children;
        double gbSeconds = (e / REBUILD_AGGREGATES_EVENTS_PER_SECOND + calls * SHORT_CALL_SECONDS) * s.replayMemoryMb() / 1024.0;
        // the scope list written once and read once by the ItemReader; the ResultWriter's manifest and result files
        WorkCounts counts = new WorkCounts(transitions, 0, 0, calls, gbSeconds, s.architecture(), 0, 0, 0,
                Map.of("EventsTable", streamReadUnits, "DataTable", a * s.processors() + 2 * children),
                Map.of("DataTable", stateWrites + 2 * children), 3, 1);
        return new Prediction(counts, List.copyOf(bounds), slowest, seconds, 0, 0, 0, 1 + children, 0, calls, List.of());
    }
}
