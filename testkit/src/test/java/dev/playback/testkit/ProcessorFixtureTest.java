package dev.playback.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.Hashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static dev.playback.testkit.Shop.PRICE;
import static dev.playback.testkit.Shop.SHIP;
import static dev.playback.testkit.Shop.json;
import static dev.playback.testkit.Shop.ordered;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The test kit on a small shop domain: given events, when a processor runs, then its states and gateway interactions. */
class ProcessorFixtureTest {
    private final ProcessorFixture<Shop.Tally> orders = ProcessorFixture.of(new Shop.Orders())
            .answering(PRICE, json("{\"item\":\"tea\"}"), json("{\"price\":\"4.50\"}"));

    @TempDir
    Path dir;

    @Test
    void aQueryIsAnsweredFromTheFixtureAndTheCommandIsCaptured() {
        orders.when(ordered("o-1", "ada", "tea", 3))
                .expectQueried("o-1", PRICE, json("{\"item\":\"tea\"}"))
                // 4.50 × 3
                .expectCommands(SHIP, json("{\"orderId\":\"o-1\",\"item\":\"tea\",\"amount\":\"13.50\"}"))
                .expectState("o-1", "{\"orders\":1,\"total\":\"13.50\"}");
    }

    @Test
    void theStateAfterEachEventIsKeptAndTheGivenEventsCommandsAreNotUnderTest() {
        Outcome<Shop.Tally> outcome = orders.given(ordered("o-1", "ada", "tea", 1), ordered("o-2", "ada", "tea", 2))
                .when(ordered("o-3", "ada", "tea", 1));

        assertEquals(new Shop.Tally(1, new BigDecimal("4.50")), outcome.stateAfter("o-1"));
        assertEquals(new Shop.Tally(2, new BigDecimal("13.50")), outcome.stateAfter("o-2"));
        assertEquals(new Shop.Tally(3, new BigDecimal("18.00")), outcome.stateAfter("o-3"));
        assertEquals(List.of(3L), outcome.steps().stream().filter(s -> !s.given()).map(s -> s.event().version()).toList());
        assertEquals(1, outcome.commands().size(), "only the event under test's command");
    }

    @Test
    void aStateThatDiffersNamesTheEventAndEachFieldThatDiffers() {
        Outcome<Shop.Tally> outcome = orders.when(ordered("o-1", "ada", "tea", 3));

        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> outcome.expectState("o-1", "{\"orders\":2,\"total\":\"13.50\"}"));
        assertEquals("state of processor orders after event o-1 (Ordered, aggregate ada, version 1) differs:\n  orders: expected 2, was 1",
                e.getMessage());
        AssertionFailedError field = assertThrows(AssertionFailedError.class, () -> outcome.expectStateField("o-1", "total", "13.49"));
        assertEquals("state of processor orders after event o-1 (Ordered, aggregate ada, version 1): field total expected 13.49, was 13.50",
                field.getMessage());
    }

    @Test
    void aCommandThatDiffersNamesTheSiteAndTheField() {
        Outcome<Shop.Tally> outcome = orders.when(ordered("o-1", "ada", "tea", 3));

        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> outcome.expectCommandsOf("o-1", SHIP,
                json("{\"orderId\":\"o-1\",\"item\":\"tea\",\"amount\":\"13.05\"}")));
        assertEquals("command 1 of 1 that event o-1 (Ordered, aggregate ada, version 1) sent to shop.ship differs:\n"
                + "  amount: expected \"13.05\", was \"13.50\"", e.getMessage());
        AssertionFailedError any = assertThrows(AssertionFailedError.class, () -> outcome.expectCommands(SHIP,
                json("{\"orderId\":\"o-1\",\"item\":\"tea\",\"amount\":\"13.50\"}"), json("{\"orderId\":\"o-9\"}")));
        assertEquals("the events under test sent 1 commands to shop.ship, expected 2; missing: {\"orderId\":\"o-9\"}", any.getMessage());
        AssertionFailedError none = assertThrows(AssertionFailedError.class, outcome::expectNoCommands);
        assertEquals("expected no commands from the events under test, but 1 were sent, the first by event o-1 (Ordered, aggregate ada, "
                + "version 1) to shop.ship: {\"orderId\":\"o-1\",\"item\":\"tea\",\"amount\":\"13.50\"}", none.getMessage());
    }

    @Test
    void aQueryWithNoAnswerFailsNamingTheQueryAndTheEvent() {
        MissingAnswer e = assertThrows(MissingAnswer.class, () -> orders.when(ordered("o-1", "ada", "scone", 1)));

        assertEquals("processor orders asked prices.quote {\"item\":\"scone\"} for event o-1 (Ordered, aggregate ada, version 1), and no "
                + "answer was given: add one with answering(prices.quote, {\"item\":\"scone\"}, RESPONSE), or run the events of an "
                + "archive that recorded it", e.getMessage());
    }

    @Test
    void anEventTheProcessorThrowsOnIsTheOutcomesFailureAndOtherExpectationsNameIt() {
        Outcome<Shop.Tally> outcome = orders.given(ordered("o-1", "ada", "tea", 1)).when(ordered("o-2", "ada", "tea", 0));

        assertEquals("quantity must be at least 1, was 0", outcome.expectFailure("o-2", IllegalArgumentException.class).getMessage());
        AssertionFailedError e = assertThrows(AssertionFailedError.class, outcome::expectNoCommands);
        assertEquals("event o-2 (Ordered, aggregate ada, version 2) failed in processor orders: "
                + "java.lang.IllegalArgumentException: quantity must be at least 1, was 0", e.getMessage());
    }

    @Test
    void versionsOutOfOrderAreRefusedNamingTheEvent() {
        EventEnvelope third = ordered("o-3", "ada", "tea", 1).withVersion(3);

        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> orders.given(ordered("o-1", "ada", "tea", 1)).when(third));

        assertEquals("event o-3 of aggregate ada has version 3, expected 2: an aggregate's versions run 1, 2, 3, … without gaps", e.getMessage());
    }

    @Test
    void aProcessorWithoutGatewayFoldsEachAggregateApart() {
        ProcessorFixture.of(new Shop.Count())
                .given(ordered("o-1", "ada", "tea", 2), ordered("o-2", "bob", "cup", 5))
                .when(ordered("o-3", "ada", "cup", 1))
                .expectState("o-2", "{\"orders\":1,\"total\":\"5\"}")
                .expectState("o-3", "{\"orders\":2,\"total\":\"3\"}")
                .expectNoCommands();
    }

    @Test
    void aReversalTheProcessorCannotUndoRebuildsTheAggregateWithoutTheReversedEvent() {
        ProcessorFixture.of(new Shop.Count())
                .given(ordered("o-1", "ada", "tea", 2), ordered("o-2", "ada", "cup", 5))
                .when(Shop.reversed("r-1", "ada", "o-1"))
                .expectState("r-1", "{\"orders\":1,\"total\":\"5\"}");
    }

    @Test
    void eventsOfAJsonFixtureFileRunWithItsAnswersAndAnAnswerRecordedForOneEventComesFirst() throws URISyntaxException {
        History history = History.fromJson(Path.of(getClass().getResource("orders.json").toURI()));

        ProcessorFixture.of(new Shop.Orders()).when(history)
                .expectStateField("o-1", "total", "13.50")
                // o-3 has its own recorded answer, 6.00, and not the 7.00 given for every event
                .expectCommandsOf("o-3", SHIP, json("{\"orderId\":\"o-3\",\"item\":\"cup\",\"amount\":\"12.00\"}"))
                .expectState("o-3", "{\"orders\":2,\"total\":\"25.50\"}")
                .expectState("o-2", "{\"orders\":1,\"total\":\"7.00\"}");
    }

    @Test
    void anArchiveRunsWithTheAnswersItRecordedForEachEvent() throws IOException {
        Path file = archive(List.of(
                        "{\"eventId\":\"o-1\",\"aggregateId\":\"ada\",\"type\":\"Ordered\",\"schemaVersion\":1,\"version\":1,"
                                + "\"occurredAt\":\"2026-03-01T09:00:00Z\",\"recordedAt\":\"2026-03-01T09:00:01Z\",\"payload\":{\"item\":\"tea\",\"quantity\":2}}",
                        "{\"eventId\":\"o-2\",\"aggregateId\":\"ada\",\"type\":\"Ordered\",\"schemaVersion\":1,\"version\":2,"
                                + "\"occurredAt\":\"2026-03-02T09:00:00Z\",\"recordedAt\":\"2026-03-02T09:00:01Z\",\"payload\":{\"item\":\"tea\",\"quantity\":1}}"),
                List.of(recorded("o-1", "4.00"), recorded("o-2", "5.00")), 0);

        History history = History.fromArchive(file);
        Outcome<Shop.Tally> outcome = ProcessorFixture.of(new Shop.Orders()).when(history);

        outcome.expectCommands(SHIP, json("{\"orderId\":\"o-1\",\"item\":\"tea\",\"amount\":\"8.00\"}"),
                json("{\"orderId\":\"o-2\",\"item\":\"tea\",\"amount\":\"5.00\"}"));
        outcome.expectState("o-2", "{\"orders\":2,\"total\":\"13.00\"}");
        assertEquals(new ProcessorFixture.Replayed<>(java.util.Map.of("ada", new Shop.Tally(2, new BigDecimal("13.00"))), 2, 2),
                ProcessorFixture.of(new Shop.Orders()).replay(history));
    }

    @Test
    void anArchiveWithAChangedLineIsRefusedNamingThePart() throws IOException {
        Path file = archive(List.of("{\"eventId\":\"o-1\",\"aggregateId\":\"ada\",\"type\":\"Ordered\",\"version\":1,"
                + "\"occurredAt\":\"2026-03-01T09:00:00Z\",\"payload\":{\"item\":\"tea\",\"quantity\":2}}"), List.of(recorded("o-1", "4.00")), 1);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> History.fromArchive(file));

        assertEquals(file + ": part queries (archive line 5): was changed: its SHA-256 is " + sha256(List.of(recorded("o-1", "9.00")))
                + ", the manifest says " + sha256(List.of(recorded("o-1", "4.00"))), e.getMessage());
    }

    @Test
    void anArchiveOfANewerFormatVersionIsRefused() throws IOException {
        Path file = dir.resolve("newer.playback.gz");
        write(file, List.of("{\"format\":\"playback-archive\",\"formatVersion\":2,\"parts\":[]}"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> History.fromArchive(file));

        assertEquals(file + ": the manifest (archive line 1): archive format version 2 is not one this test kit reads (1 to 1)", e.getMessage());
    }

    private static String recorded(String eventId, String price) {
        JsonNode request = json("{\"item\":\"tea\"}");
        return "{\"processor\":\"orders\",\"eventId\":\"" + eventId + "\",\"callSite\":\"prices.quote\",\"requestHash\":\""
                + Hashes.request(request) + "\",\"request\":" + request + ",\"response\":{\"price\":\"" + price + "\"},\"recordedBy\":\"live\"}";
    }

    /** An archive as docs/archive-format.md lays it out; {@code changedQueries} > 0 changes a query line after its checksum. */
    private Path archive(List<String> events, List<String> queries, int changedQueries) throws IOException {
        String manifest = "{\"format\":\"playback-archive\",\"formatVersion\":1,\"parts\":["
                + "{\"name\":\"events\",\"lines\":" + events.size() + ",\"sha256\":\"" + sha256(events) + "\"},"
                + "{\"name\":\"queries\",\"lines\":" + queries.size() + ",\"sha256\":\"" + sha256(queries) + "\"},"
                + "{\"name\":\"commands\",\"lines\":0,\"sha256\":\"" + sha256(List.of()) + "\"}]}";
        List<String> written = changedQueries > 0 ? queries.stream().map(q -> q.replace("4.00", "9.00")).toList() : queries;
        List<String> lines = new java.util.ArrayList<>();
        lines.add(manifest);
        lines.add("{\"part\":\"events\",\"lines\":" + events.size() + "}");
        lines.addAll(events);
        lines.add("{\"part\":\"queries\",\"lines\":" + queries.size() + "}");
        lines.addAll(written);
        lines.add("{\"part\":\"commands\",\"lines\":0}");
        lines.add("{\"end\":\"playback-archive\"}");
        Path file = dir.resolve("orders.playback.gz");
        write(file, lines);
        return file;
    }

    private static void write(Path file, List<String> lines) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            for (String l : lines) out.write((l + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String sha256(List<String> lines) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (String l : lines) d.update((l + "\n").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
