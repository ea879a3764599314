package dev.playback.lambdas.api;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.lambdas.Fixtures;
import dev.playback.model.event.EventEnvelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static dev.playback.examples.ledger.BadSubmissions.VALID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /events}: what is accepted, and every refusal before the 202 (bad input, Content-Type), in its own words. */
class ApiPostEventsTest extends ApiFixture {
    // --- POST /events ---

    @Test
    void acceptsOneEventAndReturnsItsNewId() {
        APIGatewayProxyResponseEvent response = post(VALID);
        assertEquals(202, response.getStatusCode(), response.getBody());
        List<String> ids = eventIds(response);
        assertEquals(1, ids.size());
        List<EventEnvelope> published = stream.published();
        assertEquals(1, published.size());
        assertEquals(ids.get(0), published.get(0).eventId());
        assertEquals("acc-1", published.get(0).aggregateId());
        assertEquals(NOW, published.get(0).recordedAt());
    }

    @Test
    void acceptsTheEventOfAnHttpApiRequestAsItArrives() {
        APIGatewayProxyResponseEvent response = handler.handleRequest(Fixtures.api("api-post-events.json"), null);

        assertEquals(202, response.getStatusCode(), response.getBody());
        List<EventEnvelope> published = stream.published();
        assertEquals(eventIds(response), published.stream().map(EventEnvelope::eventId).toList());
        EventEnvelope e = published.get(0);
        assertEquals(List.of("acc-1", "AccountOpened", Instant.parse("2026-03-01T09:58:00Z"), NOW, "Ada"),
                List.of(e.aggregateId(), e.type(), e.occurredAt(), e.recordedAt(), personal.reveal(e).payload().path("owner").asText()));
        assertTrue(e.payload().path("owner").asText().startsWith("pii:v1:acc-1:"), "published sealed: " + e.payload());
    }

    @Test
    void acceptsABatchAndReturnsTheIdsInOrder() {
        String body = "[" + event("acc-1", "e-1", "AccountOpened", "{\"owner\":\"Ada\",\"currency\":\"EUR\"}") + ","
                + event("acc-2", "e-2", "AccountOpened", "{\"owner\":\"Bob\",\"currency\":\"NOK\"}") + ","
                + VALID + "]";
        APIGatewayProxyResponseEvent response = post(body);
        assertEquals(202, response.getStatusCode(), response.getBody());
        List<String> ids = eventIds(response);
        assertEquals(3, ids.size());
        assertEquals(List.of("e-1", "e-2"), ids.subList(0, 2));
        assertEquals(ids, stream.published().stream().map(EventEnvelope::eventId).toList());
    }

    @Test
    void acceptsABase64EncodedBody() {
        String encoded = Base64.getEncoder().encodeToString(VALID.getBytes(StandardCharsets.UTF_8));
        APIGatewayProxyResponseEvent response = handler.handleRequest(postRequest(encoded).withIsBase64Encoded(true), null);
        assertEquals(202, response.getStatusCode(), response.getBody());
        assertEquals(1, stream.published().size());
    }

    @Test
    void refusesABodyThatIsNotBase64WhenItSaysItIs() {
        APIGatewayProxyResponseEvent response = handler.handleRequest(postRequest("{not base64}").withIsBase64Encoded(true), null);
        assertRefused(response, 400, "body");
    }

    @Test
    void refusesMalformedJsonNamingTheBody() {
        APIGatewayProxyResponseEvent response = post("{\"aggregateId\":\"acc-1\",");
        assertRefused(response, 400, "body");
        assertTrue(body(response).path("error").asText().contains("not valid JSON"), response.getBody());
        assertEquals(List.of(), stream.published());
    }

    @Test
    void refusesJsonFollowedByMoreText() {
        assertRefused(post(VALID + " {\"second\":1}"), 400, "body");
        assertRefused(post("[" + VALID + "]]"), 400, "body");
        assertEquals(List.of(), stream.published());
    }

    @Test
    void refusesAnEmptyBody() {
        assertRefused(post(""), 400, "body");
        assertRefused(post(null), 400, "body");
        assertRefused(post("   "), 400, "body");
    }

    @ParameterizedTest(name = "{0} → 400 naming {2}")
    @MethodSource("dev.playback.examples.ledger.BadSubmissions#cases")
    void refusesBadInputWith400NamingTheFieldAndPublishesNothing(String problem, String body, String field) {
        assertRefused(post(body), 400, field);
        assertEquals(List.of(), stream.published());
    }

    // --- issue 9: every check that could refuse an event runs here, before the 202 ---

    @ParameterizedTest(name = "{0} → 400 naming {2}")
    @MethodSource("dev.playback.examples.ledger.BadSubmissions#unreadable")
    void refusesAnUnreadableBodyWith400NamingWhereAndPublishesNothing(String problem, String body, String field) {
        APIGatewayProxyResponseEvent response = post(body);
        assertRefused(response, 400, field);
        assertNoLibraryWords(response);
        assertEquals(List.of(), stream.published());
    }

    @ParameterizedTest(name = "{0}: no library words in the answer")
    @MethodSource("dev.playback.examples.ledger.BadSubmissions#cases")
    void answersBadInputInItsOwnWords(String problem, String body, String field) {
        assertNoLibraryWords(post(body));
    }

    @Test
    void answersBadHeadersAndBodiesInItsOwnWords() {
        List<APIGatewayProxyResponseEvent> answers = List.of(
                post(VALID, Map.of("Content-Type", "text/plain")),
                post(VALID, Map.of("Idempotency-Key", "has space")),
                post("{not base64}", Map.of()),
                handler.handleRequest(postRequest("{not base64}").withIsBase64Encoded(true), null),
                handler.handleRequest(postRequest(Base64.getEncoder().encodeToString(new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'}))
                        .withIsBase64Encoded(true), null));
        for (APIGatewayProxyResponseEvent a : answers) {
            assertTrue(a.getStatusCode() >= 400 && a.getStatusCode() < 500, a.getBody());
            assertNoLibraryWords(a);
        }
    }

    @Test
    void appendsNothingOfABodyWithADuplicateAmount() {
        APIGatewayProxyResponseEvent response = post("{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\",\"payload\":{\"amount\":\"1.00\",\"amount\":\"900.00\"}}");
        assertRefused(response, 400, "payload.amount");
        pumpAndProject();
        assertEquals(Map.of(), log.all());
    }

    @Test
    void answersAnOccurredAtThePumpCouldNotStoreWith400() {
        APIGatewayProxyResponseEvent response = post("{\"aggregateId\":\"acc-1\",\"type\":\"MoneyDeposited\","
                + "\"occurredAt\":\"+1000000000-01-01T00:00:00Z\",\"payload\":{\"amount\":\"1.00\"}}");
        assertRefused(response, 400, "occurredAt");
        assertTrue(body(response).path("error").asText().contains("0001-01-01T00:00:00Z"), response.getBody());
    }

    @Test
    void refusesAnExpectedVersionOf2To64InsteadOfReadingItAs0() {
        assertRefused(post("{\"aggregateId\":\"acc-1\",\"type\":\"AccountOpened\",\"expectedVersion\":18446744073709551616,"
                + "\"payload\":{\"owner\":\"Ada\",\"currency\":\"EUR\"}}"), 400, "expectedVersion");
        assertEquals(List.of(), stream.published());
    }

    @Test
    void refusesALoneSurrogateInsteadOfStoringAQuestionMark() {
        assertRefused(post(document("d-1", 0).replace("\"text\":\"\"", "\"text\":\"a\\ud800b\"")), 400, "payload.text");
        assertEquals(List.of(), stream.published());
    }

    @Test
    void keepsNumbersOfAPayloadExactlyOrRefusesThem() {
        assertRefused(post(event("doc-1", "d-1", "DocumentAttached", "{\"x\":1e400}")), 400, "payload.x");
        assertRefused(post(event("doc-1", "d-1", "DocumentAttached", "{\"x\":[0.1000000000000000000001]}")), 400, "payload.x[0]");
        assertEquals(List.of(), stream.published());
        assertEquals(202, post(event("doc-1", "d-2", "DocumentAttached",
                "{\"a\":0.1,\"b\":-2.5e300,\"c\":123456789012345678901234567890}")).getStatusCode());
        pumpAndProject();
        JsonNode stored = body(getEvent("d-2")).path("payload");
        assertEquals(0.1, stored.path("a").doubleValue());
        assertEquals(-2.5e300, stored.path("b").doubleValue());
        assertEquals(new java.math.BigInteger("123456789012345678901234567890"), stored.path("c").bigIntegerValue());
    }

    // --- Content-Type ---

    @Test
    void answers415ForABodyThatIsNotJson() {
        APIGatewayProxyResponseEvent response = post(VALID, Map.of("Content-Type", "text/plain"));
        assertRefused(response, 415, "Content-Type");
        assertRefused(post(VALID, Map.of("content-type", "application/x-www-form-urlencoded")), 415, "Content-Type");
        assertRefused(post(VALID, Map.of("Content-Type", "application/json; charset=ISO-8859-1")), 415, "Content-Type");
        assertEquals(List.of(), stream.published());
    }

    @Test
    void acceptsJsonWithOrWithoutCharsetAndABodyWithoutContentType() {
        assertEquals(202, post(VALID, Map.of("Content-Type", "application/json")).getStatusCode());
        assertEquals(202, post(VALID, Map.of("content-type", "application/json; charset=UTF-8")).getStatusCode());
        assertEquals(202, post(VALID, Map.of()).getStatusCode());
        assertEquals(3, stream.published().size());
    }

    @Test
    void acceptsAJsonMediaTypeWithASuffixAndRefusesTheSuffixOnAnotherType() {
        assertEquals(202, post(VALID, Map.of("Content-Type", "application/vnd.playback.events+json")).getStatusCode());
        assertRefused(post(VALID, Map.of("Content-Type", "text/vnd.playback+json")), 415, "Content-Type");
        assertRefused(post(VALID, Map.of("Content-Type", "application/vnd.playback+xml")), 415, "Content-Type");
        assertEquals(1, stream.published().size());
    }

    @Test
    void quotesAContentTypeOfUpTo80CharactersWholeAndCutsALongerOne() {
        String eighty = "text/" + "a".repeat(75);
        assertEquals("Content-Type '" + eighty + "' is not accepted; send the events as application/json",
                body(post(VALID, Map.of("Content-Type", eighty))).path("error").asText());
        assertEquals("Content-Type '" + eighty + "…' is not accepted; send the events as application/json",
                body(post(VALID, Map.of("Content-Type", eighty + "b"))).path("error").asText());
    }
}
