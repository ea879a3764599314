package dev.playback.model.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.model.event.EventType;
import dev.playback.model.processor.CannotInvert;
import dev.playback.model.processor.Processor;
import dev.playback.model.store.memory.InMemoryEventLog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.playback.model.event.Envelopes.json;

/**
 * A test processor: the sum of {@code Added} amounts times a factor (its logic: factor 1 is logic version "1", factor
 * 2 is "2"), and their count. {@code Reversed} takes an earlier {@code Added} out; the tally cannot undo it from its
 * state, so the projector refolds without it. Events are written with explicit occurred and recorded times.
 */
record Tally(String logicVersion, long factor) implements Processor<long[]> {
    static final EventCatalog CATALOG = new EventCatalog(List.of(type("Added"), type("Reversed")));

    static Tally v1() {
        return new Tally("1", 1);
    }

    static Tally v2() {
        return new Tally("2", 2);
    }

    private static EventType type(String name) {
        return new EventType() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void validate(com.fasterxml.jackson.databind.node.ObjectNode payload) {
            }
        };
    }

    @Override
    public String name() {
        return "tally";
    }

    @Override
    public long[] initial(String aggregateId) {
        return new long[]{0, 0};
    }

    @Override
    public long[] apply(long[] s, EventEnvelope e) {
        if (e.type().equals("Reversed")) throw new CannotInvert(e.payload().get("reverses").asText(), "a tally keeps no history");
        return new long[]{s[0] + factor * e.payload().get("amount").asLong(), s[1] + 1};
    }

    @Override
    public Optional<String> reverses(EventEnvelope e) {
        return e.type().equals("Reversed") ? Optional.of(e.payload().get("reverses").asText()) : Optional.empty();
    }

    @Override
    public long[] applyAbsorbed(long[] s, EventEnvelope reversal) {
        return new long[]{s[0], s[1] + 1};
    }

    @Override
    public long[] applyUnresolvable(long[] s, EventEnvelope reversal, String reason) {
        return new long[]{s[0], s[1] + 1};
    }

    @Override
    public JsonNode encode(long[] s) {
        return JsonNodeFactory.instance.objectNode().put("total", s[0]).put("count", s[1]);
    }

    @Override
    public long[] decode(JsonNode json) {
        return new long[]{json.get("total").asLong(), json.get("count").asLong()};
    }

    /** One aggregate's stream written to an events table, with its times. */
    static final class Stream {
        final InMemoryEventLog log = new InMemoryEventLog();
        final List<EventEnvelope> events = new ArrayList<>();
        final String aggregateId;

        Stream(String aggregateId) {
            this.aggregateId = aggregateId;
        }

        EventEnvelope added(long amount, Instant occurredAt, Instant recordedAt) {
            return write("Added", json("{\"amount\":" + amount + "}"), occurredAt, recordedAt);
        }

        EventEnvelope reversed(String eventId, Instant occurredAt, Instant recordedAt) {
            return write("Reversed", json("{\"reverses\":\"" + eventId + "\"}"), occurredAt, recordedAt);
        }

        private EventEnvelope write(String type, com.fasterxml.jackson.databind.node.ObjectNode payload, Instant occurredAt, Instant recordedAt) {
            long version = events.size() + 1;
            EventEnvelope e = new EventEnvelope("e-" + aggregateId + "-" + version, aggregateId, type, 1, version, null, occurredAt,
                    recordedAt, payload, null, EventMetadata.NONE);
            log.write(List.of(e));
            events.add(e);
            return e;
        }
    }
}
