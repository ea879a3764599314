package dev.onebox.sfn.asl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The event history of one execution. Standard workflows record every event and stop at
 * 25,000; Express workflows only number events (their history is not kept).
 */
public final class History {
    public static final int STANDARD_LIMIT = 25_000;
    public static final String LIMIT_CAUSE = "The execution reached the maximum number of history events (25000).";

    private final boolean recording;
    private final int limit;
    private final SfnClock clock;
    private final List<HistoryEvent> events;
    private long lastId;
    private boolean closed;
    private Consumer<HistoryEvent> appended = e -> { };

    /** Thrown when the history limit is reached: the execution fails, no Catch applies. */
    public static final class LimitReached extends RuntimeException {
        LimitReached() {
            super(LIMIT_CAUSE, null, false, false);
        }
    }

    private History(boolean recording, int limit, SfnClock clock) {
        this.recording = recording;
        this.limit = limit;
        this.clock = clock;
        this.events = recording ? new ArrayList<>() : List.of();
    }

    public static History standard(SfnClock clock) {
        return new History(true, STANDARD_LIMIT, clock);
    }

    public static History standard(SfnClock clock, int limit) {
        return new History(true, limit, clock);
    }

    public static History express(SfnClock clock) {
        return new History(false, Integer.MAX_VALUE, clock);
    }

    /**
     * A history read back from where it was kept: its events as they were, numbered on from the last one; {@code ended}
     * closes it (nothing more is added), otherwise only a closing event may follow.
     */
    public static History restored(SfnClock clock, boolean recording, int limit, List<HistoryEvent> events, boolean ended) {
        History h = new History(recording, limit, clock);
        if (recording) {
            h.events.addAll(events);
        }
        h.lastId = events.isEmpty() ? 0 : events.get(events.size() - 1).id();
        h.closed = ended;
        return h;
    }

    /**
     * Tells {@code listener} of every event recorded from now on, in order, under this history's lock; with
     * {@code past}, first of those recorded so far. One listener: a later call replaces it.
     */
    public synchronized void subscribe(Consumer<HistoryEvent> listener, boolean past) {
        if (past) {
            events.forEach(listener);
        }
        appended = listener;
    }

    public boolean recording() {
        return recording;
    }

    /** Adds an event; returns its id. Throws LimitReached when only the failure event fits. */
    public synchronized long add(String type, Map<String, Object> details) {
        if (closed) {
            throw new Interpreter.Stopped(); // the execution ended (e.g. StopExecution) while a state ran
        }
        long id = ++lastId;
        if (recording) {
            if (id >= limit) {
                lastId--;
                throw new LimitReached();
            }
            record(new HistoryEvent(id, id - 1, clock.now(), type, details));
        }
        return id;
    }

    private void record(HistoryEvent e) {
        events.add(e);
        appended.accept(e);
    }

    /** Adds an event whose details are built only if the history is kept. */
    public long add(String type, Supplier<Map<String, Object>> details) {
        if (!recording) {
            return count(1);
        }
        return add(type, details.get());
    }

    /** Numbers {@code n} events without recording them (Express executions). */
    public synchronized long count(int n) {
        if (closed) {
            throw new Interpreter.Stopped();
        }
        lastId += n;
        return lastId;
    }

    /** Adds a closing event (ExecutionSucceeded/Failed/Aborted/TimedOut); never refused. */
    public synchronized long close(String type, Map<String, Object> details) {
        closed = true;
        long id = ++lastId;
        if (recording) {
            record(new HistoryEvent(id, id - 1, clock.now(), type, details));
        }
        return id;
    }

    /** RedriveExecution: the closed history takes events again, numbered on from its last one. */
    public synchronized void reopen() {
        closed = false;
    }

    /** Whether an execution with this history may be redriven: room for ExecutionRedriven and one more event. */
    public synchronized boolean roomForRedrive() {
        return lastId < limit - 1;
    }

    public synchronized List<HistoryEvent> events() {
        return List.copyOf(events);
    }

    public synchronized long size() {
        return lastId;
    }
}
