package dev.playback.model.parking;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.EventPublisher;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.Generations;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.StateStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Unparks aggregates after the fix is deployed, through the processors' own path, so that the processor stays the one
 * writer of its state and applies each held event exactly once: the park record is removed, then the aggregate's latest
 * appended event is put on the playback stream again (a redelivery of what the pump published). The processor finds its
 * state behind that event and fills the gap from the events table, in order: the held events, the failing one first,
 * through its gateway for a processor with external effects (idempotency keys as for any live event). A redelivery of
 * an event already applied is skipped by version, so unparking twice applies nothing twice. It then waits until the
 * processor's state reached that event ({@link Outcome.Unparked}) or the processor parked the aggregate again
 * ({@link Outcome.StillParked}: the event still fails; its new record says why). A redelivery that cannot be put on the
 * stream puts the park record back, so the aggregate is never left unparked with its held events unapplied and nothing
 * on its way to apply them.
 */
public final class Unpark {
    private static final int PAGE = 1000;
    private static final Duration POLL = Duration.ofMillis(100);

    /** What became of one parked aggregate. */
    public sealed interface Outcome {
        Parked parked();

        /** The processor applied the held events: its state is at {@code version}. */
        record Unparked(Parked parked, long version) implements Outcome {
        }

        /** The processor parked it again ({@code now} says why). */
        record StillParked(Parked parked, Parked now) implements Outcome {
        }

        /**
         * The processor had not reached {@code target} within the wait (it may be behind); the redelivery is on the stream
         * and the park record removed: {@code playback parked} and the state show what it did.
         */
        record NotYetApplied(Parked parked, long version, long target) implements Outcome {
        }
    }

    private final ParkedAggregates parked;
    private final EventStore events;
    private final EventPublisher feed;
    private final StateStore states;
    private final Clock clock;
    private final Duration wait;

    /**
     * @param feed the playback stream (as the pump publishes to it)
     * @param wait how long to wait for the processor per aggregate
     */
    public Unpark(ParkedAggregates parked, EventStore events, EventPublisher feed, StateStore states, Clock clock, Duration wait) {
        this.parked = parked;
        this.events = events;
        this.feed = feed;
        this.states = states;
        this.clock = clock;
        this.wait = wait;
    }

    /** The parked aggregates chosen: {@code aggregateId} (empty: all), of {@code processor} (empty: every processor). */
    public List<Parked> select(Optional<String> aggregateId, Optional<String> processor) {
        return parked.all().stream().filter(p -> aggregateId.map(p.aggregateId()::equals).orElse(true))
                .filter(p -> processor.map(p.processor()::equals).orElse(true)).toList();
    }

    /** Unparks each, one after the other. */
    public List<Outcome> unpark(List<Parked> chosen) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Parked p : chosen) outcomes.add(unpark(p));
        return outcomes;
    }

    /** Unparks {@code p} and waits for the processor (see the class comment). */
    public Outcome unpark(Parked p) {
        EventEnvelope latest = latest(p);
        parked.remove(p.processor(), p.aggregateId());
        try {
            feed.publish(List.of(latest));
        } catch (RuntimeException e) {
            // Without the redelivery nothing makes the processor fill the gap: the aggregate stays parked, as it was,
            // unless a live event of it came in meanwhile and the processor applied past the failing event.
            boolean applied = reached(p) >= p.version();
            if (!applied) parked.park(p);
            throw new IllegalStateException("could not put " + p.aggregateId() + "'s latest event (" + latest.eventId()
                    + ") on the playback stream for " + p.processor() + (applied ? "; the processor applied past the failing event "
                    + "meanwhile, so it is unparked" : "; it stays parked") + ": " + e.getMessage(), e);
        }
        Instant deadline = clock.instant().plus(wait);
        long version = 0;
        while (true) {
            Optional<Parked> again = parked.find(p.processor(), p.aggregateId());
            if (again.isPresent()) return new Outcome.StillParked(p, again.get());
            version = reached(p);
            if (version >= latest.versionOrZero()) return new Outcome.Unparked(p, version);
            if (!clock.instant().isBefore(deadline)) return new Outcome.NotYetApplied(p, version, latest.versionOrZero());
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + p.processor() + " to apply " + p.aggregateId(), e);
            }
        }
    }

    /** The version the processor's state of the aggregate is at (0: none). */
    private long reached(Parked p) {
        return states.load(p.processor(), generation(p), p.aggregateId()).map(ProcessorState::version).orElse(0L);
    }

    /** The generation the park happened in while it is still live, else the processor's active one. */
    private String generation(Parked p) {
        Generations g = states.generations(p.processor());
        return p.generation() != null && g.live().contains(p.generation()) ? p.generation() : g.active();
    }

    /** The aggregate's latest appended event (at least the failing one). */
    private EventEnvelope latest(Parked p) {
        EventEnvelope last = null;
        long from = p.version();
        while (true) {
            List<EventEnvelope> page = events.read(p.aggregateId(), from, PAGE);
            if (!page.isEmpty()) last = page.get(page.size() - 1);
            if (page.size() < PAGE) break;
            from = last.versionOrZero() + 1;
        }
        if (last == null) {
            throw new IllegalStateException("events table holds no event of " + p.aggregateId() + " at or after version " + p.version()
                    + " (parked for " + p.processor() + " at event " + p.eventId() + ")");
        }
        return last;
    }
}
