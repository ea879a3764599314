package dev.playback.model.parking;

import dev.playback.model.gateway.ExternalCallFailed;
import dev.playback.model.gateway.MissingRecordException;
import dev.playback.model.processor.EventNotApplied;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The decision to park an aggregate for a processor, and the parked aggregates a batch holds back. A processor that
 * cannot apply an event because of a bug in its own logic ({@link EventNotApplied} whose cause is not a transient
 * failure) parks the aggregate instead of failing the batch forever: the park is recorded ({@link Parked}), every other
 * aggregate goes on, and the aggregate's later events are held back (not applied) until {@link Unpark}. A transient
 * failure — I/O, an external system that failed ({@link ExternalCallFailed}), a failure the deployment's
 * {@code transientFailure} recognises (the AWS SDK's, in the handlers) — or the toolkit's own signals
 * ({@link MissingRecordException}) are retried as before. {@link #OFF} parks nothing.
 */
public final class Parking {
    /** Parks nothing: every failure is retried (tests, and processors run without a parked-aggregates table). */
    public static final Parking OFF = new Parking(null, t -> true, Clock.systemUTC());

    private final ParkedAggregates store;
    private final Predicate<Throwable> transientFailure;
    private final Clock clock;
    private final Map<String, Integer> counts = new HashMap<>();

    /**
     * @param store            where parks are recorded and read
     * @param transientFailure failures the deployment knows to be transient (besides I/O and external systems')
     * @param clock            the time a park is recorded at
     */
    public Parking(ParkedAggregates store, Predicate<Throwable> transientFailure, Clock clock) {
        this.store = store;
        this.transientFailure = transientFailure;
        this.clock = clock;
    }

    /** The aggregates {@code processor} holds back now (none when off); remembers their number for {@link #drainCounts}. */
    public Set<String> held(String processor) {
        if (store == null) return Set.of();
        Set<String> held = store.aggregates(processor);
        synchronized (counts) {
            counts.put(processor, held.size());
        }
        return held;
    }

    /** Whether {@code failure} parks its aggregate: a bug in the processor, not a transient failure nor a toolkit signal. */
    public boolean parks(EventNotApplied failure) {
        if (store == null) return false;
        for (Throwable t = failure.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException || t instanceof TimeoutException
                    || t instanceof InterruptedException || t instanceof ExternalCallFailed || t instanceof MissingRecordException
                    || transientFailure.test(t)) {
                return false;
            }
        }
        return true;
    }

    /** Records that {@code failure}'s aggregate is parked for its processor, in {@code generation}. */
    public Parked park(String generation, EventNotApplied failure) {
        if (store == null) throw new IllegalStateException("parking is off: " + failure.getMessage(), failure);
        Throwable cause = failure.getCause();
        Parked parked = new Parked(failure.processor(), failure.event().aggregateId(), generation, failure.event().eventId(),
                failure.event().versionOrZero(), cause.getClass().getName(), String.valueOf(cause.getMessage()), clock.instant());
        store.park(parked);
        synchronized (counts) {
            counts.merge(parked.processor(), 1, Integer::sum);
        }
        return parked;
    }

    /** One line saying what was parked: processor, aggregate, version, event and error (no payload). */
    public static String describe(Parked p) {
        return "parked " + p.aggregateId() + " for " + p.processor() + " at version " + p.version() + " (event " + p.eventId()
                + (p.generation() == null ? "" : ", generation " + p.generation()) + "): " + p.errorClass() + ": " + p.errorMessage();
    }

    /** The number of aggregates parked per processor seen since the last call (read by {@link #held}, plus new parks). */
    public Map<String, Integer> drainCounts() {
        synchronized (counts) {
            Map<String, Integer> copy = Map.copyOf(counts);
            counts.clear();
            return copy;
        }
    }
}
