package dev.playback.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventCodec;
import dev.playback.tools.client.PlaybackApi;

import java.io.PrintStream;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code playback show ID [--as-of T] [--known-at T] [--version N] [--processor P]}: a processor's state of an
 * aggregate through the HTTP API ({@code GET /aggregates/{id}}); at a point in time it also says which snapshot the
 * answer started from and how many events were folded after it. The API URL as for {@code playback reverse}.
 */
@Command(name = "show", usageHelpAutoWidth = true,
        description = {"Prints a processor's state of an aggregate; with --as-of (events that had occurred by T), --known-at "
                + "(events recorded by T) and/or --version N, the state at that point, the snapshot it started from and the "
                + "events folded after it.",
                "The API URL comes from --api, else --aws --stack NAME (the stack's ApiUrl output), else $PLAYBACK_API "
                        + "(printed by 'playback local'). --aws signs every request with SigV4."})
public final class ShowCommand implements Callable<Integer> {
    // No standard --version here: --version N is the aggregate's version.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;
    @Parameters(paramLabel = "ID", description = "the aggregate")
    String aggregateId;
    @Option(names = "--as-of", paramLabel = "T", description = "only events that had occurred by T (ISO-8601, e.g. 2026-03-01T12:00:00Z)")
    String asOf;
    @Option(names = "--known-at", paramLabel = "T", description = "only events recorded by T (ISO-8601)")
    String knownAt;
    @Option(names = "--version", paramLabel = "N", description = "only events up to version N (>= 1)")
    Long version;
    @Option(names = "--processor", paramLabel = "P", description = "the processor (default: the API's first, balances in the samples)")
    String processor;
    @Mixin
    ApiOptions target;
    @Spec
    CommandSpec spec;
    private final Streams streams;

    public ShowCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() {
        checkTime("--as-of", asOf);
        checkTime("--known-at", knownAt);
        if (version != null && version < 1) throw Usage.error(spec, "option --version must be >= 1, got " + version);
        PlaybackApi api = target.api(spec);
        Map<String, String> query = new HashMap<>();
        query.put("asOf", asOf);
        query.put("knownAt", knownAt);
        query.put("version", version == null ? null : Long.toString(version));
        query.put("processor", processor);
        PlaybackApi.Answer a = api.aggregate(aggregateId, query);
        if (a.status() != 200) {
            streams.err().println("playback show: GET /aggregates/" + aggregateId + " answered " + a.status() + ": "
                    + a.body().path("error").asText(String.valueOf(a.body())));
            return Usage.FAILED;
        }
        print(a.body(), streams.out());
        return Usage.OK;
    }

    private void checkTime(String option, String value) {
        if (value == null) return;
        try {
            OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw Usage.error(spec, "option " + option + ": '" + value + "' is not an ISO-8601 time with an offset, e.g. 2026-03-01T12:00:00Z");
        }
    }

    /** The answer: a line saying what it is and how it was computed, then the state as JSON. */
    static void print(JsonNode answer, PrintStream out) {
        out.println(summary(answer));
        try {
            out.println(EventCodec.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer.path("state")));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the API's state is not JSON: " + e.getMessage(), e);
        }
    }

    /** E.g. {@code travel-1 in balances at version 95 (asOf 2026-01-13T23:00:00Z): from snapshot 80 (logic 1), 15 events folded}. */
    static String summary(JsonNode a) {
        StringBuilder s = new StringBuilder(a.path("aggregateId").asText()).append(" in ").append(a.path("processor").asText())
                .append(" at version ").append(a.path("version").asLong());
        JsonNode q = a.path("query");
        if (!a.has("query")) return s.append(" (generation ").append(a.path("generation").asText()).append(", as stored)").toString();
        StringBuilder point = new StringBuilder();
        q.fields().forEachRemaining(f -> point.append(point.length() == 0 ? "" : ", ").append(f.getKey()).append(' ').append(f.getValue().asText()));
        s.append(" (").append(point).append("): ");
        if (a.path("snapshot").has("version")) {
            s.append("from snapshot ").append(a.path("snapshot").path("version").asLong()).append(" (logic ").append(a.path("logicVersion").asText()).append(")");
        } else {
            s.append("from the first event, no usable snapshot of logic ").append(a.path("logicVersion").asText());
        }
        return s.append(", ").append(a.path("eventsFolded").asInt()).append(" events folded of ").append(a.path("eventsRead").asInt())
                .append(" read").toString();
    }
}
