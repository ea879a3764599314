package dev.playback.lambdas.projection;

import dev.playback.lambdas.ingest.Ingest;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.processor.CatchUp;
import dev.playback.model.processor.Projector;
import dev.playback.model.store.EventStatus;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.StateStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Applies a batch of event-stream records to every projection. The stream carries events before the
 * pump has given them versions, so each event's claim is looked up first; the aggregate is then brought
 * up to the highest claimed version from the events table. Events the pump rejected are skipped.
 * When the pump is behind, the batch waits up to {@code patience} before reporting records to retry.
 */
public final class Projection {
    public static final Duration DEFAULT_PATIENCE = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 50;

    /** One stream record: its sequence number and events, or why it could not be decoded. */
    public record Item(String sequenceNumber, List<EventEnvelope> events, String poison) {
    }

    /** Sequence numbers to retry and why. */
    public record Result(List<String> failures, List<String> reasons, int aggregates) {
    }

    private final List<Projector<?>> projectors;
    private final EventStore events;
    private final StateStore states;
    private final Executor executor;
    private final Duration patience;

    public Projection(List<Projector<?>> projectors, EventStore events, StateStore states, Executor executor, Duration patience) {
        this.projectors = List.copyOf(projectors);
        this.events = events;
        this.states = states;
        this.executor = executor;
        this.patience = patience;
    }

    public Result apply(List<Item> items) {
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        List<String> reasons = Collections.synchronizedList(new ArrayList<>());
        Set<String> ids = new HashSet<>();
        for (Item item : items) {
            if (item.poison() != null) {
                failures.add(item.sequenceNumber());
                reasons.add(item.sequenceNumber() + ": " + item.poison());
            }
            item.events().forEach(e -> ids.add(e.eventId()));
        }
        long deadline = System.nanoTime() + patience.toNanos();
        Map<String, EventStatus> statuses = new HashMap<>(events.statuses(ids));
        while (statuses.size() < ids.size() && System.nanoTime() < deadline) {
            sleep();
            List<String> missing = ids.stream().filter(id -> !statuses.containsKey(id)).toList();
            statuses.putAll(events.statuses(missing));
        }
        // Per aggregate: the highest version any of its events in this batch was claimed at, and its items.
        Map<String, Long> targets = new LinkedHashMap<>();
        Map<String, List<String>> itemsOf = new HashMap<>();
        Set<String> blocked = new HashSet<>();
        for (Item item : items) {
            for (EventEnvelope e : item.events()) {
                itemsOf.computeIfAbsent(e.aggregateId(), k -> new ArrayList<>()).add(item.sequenceNumber());
                EventStatus st = statuses.get(e.eventId());
                if (st == null) {
                    if (blocked.add(e.aggregateId())) reasons.add(item.sequenceNumber() + ": event " + e.eventId() + " not appended yet");
                    failures.add(item.sequenceNumber());
                } else if (st instanceof EventStatus.Claimed c && c.aggregateId().equals(e.aggregateId())) {
                    targets.merge(e.aggregateId(), c.version(), Math::max);
                }
            }
        }
        Map<String, String> generations = new HashMap<>();
        for (Projector<?> p : projectors) {
            String name = p.processor().name();
            generations.put(name, states.activeGeneration(name, Ingest.DEFAULT_GENERATION));
        }
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (var target : targets.entrySet()) {
            work.add(CompletableFuture.runAsync(() -> {
                String aggregateId = target.getKey();
                for (Projector<?> p : projectors) {
                    CatchUp result = p.catchUp(generations.get(p.processor().name()), aggregateId, target.getValue());
                    while (!result.complete() && System.nanoTime() < deadline) {
                        sleep();
                        result = p.catchUp(generations.get(p.processor().name()), aggregateId, target.getValue());
                    }
                    if (!result.complete()) {
                        reasons.add(aggregateId + ": version " + target.getValue() + " not in the events table yet");
                        failures.addAll(itemsOf.get(aggregateId));
                        return;
                    }
                }
            }, executor));
        }
        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
        List<String> distinct = failures.stream().distinct().toList();
        return new Result(distinct, List.copyOf(reasons), targets.size());
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the pump", e);
        }
    }
}
