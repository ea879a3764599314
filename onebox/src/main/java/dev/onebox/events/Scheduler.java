package dev.onebox.events;

import dev.onebox.events.schedule.InvalidScheduleExpressionException;
import dev.onebox.events.schedule.ScheduleExpression;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs EventBridge schedules ({@code cron(...)}, {@code rate(...)}) on a clock: when a schedule is due its
 * targets get the scheduled event (source {@code aws.events}, detail-type {@code Scheduled Event}, resources
 * [rule arn], detail {}) or their own Input, through the {@link EventBus}'s delivery and retries.
 *
 * <p>{@link #runDue()} fires what is due at the clock's time: tests move a fixed clock and call it, never
 * sleeping. {@link #start()} runs a daemon thread that calls it when the next fire time comes. A schedule that
 * missed several fire times (machine asleep) fires once, for the latest of them missed, and the skipped ones are logged.
 */
public final class Scheduler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Scheduler.class.getName());
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(30);

    private final EventBus bus;
    private final Clock clock;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private Thread thread;
    private boolean closed;

    /** A schedule fired: its name, the time it fired for, the id of the event sent. */
    public record Firing(String schedule, Instant time, String eventId) {
    }

    private static final class Entry {
        final Schedule schedule;
        final ScheduleExpression expression;
        Instant next;

        Entry(Schedule schedule, ScheduleExpression expression, Instant next) {
            this.schedule = schedule;
            this.expression = expression;
            this.next = next;
        }
    }

    public Scheduler(EventBus bus, Clock clock) {
        this.bus = bus;
        this.clock = clock;
    }

    /** Uses the bus's clock. */
    public Scheduler(EventBus bus) {
        this(bus, bus.settings().clock());
    }

    /**
     * Adds or replaces a schedule; a rate counts from now.
     *
     * @throws InvalidScheduleExpressionException naming the schedule and expression
     */
    public void add(Schedule schedule) {
        Instant now = clock.instant();
        ScheduleExpression expression;
        try {
            expression = ScheduleExpression.parse(schedule.expression(), now);
        } catch (InvalidScheduleExpressionException e) {
            throw e.in("schedule " + schedule.name());
        }
        bus.registerSchedule(schedule);
        synchronized (this) {
            entries.put(schedule.name(), new Entry(schedule, expression, expression.nextAfter(now).orElse(null)));
            notifyAll();
        }
    }

    public synchronized boolean remove(String name) {
        bus.unregisterSchedule(name);
        return entries.remove(name) != null;
    }

    public synchronized List<Schedule> schedules() {
        List<Schedule> out = new ArrayList<>();
        entries.values().forEach(e -> out.add(e.schedule));
        return out;
    }

    /** When the schedule fires next (empty when it never will, or is unknown). Disabled schedules report it too. */
    public synchronized Optional<Instant> nextFireTime(String name) {
        Entry e = entries.get(name);
        return e == null ? Optional.empty() : Optional.ofNullable(e.next);
    }

    /**
     * Fires the schedule now, whatever its expression and even when disabled (as a caller does for a nightly job it wants to run at once).
     *
     * @return the id of the scheduled event sent to the targets
     * @throws IllegalArgumentException when no schedule has that name
     */
    public String fireNow(String name) {
        Schedule schedule;
        synchronized (this) {
            Entry e = entries.get(name);
            if (e == null) {
                throw new IllegalArgumentException("No schedule named " + name + "; known: " + entries.keySet());
            }
            schedule = e.schedule;
        }
        return bus.publishScheduled(schedule, clock.instant());
    }

    /** Fires every enabled schedule whose fire time has come, and computes their next fire times. */
    public List<Firing> runDue() {
        Instant now = clock.instant();
        List<Firing> fired = new ArrayList<>();
        List<Entry> due = new ArrayList<>();
        synchronized (this) {
            for (Entry e : entries.values()) {
                if (e.next != null && !e.next.isAfter(now)) {
                    due.add(e);
                }
            }
        }
        for (Entry e : due) {
            Instant time = e.next;
            Instant following = e.expression.nextAfter(time).orElse(null);
            int skipped = 0;
            while (following != null && !following.isAfter(now)) {
                time = following;
                following = e.expression.nextAfter(time).orElse(null);
                if (++skipped > 100_000) {
                    following = e.expression.nextAfter(now).orElse(null);
                    break;
                }
            }
            if (skipped > 0) {
                LOG.log(System.Logger.Level.WARNING, "Schedule {0} missed {1} fire time(s) before {2} (clock jumped or machine slept); firing once",
                        e.schedule.name(), skipped, time);
            }
            synchronized (this) {
                if (entries.get(e.schedule.name()) != e) {
                    continue; // replaced or removed meanwhile
                }
                e.next = following;
            }
            if (e.schedule.enabled()) {
                fired.add(new Firing(e.schedule.name(), time, bus.publishScheduled(e.schedule, time)));
            }
        }
        return fired;
    }

    /** Starts the daemon thread that fires schedules on time. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("Scheduler is closed");
        }
        if (thread != null) {
            return;
        }
        thread = new Thread(this::loop, "onebox-events-scheduler");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (true) {
            try {
                runDue();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "Scheduler tick failed", e);
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                Instant now = clock.instant();
                Duration wait = LONGEST_WAIT;
                for (Entry e : entries.values()) {
                    if (e.next != null) {
                        Duration d = Duration.between(now, e.next);
                        if (d.compareTo(wait) < 0) {
                            wait = d;
                        }
                    }
                }
                if (wait.isNegative() || wait.isZero()) {
                    continue;
                }
                try {
                    wait(Math.max(1, wait.toMillis()));
                } catch (InterruptedException ex) {
                    return;
                }
                if (closed) {
                    return;
                }
            }
        }
    }

    /** Stops the thread; fires nothing more. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            notifyAll();
            t = thread;
        }
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
