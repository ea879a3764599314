package dev.playback.lambdas.payouts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.lambdas.config.Environment;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayMode;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.MissingRecord;
import dev.playback.model.replay.PlaybackRecord;
import dev.playback.model.ledger.Ledger;
import dev.playback.model.ledger.PayoutsProcessor;
import dev.playback.model.ledger.PayoutsState;
import dev.playback.model.processor.CatchUp;
import dev.playback.model.processor.Projector;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.StateStore;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The payouts processor in a replay: brings aggregates' {@code payouts} state in a replay generation up to
 * given versions, reading their events from the events table (idempotent by version, gaps filled, events
 * upcast), with the gateway in the replay's mode. The entry point for the replay handler.
 *
 * <pre>
 * PayoutReplay replay = new PayoutReplay(System.getenv());            // or new PayoutReplay(PayoutsWiring)
 * GatewayRun run = GatewayRun.replay(replayId, GatewayMode.parse("diff"), MissingRecord.parse("fail"));
 * PayoutReplay.Result r = replay.apply(replayId, generation, run, events);  // a batch (events carry versions)
 * PayoutReplay.Result r = replay.rebuild(replayId, generation, run, aggregateId); // a whole aggregate
 * r.toJson()   // {"processor":"payouts","aggregates":n,"sent":..,"suppressed":..,"corrections":[..],"liveQueries":[..]}
 * </pre>
 * Calling it again with the same replay id (a resumed replay) sends no correction twice.
 */
public final class PayoutReplay {
    /** The outcome of one call: aggregates brought up to date and what the gateway did. */
    public record Result(String replayId, String mode, int aggregates, GatewayReport report) {
        public ObjectNode toJson() {
            ObjectNode n = report.toJson();
            n.put("processor", PayoutsProcessor.NAME);
            n.put("replayId", replayId);
            n.put("gatewayMode", mode);
            n.put("aggregates", aggregates);
            return n;
        }
    }

    private final PayoutsProcessor processor;
    private final GatewayPorts gateway;
    private final EventStore events;
    private final StateStore states;

    public PayoutReplay(Map<String, String> environment) {
        this(PayoutsWiring.from(new Environment(environment), "PayoutReplay"));
    }

    public PayoutReplay(PayoutsWiring w) {
        this(w.processor(), w.gateway(), w.events(), w.states());
    }

    public PayoutReplay(PayoutsProcessor processor, GatewayPorts gateway, EventStore events, StateStore states) {
        this.processor = processor;
        this.gateway = gateway;
        this.events = events;
        this.states = states;
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
        Map<String, List<EventEnvelope>> byAggregate = new LinkedHashMap<>();
        for (EventEnvelope e : batch) {
            if (e.version() == null) throw new IllegalArgumentException("replayed event " + e.eventId() + " has no version");
            byAggregate.computeIfAbsent(e.aggregateId(), k -> new java.util.ArrayList<>()).add(e);
        }
        Projector<PayoutsState> projector = projector(run, report);
        for (var entry : byAggregate.entrySet()) {
            List<EventEnvelope> events = new java.util.ArrayList<>(entry.getValue());
            events.sort(java.util.Comparator.comparingLong(EventEnvelope::versionOrZero));
            CatchUp c = projector.applyPlayback(generation, events);
            long target = events.get(events.size() - 1).versionOrZero();
            if (!c.complete()) {
                throw new IllegalStateException("replay " + replayId + ": events table does not hold version " + target
                        + " of " + entry.getKey() + " (at " + c.version() + ")");
            }
        }
        return new Result(replayId, GatewayMode.format(run.mode()), byAggregate.size(), report);
    }

    private Projector<PayoutsState> projector(GatewayRun run, GatewayReport report) {
        return new Projector<>(new GatewayBinding<>(processor, gateway, run, report), events, states, Ledger.catalog());
    }

    /** Rebuilds one aggregate from its full stream. */
    public Result rebuild(String replayId, String generation, GatewayRun run, String aggregateId) {
        return run(replayId, generation, run, Map.of(aggregateId, Long.MAX_VALUE), new GatewayReport());
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

    private Result run(String replayId, String generation, GatewayRun run, Map<String, Long> targets, GatewayReport report) {
        if (run.isLive()) throw new IllegalArgumentException("a replay cannot run the gateway live; choose suppress, diff or allow:<gateway>");
        Projector<PayoutsState> projector = projector(run, report);
        for (var t : targets.entrySet()) {
            CatchUp c = projector.catchUp(generation, t.getKey(), t.getValue());
            if (!c.complete()) {
                throw new IllegalStateException("replay " + replayId + ": events table does not hold version " + t.getValue()
                        + " of " + t.getKey() + " (at " + c.version() + ")");
            }
        }
        return new Result(replayId, GatewayMode.format(run.mode()), targets.size(), report);
    }
}
