package dev.playback.test.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.tools.LocalStack;
import dev.playback.tools.client.PlaybackApi;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What the time-travel tests share: the occurred times out of version order, posting a history, reading it back. */
final class Travels {
    private Travels() {
    }

    /** Event {@code v}'s occurred time: v hours after {@code t0}, but every 7th 30 hours earlier than that (the first 100 hours before). */
    static Instant occurred(Instant t0, int v) {
        return v == 1 ? t0.minusSeconds(3600L * 100) : t0.plusSeconds(3600L * (v % 7 == 0 ? v - 30 : v));
    }

    /** Posts {@code batch} (one recorded time for all of it) and waits until every function has applied it. */
    static void post(PlaybackApi api, LocalStack stack, ArrayNode batch) {
        PlaybackApi.Answer a = api.postEvents(batch);
        assertEquals(202, a.status(), () -> a.body().toString());
        stack.awaitIdle(Duration.ofMinutes(2));
    }

    /** The events of {@code aggregateId} as the API lists them. */
    static List<JsonNode> history(PlaybackApi api, String aggregateId) {
        PlaybackApi.Answer a = api.history(aggregateId);
        assertEquals(200, a.status(), () -> a.body().toString());
        List<JsonNode> out = new ArrayList<>();
        a.body().get("events").forEach(out::add);
        return out;
    }

    static long version(JsonNode e) {
        return e.get("version").asLong();
    }

    static Instant occurredAt(JsonNode e) {
        return Instant.parse(e.get("occurredAt").asText());
    }

    static Instant recordedAt(JsonNode e) {
        return Instant.parse(e.get("recordedAt").asText());
    }

    /**
     * The answers ({@code at} asks one for its query parameters) as of each of {@code asOf}, known at each of
     * {@code knownAt}, and as of {@code bothAsOf} known at {@code bothKnownAt}: each equal to {@code fold} of the events
     * the point admits (read from the answer by {@code read}) and checked by {@code folded}. Returns the last answer.
     */
    static <T> JsonNode atTimes(Function<Map<String, String>, JsonNode> at, List<Instant> asOf, List<Instant> knownAt,
                                Instant bothAsOf, Instant bothKnownAt, Function<Predicate<JsonNode>, T> fold,
                                Function<JsonNode, T> read, BiConsumer<JsonNode, String> folded) {
        for (Instant t : asOf) {
            JsonNode a = at.apply(Map.of("asOf", t.toString()));
            assertEquals(fold.apply(e -> !occurredAt(e).isAfter(t)), read.apply(a), "as of " + t);
            folded.accept(a, "as of " + t);
        }
        for (Instant t : knownAt) {
            JsonNode a = at.apply(Map.of("knownAt", t.toString()));
            assertEquals(fold.apply(e -> !recordedAt(e).isAfter(t)), read.apply(a), "known at " + t);
            folded.accept(a, "known at " + t);
        }
        JsonNode both = at.apply(Map.of("asOf", bothAsOf.toString(), "knownAt", bothKnownAt.toString()));
        assertEquals(fold.apply(e -> !occurredAt(e).isAfter(bothAsOf) && !recordedAt(e).isAfter(bothKnownAt)), read.apply(both));
        folded.accept(both, "as of " + bothAsOf + " known at " + bothKnownAt);
        return both;
    }

    /** The answers at each of {@code versions}: each at that version, equal to {@code fold} of the events up to it. */
    static <T> void atVersions(Function<Map<String, String>, JsonNode> at, long[] versions, Function<Predicate<JsonNode>, T> fold,
                               Function<JsonNode, T> read, BiConsumer<JsonNode, String> folded) {
        for (long v : versions) {
            JsonNode a = at.apply(Map.of("version", Long.toString(v)));
            assertEquals(fold.apply(e -> version(e) <= v), read.apply(a), "version " + v);
            assertEquals(v, a.get("version").asLong());
            folded.accept(a, "version " + v);
        }
    }

    /** The distinct recorded times of {@code events}, in order: one per request that posted them. */
    static List<Instant> recordedTimes(List<JsonNode> events) {
        return events.stream().map(Travels::recordedAt).distinct().sorted().toList();
    }

    /**
     * The history of {@code account}: event 1 opens it (owner Ada, EUR), {@code body} makes each later event {@code v} (its
     * type and payload); ids {@code <account>-<v>}, occurred times {@link #occurred}; posted {@code perRequest} at a time,
     * each request applied before the next.
     */
    static void postHistory(PlaybackApi api, LocalStack stack, String account, Instant t0, int events, int perRequest,
                            BiConsumer<Integer, ObjectNode> body) {
        ArrayNode batch = JsonNodeFactory.instance.arrayNode();
        for (int v = 1; v <= events; v++) {
            ObjectNode e = batch.addObject().put("aggregateId", account).put("eventId", account + "-" + v).put("occurredAt", occurred(t0, v).toString());
            if (v == 1) {
                e.put("type", "AccountOpened").set("payload", JsonNodeFactory.instance.objectNode().put("owner", "Ada").put("currency", "EUR"));
            } else {
                body.accept(v, e);
            }
            if (batch.size() == perRequest || v == events) {
                post(api, stack, batch);
                batch = JsonNodeFactory.instance.arrayNode();
            }
        }
    }
}
