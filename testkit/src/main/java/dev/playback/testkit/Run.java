package dev.playback.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.CommandLog;
import dev.playback.model.gateway.ExternalCallFailed;
import dev.playback.model.gateway.ExternalSystems;
import dev.playback.model.gateway.Gateway;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayProcessor;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.GatewaySession;
import dev.playback.model.gateway.LoggedCommand;
import dev.playback.model.gateway.QueryKey;
import dev.playback.model.gateway.QueryRecords;
import dev.playback.model.gateway.RecordedQuery;
import dev.playback.model.processor.CannotInvert;
import dev.playback.model.processor.EventNotes;
import dev.playback.model.processor.Processor;
import dev.playback.model.processor.Reversals;
import dev.playback.model.processor.Reversing;

import org.opentest4j.AssertionFailedError;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One run of a processor over events, in memory: versions checked (or given, 1, 2, 3, … per aggregate), each event
 * upcast and applied to its aggregate's state. A processor whose reversals come from the reversed event
 * ({@link Processor#reversalsFromEvents}) has them decided by {@link Reversing}, its targets found among the events of
 * this run and its notes kept in memory; for any other, a reversal it cannot undo from its state is rebuilt without
 * the reversed events ({@link Reversals#refold}), as the projector does. A processor with external effects runs in the live
 * gateway mode against in-memory ports: queries are answered from the recorded answers (of that event, or for every
 * event), commands are sent to a capture and logged, so a reversal's compensation takes back what this run sent.
 */
final class Run<S> {
    /** The processor under test: one without a gateway ({@code plain}) or one with ({@code effectful}); the other is null. */
    record Target<S>(Processor<S> plain, GatewayProcessor<S> effectful) {
        String name() {
            return plain != null ? plain.name() : effectful.name();
        }

        S initial(String aggregateId) {
            return plain != null ? plain.initial(aggregateId) : effectful.initial(aggregateId);
        }

        boolean reversalsFromEvents() {
            return plain != null ? plain.reversalsFromEvents() : effectful.reversalsFromEvents();
        }

        JsonNode encode(S state) {
            return plain != null ? plain.encode(state) : effectful.encode(state);
        }
    }

    private final Target<S> target;
    private final EventCatalog catalog;
    private final Map<QueryKey, RecordedQuery> byEvent = new HashMap<>();
    private final Map<String, RecordedQuery> forEveryEvent = new HashMap<>();
    private final Map<String, List<LoggedCommand>> log = new HashMap<>();
    private final Map<String, S> states = new LinkedHashMap<>();
    private final Map<String, List<EventEnvelope>> streams = new HashMap<>();
    private final Map<String, Long> lastVersion = new HashMap<>();
    private final boolean keepStreams;
    private final GatewayPorts ports;
    /** For a processor whose reversals come from the reversed event: the events of this run by id, and the notes. */
    private final Map<String, EventEnvelope> byId = new HashMap<>();
    private final EventNotes notes = EventNotes.inMemory();
    private EventEnvelope current;
    private List<Outcome.Query> queries = new ArrayList<>();
    private List<Outcome.Command> commands = new ArrayList<>();
    private long commandCount;

    Run(Target<S> target, EventCatalog catalog, List<RecordedQuery> answers, boolean keepStreams) {
        this.target = target;
        this.catalog = catalog;
        this.keepStreams = keepStreams;
        for (RecordedQuery a : answers) {
            if (a.key().eventId() == null) forEveryEvent.put(a.key().site().id() + " " + a.key().requestHash(), a);
            else byEvent.putIfAbsent(a.key(), a);
        }
        this.ports = new GatewayPorts(new Capture(), new Answers(), new MemoryLog());
    }

    /**
     * Applies one event; returns what happened for it. What the processor throws comes out as it is; a missing answer
     * ({@link MissingAnswer}) and a version out of order are assertion errors, test set-up faults rather than behaviour.
     */
    Outcome.Step<S> apply(EventEnvelope given, boolean history) {
        current = given;
        EventEnvelope event = versioned(given);
        current = event;
        queries = new ArrayList<>();
        commands = new ArrayList<>();
        String aggregate = event.aggregateId();
        S before = states.containsKey(aggregate) ? states.get(aggregate) : target.initial(aggregate);
        EventEnvelope upcast = catalog.upcast(event);
        List<EventEnvelope> stream = streams.computeIfAbsent(aggregate, k -> new ArrayList<>());
        if (keepStreams) stream.add(upcast);
        S after;
        try {
            after = applyOne(before, upcast, stream);
        } catch (ExternalCallFailed e) {
            if (e.getCause() instanceof NoAnswer n) throw new MissingAnswer(target.name(), Outcome.describe(event), n.site, n.request);
            throw e;
        }
        states.put(aggregate, after);
        commandCount += commands.size();
        return new Outcome.Step<>(event, history, after, List.copyOf(queries), List.copyOf(commands));
    }

    private S applyOne(S state, EventEnvelope event, List<EventEnvelope> stream) {
        boolean fromEvents = target.reversalsFromEvents();
        if (fromEvents) byId.put(event.eventId(), event);
        if (target.plain() != null) {
            if (fromEvents) return reversing(target.plain()).apply(state, event);
            try {
                return target.plain().apply(state, event);
            } catch (CannotInvert c) {
                return refold(event, stream);
            }
        }
        GatewayProcessor<S> p = target.effectful();
        GatewaySession session = new GatewaySession(p.name(), p::rules, ports, GatewayRun.live(), event, new GatewayReport());
        S next;
        try {
            Recording gateway = new Recording(session);
            next = fromEvents ? reversing(GatewayBinding.through(p, gateway)).apply(state, event) : p.apply(state, event, gateway);
        } catch (CannotInvert c) {
            return refold(event, stream);
        }
        session.finish();
        return next;
    }

    private Reversing<S> reversing(Processor<S> processor) {
        return new Reversing<>(processor, id -> Optional.ofNullable(byId.get(id)), notes, 0);
    }

    private S refold(EventEnvelope event, List<EventEnvelope> stream) {
        if (!keepStreams) {
            throw new IllegalStateException("processor " + target.name() + " cannot undo the reversal " + Outcome.describe(event)
                    + " from its state, and this run keeps no streams to rebuild the aggregate from");
        }
        Processor<S> folding = target.plain() != null ? target.plain()
                : new GatewayBinding<>(target.effectful(), ports, GatewayRun.live(), new GatewayReport());
        return Reversals.refold(folding, event.aggregateId(), stream);
    }

    /** The event with its version: the next of its aggregate, given or checked. */
    private EventEnvelope versioned(EventEnvelope e) {
        long next = lastVersion.getOrDefault(e.aggregateId(), 0L) + 1;
        if (e.version() != null && e.version() != next) {
            throw new AssertionFailedError("event " + e.eventId() + " of aggregate " + e.aggregateId() + " has version " + e.version()
                    + ", expected " + next + ": an aggregate's versions run 1, 2, 3, … without gaps");
        }
        lastVersion.put(e.aggregateId(), next);
        return e.version() == null ? e.withVersion(next) : e;
    }

    /** The event being applied (with its version), or the last one applied. */
    EventEnvelope current() {
        return current;
    }

    Map<String, S> states() {
        return states;
    }

    long commandCount() {
        return commandCount;
    }

    /** The gateway the processor sees: the session of the event, with every query and its answer noted. */
    private final class Recording implements Gateway {
        private final GatewaySession session;

        Recording(GatewaySession session) {
            this.session = session;
        }

        @Override
        public JsonNode query(CallSite site, JsonNode request) {
            JsonNode response = session.query(site, request);
            queries.add(new Outcome.Query(site, request, response));
            return response;
        }

        @Override
        public void send(CallSite site, JsonNode command) {
            session.send(site, command);
        }

        @Override
        public void compensate(CallSite site, String eventId) {
            session.compensate(site, eventId);
        }
    }

    /** A query no answer was given for: raised by the external systems, which this run never reaches. */
    private static final class NoAnswer extends RuntimeException {
        final CallSite site;
        final JsonNode request;

        NoAnswer(CallSite site, JsonNode request) {
            super("no answer for " + site.id() + " " + request);
            this.site = site;
            this.request = request;
        }
    }

    /** The external systems: queries are never asked (answers come from the record), commands are captured. */
    private final class Capture implements ExternalSystems {
        @Override
        public JsonNode query(CallSite site, JsonNode request) {
            throw new NoAnswer(site, request);
        }

        @Override
        public void send(CallSite site, JsonNode command, String idempotencyKey) {
            commands.add(new Outcome.Command(current.eventId(), site, command));
        }
    }

    /** The answers: recorded for the event (an archive's, or a fixture's), else given for every event. */
    private final class Answers implements QueryRecords {
        @Override
        public Optional<RecordedQuery> find(QueryKey key) {
            RecordedQuery recorded = byEvent.get(key);
            if (recorded != null) return Optional.of(recorded);
            return Optional.ofNullable(forEveryEvent.get(key.site().id() + " " + key.requestHash()));
        }

        @Override
        public RecordedQuery put(RecordedQuery record) {
            RecordedQuery before = byEvent.putIfAbsent(record.key(), record);
            return before == null ? record : before;
        }
    }

    /** The command log of this run, per processor and event, one entry per entry id. */
    private final class MemoryLog implements CommandLog {
        @Override
        public List<LoggedCommand> forEvent(String processor, String eventId) {
            return List.copyOf(log.getOrDefault(processor + "\n" + eventId, List.of()));
        }

        @Override
        public LoggedCommand append(LoggedCommand entry) {
            List<LoggedCommand> entries = log.computeIfAbsent(entry.processor() + "\n" + entry.eventId(), k -> new ArrayList<>());
            for (LoggedCommand c : entries) if (c.entryId().equals(entry.entryId())) return c;
            entries.add(entry);
            return entry;
        }
    }
}
