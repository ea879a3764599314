package dev.playback.model.processor;

import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.StateStore;

import java.util.List;
import java.util.Optional;

/**
 * Keeps one processor's state of an aggregate in step with the events table. Idempotent by version:
 * events at or below the applied version are skipped; a gap is filled by reading the missing events
 * from the events table, never guessed. Events are upcast to their current shape before they are applied.
 */
public final class Projector<S> {
    private static final int PAGE = 1000;
    private static final int MAX_CONFLICTS = 10;

    private final Processor<S> processor;
    private final EventStore events;
    private final StateStore states;
    private final EventCatalog catalog;

    public Projector(Processor<S> processor, EventStore events, StateStore states, EventCatalog catalog) {
        this.processor = processor;
        this.events = events;
        this.states = states;
        this.catalog = catalog;
    }

    public Processor<S> processor() {
        return processor;
    }

    /** Applies every stored event up to {@code upTo} (inclusive; {@code Long.MAX_VALUE} = all stored). */
    public CatchUp catchUp(String generation, String aggregateId, long upTo) {
        for (int attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
            Optional<ProcessorState> stored = states.load(processor.name(), generation, aggregateId);
            long from = stored.map(ProcessorState::version).orElse(0L);
            if (from >= upTo) return new CatchUp(aggregateId, 0, from, true);
            S state = stored.map(s -> processor.decode(s.state())).orElseGet(() -> processor.initial(aggregateId));
            long version = from;
            int applied = 0;
            while (version < upTo) {
                List<EventEnvelope> page = events.read(aggregateId, version + 1, PAGE);
                for (EventEnvelope e : page) {
                    if (e.version() > upTo) break;
                    if (e.version() != version + 1) {
                        throw new IllegalStateException("events table has a gap in aggregate " + aggregateId
                                + ": expected version " + (version + 1) + ", found " + e.version());
                    }
                    state = processor.apply(state, catalog.upcast(e));
                    version = e.version();
                    applied++;
                }
                if (page.size() < PAGE) break;
            }
            if (applied == 0) return new CatchUp(aggregateId, 0, from, upTo == Long.MAX_VALUE);
            ProcessorState next = new ProcessorState(processor.name(), generation, aggregateId, version, processor.encode(state));
            if (states.save(next, from)) {
                return new CatchUp(aggregateId, applied, version, upTo == Long.MAX_VALUE || version >= upTo);
            }
        }
        throw new IllegalStateException("state of " + aggregateId + " in " + processor.name() + "/" + generation
                + " kept changing under concurrent writers; gave up after " + MAX_CONFLICTS + " attempts");
    }
}
