package dev.playback.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.Hashes;
import dev.playback.model.gateway.LoggedCommand;
import dev.playback.model.gateway.QueryKey;
import dev.playback.model.gateway.RecordedQuery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Events to run a processor on, with the query answers recorded for them and the commands logged for them: read from a
 * JSON fixture file ({@link #fromJson}), from a playback archive ({@link #fromArchive}, docs/archive-format.md), or given
 * in Java ({@link #of}).
 */
public record History(List<EventEnvelope> events, List<RecordedQuery> answers, List<LoggedCommand> commands) {
    public History {
        events = List.copyOf(events);
        answers = List.copyOf(answers);
        commands = List.copyOf(commands);
    }

    public static History of(List<EventEnvelope> events) {
        return new History(events, List.of(), List.of());
    }

    /** Reads an archive written by {@code playback export}, refusing a damaged, changed, truncated or newer one. */
    public static History fromArchive(Path file) {
        return ArchiveFile.read(file);
    }

    /**
     * Reads a JSON fixture file: either an array of events, or an object {@code {"events": [...], "answers": [...]}}.
     * An event is in the project's one JSON form ({@code eventId, aggregateId, type, occurredAt, payload}, and optionally
     * {@code schemaVersion, version, recordedAt, metadata}); events without a version get 1, 2, 3, … per aggregate.
     * An answer is {@code {"processor", "eventId", "callSite", "request", "response"}}: a recorded answer of one event;
     * without {@code eventId} (and {@code processor}) it answers that query for every event.
     */
    public static History fromJson(Path file) {
        JsonNode root;
        try {
            root = EventCodec.JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the fixture " + file + ": " + e.getMessage(), e);
        }
        JsonNode events = root.isArray() ? root : root.path("events");
        if (!events.isArray()) throw new IllegalArgumentException(file + ": expected an array of events, or an object with \"events\"");
        List<EventEnvelope> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            try {
                out.add(EventCodec.fromJson(events.get(i)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + ": events[" + i + "]: " + e.getMessage(), e);
            }
        }
        List<RecordedQuery> answers = new ArrayList<>();
        JsonNode given = root.path("answers");
        for (int i = 0; i < given.size(); i++) {
            JsonNode a = given.get(i);
            String where = file + ": answers[" + i + "]";
            if (!a.hasNonNull("callSite") || !a.has("request") || !a.has("response")) {
                throw new IllegalArgumentException(where + " needs \"callSite\", \"request\" and \"response\"");
            }
            CallSite site = CallSite.parse(a.get("callSite").asText());
            String processor = a.path("processor").asText(null);
            String eventId = a.path("eventId").asText(null);
            if ((processor == null) != (eventId == null)) {
                throw new IllegalArgumentException(where + " names " + (processor == null ? "an eventId but no processor" : "a processor but no eventId")
                        + ": give both (the answer of one event) or neither (an answer for every event)");
            }
            answers.add(new RecordedQuery(new QueryKey(processor, eventId, site, Hashes.request(a.get("request"))),
                    a.get("request"), a.get("response"), "fixture"));
        }
        return new History(out, answers, List.of());
    }
}
