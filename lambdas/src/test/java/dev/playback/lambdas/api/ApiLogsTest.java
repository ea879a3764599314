package dev.playback.lambdas.api;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.lambdas.LogCapture;
import dev.playback.model.event.Envelopes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What {@code POST /events} logs and counts: one line per request with ids and counts (each accepted event's ids at
 * DEBUG when there are several), the status and field of a refusal, and {@code EventsAccepted}/{@code EventsRejected}
 * with {@code Service=ingest}; the read routes neither log nor count.
 */
class ApiLogsTest extends ApiFixture {
    @RegisterExtension
    final LogCapture logs = new LogCapture();

    private static final String OPEN_1 = event("acc-1", "e-1", "AccountOpened", "{\"owner\":\"Ada\",\"currency\":\"EUR\"}");
    private static final String OPEN_2 = event("acc-2", "e-2", "AccountOpened", "{\"owner\":\"Bo\",\"currency\":\"EUR\"}");

    private List<ILoggingEvent> ingestLines() {
        return logs.events().stream().filter(e -> e.getFormattedMessage().startsWith("ingest: ")).toList();
    }

    /** The request's one EMF document: its counts. */
    private JsonNode counts() {
        assertEquals(1, logs.metricLines().size(), logs.metricLines().toString());
        return Envelopes.json(logs.metricLines().get(0));
    }

    @Test
    void shouldLogTheEventsIdsAndCountItAccepted_whenOneEventIsAccepted() {
        assertEquals(202, post(OPEN_1).getStatusCode());

        List<ILoggingEvent> lines = ingestLines();
        assertEquals(List.of("ingest: accepted 1 event"), lines.stream().map(ILoggingEvent::getFormattedMessage).toList());
        assertEquals("e-1", lines.get(0).getMDCPropertyMap().get("eventId"));
        assertEquals("acc-1", lines.get(0).getMDCPropertyMap().get("aggregateId"));
        assertEquals(List.of("ingest", 1L, false), List.of(counts().path("Service").asText(), counts().path("EventsAccepted").asLong(),
                counts().has("EventsRejected")), counts().toString());
    }

    @Test
    void shouldLogEachAcceptedEventsIdsAtDebugAndTheCountOnce_whenABatchIsAccepted() {
        assertEquals(202, post("[" + OPEN_1 + "," + OPEN_2 + "]").getStatusCode());

        List<ILoggingEvent> lines = ingestLines();
        assertEquals(List.of("ingest: accepted event", "ingest: accepted event", "ingest: accepted 2 events"),
                lines.stream().map(ILoggingEvent::getFormattedMessage).toList());
        assertEquals(List.of(Level.DEBUG, Level.DEBUG, Level.INFO), lines.stream().map(ILoggingEvent::getLevel).toList());
        assertEquals(Map.of("eventId", "e-1", "aggregateId", "acc-1"), ids(lines.get(0)));
        assertEquals(Map.of("eventId", "e-2", "aggregateId", "acc-2"), ids(lines.get(1)));
        assertEquals(Map.of(), ids(lines.get(2)), "several events: no one event's ids on the summary line");
        assertEquals(2, counts().path("EventsAccepted").asLong(), counts().toString());
    }

    private static Map<String, String> ids(ILoggingEvent line) {
        Map<String, String> out = new java.util.HashMap<>();
        for (String key : List.of("eventId", "aggregateId")) {
            String value = line.getMDCPropertyMap().get(key);
            if (value != null) out.put(key, value);
        }
        return out;
    }

    @Test
    void shouldLogTheStatusAndFieldAndCountEveryEventOfTheBody_whenABatchIsRefused() {
        String bad = event("acc-3", "e-3", "NoSuchType", "{}");
        APIGatewayProxyResponseEvent response = post("[" + OPEN_1 + "," + bad + "," + OPEN_2 + "]");
        assertRefused(response, 400, "[1].type");

        assertEquals(List.of("ingest: refused 3 events (400, field [1].type)"),
                ingestLines().stream().map(ILoggingEvent::getFormattedMessage).toList());
        assertEquals(List.of(3L, false), List.of(counts().path("EventsRejected").asLong(), counts().has("EventsAccepted")), counts().toString());
    }

    @Test
    void shouldLogOneEventRefusedNamingTheBody_whenTheBodyIsEmpty() {
        assertRefused(post(""), 400, "body");

        assertEquals(List.of("ingest: refused 1 event (400, field body)"), ingestLines().stream().map(ILoggingEvent::getFormattedMessage).toList());
        assertEquals(1, counts().path("EventsRejected").asLong(), counts().toString());
    }

    @Test
    void shouldNeitherLogNorCount_whenAReadRouteAnswers404() {
        assertEquals(404, getEvent("never-seen").getStatusCode());
        assertEquals(404, getHistory("acc-404", null).getStatusCode());

        assertEquals(List.of(), ingestLines());
        assertEquals(List.of(), logs.metricLines());
    }
}
