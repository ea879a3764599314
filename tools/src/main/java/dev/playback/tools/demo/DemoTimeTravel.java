package dev.playback.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.playback.tools.LocalStack;
import dev.playback.tools.client.PlaybackApi;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The time-travel step of {@code playback demo}: one account of 130 deposits sent in two requests (the second one
 * later, so they were known at two times), one of them occurred a day before the others; then its balance as it was at
 * a version, as of a time and as known at a time, each from a snapshot (every 100 events) plus the events folded after
 * it, each compared with the sum of the deposits the point admits, computed here from the events.
 */
final class DemoTimeTravel {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = "zoe";
    private static final Instant T0 = Instant.parse("2026-02-01T00:00:00Z");
    private final PrintStream out;
    private final LocalStack stack;
    private final PlaybackApi api;

    DemoTimeTravel(PrintStream out, LocalStack stack, PlaybackApi api) {
        this.out = out;
        this.stack = stack;
        this.api = api;
    }

    /** Deposit {@code v} (version v + 1): v.00, occurred v minutes after T0, except deposit 110 a day earlier. */
    private static Instant occurred(int v) {
        return v == 110 ? T0.minusSeconds(86_400) : T0.plusSeconds(60L * v);
    }

    boolean run() {
        out.println("-- time travel: snapshots every 100 events, answers from a snapshot plus the events after it --");
        send(1, 115);
        send(116, 130);
        List<JsonNode> events = new ArrayList<>();
        api.history(ACCOUNT).body().path("events").forEach(events::add);
        Instant firstKnown = Instant.parse(events.get(1).get("recordedAt").asText());
        boolean ok = true;
        ok &= show("version 120", Map.of("version", "120"), events, e -> e.get("version").asLong() <= 120);
        Instant asOf = occurred(105);
        ok &= show("as of " + asOf, Map.of("asOf", asOf.toString()), events, e -> !Instant.parse(e.get("occurredAt").asText()).isAfter(asOf));
        ok &= show("known at " + firstKnown + " (after the first request)", Map.of("knownAt", firstKnown.toString()), events,
                e -> !Instant.parse(e.get("recordedAt").asText()).isAfter(firstKnown));
        out.println(ok ? "time travel: every answer equals the sum of the deposits its point admits" : "time travel: FAILED");
        return ok;
    }

    private void send(int from, int to) {
        ArrayNode batch = JSON.createArrayNode();
        if (from == 1) {
            batch.addObject().put("aggregateId", ACCOUNT).put("type", "AccountOpened").put("occurredAt", T0.toString())
                    .set("payload", JSON.createObjectNode().put("owner", "Zoe").put("currency", "EUR"));
        }
        for (int v = from; v <= to; v++) {
            batch.addObject().put("aggregateId", ACCOUNT).put("type", "MoneyDeposited").put("occurredAt", occurred(v).toString())
                    .set("payload", JSON.createObjectNode().put("amount", v + ".00"));
        }
        PlaybackApi.Answer a = api.postEvents(batch);
        if (a.status() != 202) throw new IllegalStateException("POST /events answered " + a.status() + ": " + a.body());
        stack.awaitIdle(Duration.ofMinutes(2));
    }

    private boolean show(String label, Map<String, String> query, List<JsonNode> events, Predicate<JsonNode> admitted) {
        JsonNode a = api.aggregate(ACCOUNT, query).body();
        BigDecimal expected = events.stream().filter(admitted).filter(e -> e.get("type").asText().equals("MoneyDeposited"))
                .map(e -> new BigDecimal(e.path("payload").path("amount").asText())).reduce(new BigDecimal("0.00"), BigDecimal::add);
        BigDecimal balance = new BigDecimal(a.path("state").path("balance").asText("-1"));
        String snapshot = a.path("snapshot").has("version") ? "snapshot " + a.path("snapshot").path("version").asLong() : "no snapshot";
        out.printf(Locale.ROOT, "%s: balance %s at version %d, from %s + %d events folded (%d read); sum of its deposits %s%n",
                label, balance, a.path("version").asLong(), snapshot, a.path("eventsFolded").asInt(), a.path("eventsRead").asInt(), expected);
        return balance.compareTo(expected) == 0;
    }
}
