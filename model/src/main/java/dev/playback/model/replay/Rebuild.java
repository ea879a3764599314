package dev.playback.model.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.batch.PerAggregate;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.Generations;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A full rebuild (and the publishing half of a verification): prepares the replay and its generation,
 * publishes the events table segment by segment to the playback stream with a checkpoint after every
 * batch, tells when the projection has drained it, and switches the active generation.
 */
public final class Rebuild {
    static final int DEFAULT_SEGMENTS = 4;
    /** As many segments as a Distributed Map runs child executions at once at most (10,000 on AWS). */
    static final int MAX_SEGMENTS = 10_000;
    /**
     * Segments published at once per open shard of the playback stream. A segment's child execution publishes one
     * page (up to 500 records, spread over every shard by aggregate id) per round trip of read, put and checkpoint,
     * which keeps roughly half of one shard's 1,000 records/s write limit busy: two per shard fill the stream
     * without throttling it, and the processors read each shard at its 2 MB/s.
     */
    static final int PUBLISHERS_PER_SHARD = 2;
    static final int DEFAULT_BATCH = 500;
    static final int MAX_BATCH = 500;
    /**
     * Stay well under Step Functions' 25,000 history events; a publish round costs about 7 in the history of the
     * segment's own child execution (the Distributed Map's children do not count toward the parent's history).
     */
    static final int HISTORY_BUDGET = 18_000;
    static final int HISTORY_EVENTS_PER_ROUND = 7;
    /**
     * Drain checks one execution makes before it continues as new: each costs about 9 history events (the check,
     * the choice, the one-second wait), so the wait stays within the history limit beside a full publishing budget.
     */
    static final int MAX_DRAIN_WAITS = 500;
    private static final Pattern GENERATION = Pattern.compile("g(\\d+)");

    private final ReplayPorts ports;
    private final Checkpoints checkpoints;

    private final boolean eventReplaysMaySend;

    Rebuild(ReplayPorts ports, Checkpoints checkpoints, boolean eventReplaysMaySend) {
        this.ports = ports;
        this.checkpoints = checkpoints;
        this.eventReplaysMaySend = eventReplaysMaySend;
    }

    /** The publish rounds of one segment's child execution. */
    public static int maxRounds() {
        return HISTORY_BUDGET / HISTORY_EVENTS_PER_ROUND;
    }

    /**
     * How many segments publish at once (the Distributed Map's MaxConcurrency at its start; {@code playback
     * replay-concurrency} changes it while it runs): {@link #PUBLISHERS_PER_SHARD} per open shard of the playback
     * stream, at most the segment count.
     */
    public static int concurrency(int segments, int openShards) {
        return Math.max(1, Math.min(segments, PUBLISHERS_PER_SHARD * Math.max(1, openShards)));
    }

    ObjectNode prepare(ReplayKind kind, JsonNode request, String execution) {
        if (kind == ReplayKind.PARTIAL) throw new IllegalArgumentException("kind must be rebuild or verify for prepare");
        ReplayRequest asked = ReplayRequest.of(request, execution);
        JsonNode r = asked.request();
        if (r.has("knownAt") && kind != ReplayKind.VERIFY) {
            throw new IllegalArgumentException("field 'knownAt' applies to partial replays and verifications only: a rebuild ends in "
                    + "the live states, which hold every event; to reproduce the states as known at an instant, request a partial replay with 'knownAt'");
        }
        // A verification as known at an instant: checks the folds of what was known then against the snapshots of then.
        Instant knownAt = kind == ReplayKind.VERIFY ? PartialReplay.knownAt(r, ports.clock().instant()) : null;
        String replayId = checkpoints.idOrNew(Requests.text(r, "replayId"));
        Replay existing = ports.replays().find(replayId).orElse(null);
        boolean resumed = existing != null;
        if (existing == null) {
            List<String> processors = checkpoints.processors(Requests.strings(r, "processors"));
            int segments = Requests.integer(r, "segments", DEFAULT_SEGMENTS, 1, MAX_SEGMENTS);
            int batchSize = Requests.integer(r, "batchSize", DEFAULT_BATCH, 1, MAX_BATCH);
            boolean reportOnly = Requests.bool(r, "reportOnly");
            if (reportOnly && kind != ReplayKind.VERIFY) throw new IllegalArgumentException("field 'reportOnly' applies to verify only");
            Checkpoints.GatewayPolicy gateway = Checkpoints.gatewayPolicy(r);
            if (kind != ReplayKind.VERIFY) Checkpoints.refusePredict(gateway);
            asked.requireAllowed(gateway.mode(), eventReplaysMaySend);
            String generation = kind == ReplayKind.VERIFY ? "shadow-" + replayId : nextGeneration();
            JsonNode scope = knownAt == null ? null : EventCodec.JSON.createObjectNode().put("knownAt", knownAt.toString());
            Replay replay = new Replay(replayId, kind, generation, processors, segments, batchSize, reportOnly,
                    ReplayStatus.RUNNING, ports.clock().instant(), null, scope, 0, 0, 0, null, gateway.mode(), gateway.missingRecords(),
                    asked.requestedBy());
            if (ports.replays().create(replay)) {
                existing = replay;
            } else {
                existing = checkpoints.require(replayId);
                resumed = true;
            }
        }
        if (existing.kind() != kind) {
            throw new IllegalArgumentException("replay '" + replayId + "' is a " + existing.kind().wireName() + ", not a " + kind.wireName());
        }
        if (resumed) Checkpoints.sameGatewayPolicy(existing, r);
        asked.requireAllowed(existing.gatewayMode(), eventReplaysMaySend);
        if (existing.status().ended()) {
            throw new IllegalArgumentException("replay '" + replayId + "' has ended " + existing.status() + " (" + existing.detail()
                    + "); its generation " + existing.generation() + " was dropped: start a new replay with another replayId");
        }
        // The newest execution of a replay id runs it: an older one still running stops at its next call.
        if (execution != null && existing.status() == ReplayStatus.RUNNING) ports.replays().runBy(replayId, execution);
        // not ended (refused above): RUNNING, or SUCCEEDED and built already
        if (existing.status() != ReplayStatus.SUCCEEDED) {
            // a verification with knownAt builds no generation (it folds on its own, nothing is published)
            if (KnownAtVerification.knownAt(existing) == null) {
                for (String p : existing.processors()) ports.states().startBuilding(p, existing.generation());
            }
        }
        ObjectNode out = EventCodec.JSON.createObjectNode();
        out.put("replayId", replayId);
        out.put("kind", kind.wireName());
        out.put("generation", existing.generation());
        ArrayNode processors = out.putArray("processors");
        existing.processors().forEach(processors::add);
        ArrayNode segments = out.putArray("segments");
        for (int s = 0; s < existing.segments(); s++) segments.add(s);
        out.put("batchSize", existing.batchSize());
        out.put("gatewayMode", existing.gatewayMode());
        out.put("missingRecords", existing.missingRecords());
        out.put("maxRounds", maxRounds());
        out.put("concurrency", concurrency(existing.segments(), ports.playback().openShards()));
        // Map runs this execution started after the first (NextMapRun in replay.asl.json), before it continues as new.
        out.putObject("mapRuns").put("started", 0);
        out.put("resumed", resumed);
        out.putObject("drain").put("drained", false).put("waits", 0);
        return out;
    }

    /**
     * {@code g<N+1>} where N is the highest generation number any processor knows (active, previous, building), or
     * the next one no replay has claimed yet.
     */
    private String nextGeneration() {
        long highest = 0;
        for (String p : checkpoints.allProcessors()) {
            Generations g = ports.states().generations(p);
            List<String> names = new ArrayList<>(g.building());
            names.add(g.active());
            if (g.previous() != null) names.add(g.previous());
            for (String name : names) {
                Matcher m = GENERATION.matcher(name);
                if (m.matches()) highest = Math.max(highest, Long.parseLong(m.group(1)));
            }
        }
        // A generation a replay that ended has dropped is not used again (its replay keeps its name).
        long next = highest + 1;
        while (ports.replays().building("g" + next).isPresent()) next++;
        return "g" + next;
    }

    /**
     * Publishes the segment's next batches for {@code owner} (the execution; null: none named). An execution
     * first claims the segment: from then on a publisher of another execution (one stopped while its call
     * still runs) cannot advance the checkpoint and gives the segment up after at most the batch it had in hand.
     */
    ObjectNode publish(String replayId, int segment, int round, int maxRounds, String owner) {
        Replay replay = checkpoints.require(replayId);
        checkpoints.requireRunBy(replay, owner);
        if (segment < 0 || segment >= replay.segments()) {
            throw new IllegalArgumentException("segment " + segment + " is out of range: replay '" + replayId + "' has segments 0.." + (replay.segments() - 1));
        }
        SegmentCheckpoint c = ports.replays().checkpoint(replayId, segment).orElse(SegmentCheckpoint.start(replayId, segment));
        for (int attempt = 0; owner != null && !owner.equals(c.owner()) && !c.done(); attempt++) {
            if (ports.replays().advanceCheckpoint(c, c.withOwner(owner))) {
                c = c.withOwner(owner);
                break;
            }
            if (attempt == 20) throw new IllegalStateException("segment " + segment + " of replay " + replayId + " kept moving; not claimed by " + owner);
            c = ports.replays().checkpoint(replayId, segment).orElse(SegmentCheckpoint.start(replayId, segment));
        }
        long deadline = System.nanoTime() + ports.publishBudget().toNanos();
        long publishedNow = 0;
        boolean knownAt = KnownAtVerification.knownAt(replay) != null;
        while (!c.done()) {
            EventPage page = ports.pages().page(segment, replay.segments(), c.lastKey(), replay.batchSize());
            // A verification with knownAt compares the page's aggregates itself and publishes nothing.
            if (knownAt) new KnownAtVerification(ports, checkpoints).verifyPage(replay, segment, c.batches(), page.events());
            List<PlaybackRecord> records = knownAt ? List.of() : records(replay, page.events());
            Map<String, String> written = records.isEmpty() ? Map.of() : ports.playback().publish(records);
            int published = knownAt ? 0 : page.events().size();
            publishedNow += published;
            // The checkpoint follows the batch: a crash in between publishes this one batch again, and the
            // projection skips what it applied already.
            SegmentCheckpoint next = c.next(page.lastKey(), published, written);
            if (!ports.replays().advanceCheckpoint(c, next)) {
                // Another publisher of this segment (a resumed execution while a stopped one's call was still
                // running) moved the checkpoint: leave the segment to it; this batch went out once more.
                c = ports.replays().checkpoint(replayId, segment).orElse(next);
                break;
            }
            c = next;
            if (System.nanoTime() >= deadline) break;
        }
        ObjectNode out = EventCodec.JSON.createObjectNode();
        out.put("replayId", replayId);
        out.put("segment", segment);
        out.put("round", round + 1);
        out.put("maxRounds", maxRounds);
        // The segment's child execution calls again as the same owner: the parent execution that runs the replay.
        if (owner != null) out.put("owner", owner);
        out.put("done", c.done());
        out.put("published", c.published());
        // for the metrics (ReplayEventsPublished): this call's events, and the generation they went to
        out.put("publishedNow", publishedNow);
        out.put("generation", replay.generation());
        return out;
    }

    /** A page's events as playback records: one per aggregate, its events in version order. */
    static List<PlaybackRecord> records(Replay replay, List<EventEnvelope> events) {
        Map<String, List<EventEnvelope>> byAggregate = PerAggregate.group(events, EventEnvelope::aggregateId);
        List<PlaybackRecord> out = new ArrayList<>();
        for (List<EventEnvelope> stream : byAggregate.values()) {
            stream.sort(Comparator.comparingLong(EventEnvelope::versionOrZero));
            out.add(new PlaybackRecord(replay.replayId(), replay.generation(), replay.processors(), stream, replay.gatewayMode(),
                    replay.missingRecords()));
        }
        return out;
    }

    ObjectNode progress(String replayId) {
        Replay replay = checkpoints.require(replayId);
        List<SegmentCheckpoint> segments = checkpoints.segments(replay);
        ObjectNode out = EventCodec.JSON.createObjectNode();
        out.put("allPublished", segments.stream().allMatch(SegmentCheckpoint::done));
        out.put("published", segments.stream().mapToLong(SegmentCheckpoint::published).sum());
        return out;
    }

    /**
     * Whether every processor of the replay applied every record published for it: per shard, its mark reached the
     * highest sequence number published, and the events it applied (each record counted once) add up to those
     * published. A record a processor gave up on (it failed more than AppliedShard.RETRIES times), or events missing
     * although every mark was reached, fail the replay with an error that names them; the active generation stays.
     * {@code waits}: drain checks this execution made before (it continues as new after {@link #MAX_DRAIN_WAITS}).
     */
    ObjectNode drained(String replayId, int waits) {
        Replay replay = checkpoints.require(replayId);
        List<SegmentCheckpoint> segments = checkpoints.segments(replay);
        Map<String, String> published = Checkpoints.publishedShards(segments);
        boolean allPublished = segments.stream().allMatch(SegmentCheckpoint::done);
        long publishedEvents = segments.stream().mapToLong(SegmentCheckpoint::published).sum();
        boolean drained = allPublished;
        long applied = Long.MAX_VALUE;
        ObjectNode perProcessor = EventCodec.JSON.createObjectNode();
        List<String> skipped = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        // Every processor of the replay consumes the playback stream on its own: each must have processed
        // every shard up to what was published, and applied every event published.
        for (String processor : replay.processors()) {
            Map<String, ReplayStore.AppliedShard> done = ports.replays().appliedShards(replayId, processor, published.keySet());
            boolean reached = true;
            long count = 0;
            for (var shard : published.entrySet()) {
                ReplayStore.AppliedShard a = done.get(shard.getKey());
                if (a == null || a.sequenceNumber() == null || SequenceNumbers.compare(a.sequenceNumber(), shard.getValue()) < 0) reached = false;
            }
            for (var shard : done.entrySet()) {
                ReplayStore.AppliedShard a = shard.getValue();
                count += a.events();
                a.failed().forEach((seq, what) -> {
                    if (a.skipped(seq)) {
                        skipped.add("processor " + processor + " could not apply playback record " + seq + " of " + shard.getKey()
                                + " (" + what + "; " + a.attempts().getOrDefault(seq, 0) + " attempts)");
                    }
                });
            }
            if (!reached) drained = false;
            if (allPublished && reached && count < publishedEvents) {
                missing.add("processor " + processor + " applied " + count + " of the " + publishedEvents + " events published");
            }
            perProcessor.put(processor, count);
            applied = Math.min(applied, count);
        }
        if (!skipped.isEmpty() || !missing.isEmpty()) {
            List<String> all = new ArrayList<>(skipped);
            all.addAll(missing);
            throw new IllegalStateException("replay " + replayId + " cannot switch to " + replay.generation() + ": " + String.join("; ", all)
                    + "; the active generation is unchanged");
        }
        ObjectNode out = EventCodec.JSON.createObjectNode();
        out.put("drained", drained);
        out.put("published", publishedEvents);
        out.put("applied", applied == Long.MAX_VALUE ? 0 : applied);
        out.set("appliedBy", perProcessor);
        out.put("waits", drained ? waits : waits + 1);
        out.put("continueAsNew", !drained && waits + 1 >= MAX_DRAIN_WAITS);
        return out;
    }

    /** Switches every processor of the replay to its generation, one conditional write each. */
    ObjectNode finish(Replay replay) {
        String previous = null;
        Map<String, String> previousOf = new LinkedHashMap<>();
        for (String p : replay.processors()) {
            String before = switchTo(p, replay.generation());
            if (previous == null) previous = before;
            previousOf.put(p, before);
        }
        boolean onePrevious = previousOf.values().stream().distinct().count() == 1;
        String kept = previous == null ? "" : onePrevious ? " (previous " + previous + " kept for rollback)"
                : " (previous " + previousOf.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(java.util.stream.Collectors.joining(", ")) + " kept for rollback)";
        long published = checkpoints.segments(replay).stream().mapToLong(SegmentCheckpoint::published).sum();
        ObjectNode out = EventCodec.JSON.createObjectNode();
        out.put("replayId", replay.replayId());
        out.put("kind", replay.kind().wireName());
        out.put("generation", replay.generation());
        out.put("previous", previous);
        out.put("failed", false);
        String gateway = "";
        if (checkpoints.hasExternalEffects(replay)) {
            gateway = new GatewayReports(ports.reports()).publishInto(out, replay.replayId(), replay.gatewayMode());
        }
        out.put("summary", "rebuild " + replay.replayId() + ": " + published + " events replayed into " + replay.generation()
                + "; " + String.join(", ", replay.processors()) + " now read " + replay.generation()
                + kept + gateway);
        ports.replays().update(replay.withStatus(ReplayStatus.SUCCEEDED, out.get("summary").asText()).withResult(out));
        return out;
    }

    /**
     * Returns the generation that was active before (the new previous). The generation that was previous before is
     * no longer kept for anything: its items are deleted.
     */
    private String switchTo(String processor, String generation) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Generations g = ports.states().generations(processor);
            if (g.active().equals(generation)) return g.previous(); // switched already (a repeated finish)
            if (ports.states().activate(processor, g.active(), generation)) {
                String dropped = g.previous();
                if (dropped != null && !dropped.equals(generation) && !dropped.equals(g.active())) ports.states().discard(processor, dropped);
                return g.active();
            }
        }
        throw new IllegalStateException("the active generation of " + processor + " kept changing; " + generation + " was not activated");
    }
}
