package dev.onebox.events;

import dev.onebox.events.schedule.InvalidScheduleExpressionException;
import dev.onebox.events.schedule.ScheduleExpression;
import dev.onebox.events.server.EventBridgeServer;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * The local EventBridge in one piece, for the runtime: the {@link EventBus} (rules, PutEvents, delivery),
 * the {@link Scheduler} (running on its own thread) and the {@link EventBridgeServer} on 127.0.0.1.
 *
 * <pre>{@code
 * try (LocalEventBridge events = LocalEventBridge.start((arn, input) -> stepFunctions.startExecution(arn, input),
 *         EventBusSettings.defaults(), 0)) {
 *     events.register(rulesFromTemplate, schedulesFromTemplate);
 *     URI endpoint = events.endpoint();          // for EventBridgeClient.endpointOverride / EVENTS_ENDPOINT
 *     events.scheduler().fireNow("NightlyVerification");   // run a scheduled rule now
 * }
 * }</pre>
 */
public final class LocalEventBridge implements AutoCloseable {
    private final EventBus bus;
    private final Scheduler scheduler;
    private final EventBridgeServer server;

    private LocalEventBridge(EventBus bus, Scheduler scheduler, EventBridgeServer server) {
        this.bus = bus;
        this.scheduler = scheduler;
        this.server = server;
    }

    /** Starts the bus, the scheduler thread and the server on 127.0.0.1:{@code port} (0 = a free port). */
    public static LocalEventBridge start(TargetInvoker invoker, EventBusSettings settings, int port) throws IOException {
        EventBus bus = new EventBus(invoker, settings);
        Scheduler scheduler = new Scheduler(bus);
        EventBridgeServer server;
        try {
            server = EventBridgeServer.start(bus, port);
        } catch (IOException | RuntimeException e) {
            bus.close();
            throw e;
        }
        scheduler.start();
        return new LocalEventBridge(bus, scheduler, server);
    }

    /**
     * Registers rules and schedules (from template.yaml); the buses the rules name must exist
     * ({@link EventBus#createEventBus}). Everything is validated first; on the first bad one nothing is registered
     * and the exception names it.
     */
    public void register(List<Rule> rules, List<Schedule> schedules) {
        for (Rule r : rules) {
            r.compiledPattern();
            if (!bus.hasEventBus(r.eventBusName())) {
                throw new IllegalArgumentException("Rule " + r.name() + ": event bus " + r.eventBusName() + " does not exist");
            }
        }
        for (Schedule s : schedules) {
            try {
                ScheduleExpression.parse(s.expression(), Instant.EPOCH);
            } catch (InvalidScheduleExpressionException e) {
                throw e.in("schedule " + s.name());
            }
        }
        rules.forEach(bus::putRule);
        schedules.forEach(scheduler::add);
    }

    public EventBus bus() {
        return bus;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public EventBridgeServer server() {
        return server;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return server.endpoint();
    }

    /** Stops the server, then the scheduler, then the bus (after its queued deliveries). */
    @Override
    public void close() {
        try {
            server.close();
        } finally {
            try {
                scheduler.close();
            } finally {
                bus.close();
            }
        }
    }
}
