package dev.playback.model.playback;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.batch.PerAggregate;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayMode;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayProcessor;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.MissingRecord;
import dev.playback.model.processor.CatchUp;
import dev.playback.model.processor.Projector;
import dev.playback.model.processor.Snapshots;
import dev.playback.model.replay.PlaybackRecord;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.StateStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A processor with external effects in a replay: brings aggregates' state in a replay generation up to given
 * versions, reading their events from the events table where there is a gap (idempotent by version, events upcast),
 * with the gateway in the replay's mode.
 *
 * <pre>
 * GatewayRun run = GatewayRun.replay(replayId, GatewayMode.parse("diff"), MissingRecord.parse("fail"));
 * GatewayReplay.Result r = replay.apply(replayId, generation, run, events);  // a batch (events carry versions)
 * GatewayReplay.Result r = replay.rebuild(replayId, generation, run, aggregateId); // a whole aggregate
 * r.toJson()   // {"processor":"<name>","aggregates":n,"sent":..,"suppressed":..,"corrections":[..],"liveQueries":[..]}
 * </pre>
 * Calling it again with the same replay id (a resumed replay) sends no correction twice.
 */
public final class GatewayReplay {
    /** The outcome of one call: aggregates brought up to date and what the gateway did. */
    public record Result(String processor, String replayId, String mode, int aggregates, GatewayReport report) {
        public ObjectNode toJson() {
            ObjectNode n = report.toJson();
            n.put("processor", processor);
            n.put("replayId", replayId);
            n.put("gatewayMode", mode);
            n.put("aggregates", aggregates);
            return n;
        }
    }

    private final GatewayProcessor<?> processor;
    private final GatewayPorts gateway;
    private final EventStore events;
    private final StateStore states;
    private final EventCatalog catalog;
    private final Snapshots snapshots;

    public GatewayReplay(GatewayProcessor<?> processor, GatewayPorts gateway, EventStore events, StateStore states, EventCatalog catalog) {
        this(processor, gateway, events, states, catalog, Snapshots.none());
    }

    /** @param snapshots written when a saved state crosses a multiple of the processor's interval, folded from the recorded answers */
    public GatewayReplay(GatewayProcessor<?> processor, GatewayPorts gateway, EventStore events, StateStore states, EventCatalog catalog,
                         Snapshots snapshots) {
        this.processor = processor;
        this.gateway = gateway;
        this.events = events;
        this.states = states;
        this.catalog = catalog;
        this.snapshots = snapshots;
    }

    public String processorName() {
        return processor.name();
    }

    /** Brings every aggregate of {@code batch} up to the highest version of its events in the batch. */
    public Result apply(String replayId, String generation, GatewayRun run, List<EventEnvelope> batch) {
        return apply(replayId, generation, run, batch, new GatewayReport());
    }

    /**
     * The same, reporting into {@code report} (one report for several calls). Each aggregate's events are applied
     * as they came when they follow on from its stored state, and read from the events table where there is a gap.
     */
    public Result apply(String replayId, String generation, GatewayRun run, List<EventEnvelope> batch, GatewayReport report) {
        if (run.isLive()) throw new IllegalArgumentException("a replay cannot run the gateway live; choose suppress, diff or allow:<gateway>");
        for (EventEnvelope e : batch) {
            if (e.version() == null) throw new IllegalArgumentException("replayed event " + e.eventId() + " has no version");
        }
        Map<String, List<EventEnvelope>> byAggregate = PerAggregate.group(batch, EventEnvelope::aggregateId);
        Projector<?> projector = projector(processor, run, report);
        Map<String, ProcessorState> stored = StoredStates.read(states, processor.name(), generation, StoredStates.firstVersions(byAggregate));
        for (var entry : byAggregate.entrySet()) {
            List<EventEnvelope> events = new ArrayList<>(entry.getValue());
            events.sort(Comparator.comparingLong(EventEnvelope::versionOrZero));
            CatchUp c = projector.applyPlayback(generation, events, java.util.Optional.ofNullable(stored.get(entry.getKey())));
            long target = events.get(events.size() - 1).versionOrZero();
            if (!c.complete()) {
                throw new IllegalStateException("replay " + replayId + ": events table does not hold version " + target
                        + " of " + entry.getKey() + " (at " + c.version() + ")");
            }
        }
        return new Result(processor.name(), replayId, GatewayMode.format(run.mode()), byAggregate.size(), report);
    }

    private <S> Projector<S> projector(GatewayProcessor<S> p, GatewayRun run, GatewayReport report) {
        return new Projector<>(new GatewayBinding<>(p, gateway, run, report), events, states, catalog, snapshots,
                GatewayBinding.recordedAnswers(p, gateway));
    }

    /** Rebuilds one aggregate from its full stream in the events table. */
    public Result rebuild(String replayId, String generation, GatewayRun run, String aggregateId) {
        if (run.isLive()) throw new IllegalArgumentException("a replay cannot run the gateway live; choose suppress, diff or allow:<gateway>");
        GatewayReport report = new GatewayReport();
        CatchUp c = projector(processor, run, report).catchUp(generation, aggregateId, Long.MAX_VALUE);
        if (!c.complete()) {
            throw new IllegalStateException("replay " + replayId + ": events table does not hold all of " + aggregateId + " (at " + c.version() + ")");
        }
        return new Result(processor.name(), replayId, GatewayMode.format(run.mode()), 1, report);
    }

    /** A playback-stream record, in its replay's gateway mode. */
    public Result apply(PlaybackRecord record) {
        return apply(record.replayId(), record.generation(), runOf(record), record.events());
    }

    /** The gateway run a playback record asks for; errors name the field. */
    public static GatewayRun runOf(PlaybackRecord record) {
        GatewayMode mode;
        try {
            mode = GatewayMode.parse(record.gatewayMode());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("playback record field 'gatewayMode': " + e.getMessage());
        }
        MissingRecord missing;
        try {
            missing = MissingRecord.parse(record.missingRecords());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("playback record field 'missingRecords': " + e.getMessage());
        }
        return GatewayRun.replay(record.replayId(), mode, missing);
    }
}
