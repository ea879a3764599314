package dev.playback.examples.external;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.playback.examples.subscriptions.HttpExternalSystems;
import dev.playback.examples.subscriptions.InvoicingProcessor;
import dev.playback.examples.subscriptions.InvoicingState;
import dev.playback.examples.subscriptions.Proration;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayMode;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.MissingRecord;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local tax and invoice services on loopback, through the subscriptions domain's HTTP client. */
class TaxAndInvoiceServicesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CallSite RATE = new CallSite("tax", "rate");
    private static final CallSite INVOICE = new CallSite("billing", "invoice");
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> call(String method, URI uri, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) b.header("Idempotency-Key", key);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static String invoice(String id, String net, String tax, String total) {
        return "{\"invoiceId\":\"" + id + "\",\"customer\":\"Ada\",\"period\":\"2026-03\",\"currency\":\"EUR\",\"net\":\"" + net
                + "\",\"tax\":\"" + tax + "\",\"total\":\"" + total + "\"}";
    }

    private static String rate(HttpExternalSystems client, String country, String date) throws Exception {
        return client.query(RATE, json("{\"country\":\"" + country + "\",\"date\":\"" + date + "\"}")).path("rate").asText();
    }

    @Test
    void theTaxServiceAnswersTheRateInEffectOnTheDate_andALaterRateChangesOnlyLaterAnswers() throws Exception {
        try (TaxService tax = new TaxService(null); InvoiceService invoices = new InvoiceService(null)) {
            HttpExternalSystems client = new HttpExternalSystems(tax.url(), invoices.url());
            assertEquals("0.19", rate(client, "DE", "2026-03-01"));

            tax.setRate("DE", LocalDate.parse("2026-07-01"), new BigDecimal("0.16"));
            assertEquals(200, call("PUT", tax.url().resolve("/rates"), "{\"country\":\"DE\",\"from\":\"2027-01-01\",\"rate\":\"0.21\"}", null)
                    .statusCode());

            assertEquals("0.19", rate(client, "DE", "2026-06-30"));
            assertEquals("0.16", rate(client, "DE", "2026-07-01"));
            assertEquals("0.21", rate(client, "DE", "2027-03-01"));
            assertEquals("0.19", rate(client, "DE", "2000-01-01"));
            IllegalStateException unknown = assertThrows(IllegalStateException.class, () -> rate(client, "FR", "2026-03-01"));
            assertTrue(unknown.getMessage().startsWith("tax service answered 404"), unknown.getMessage());
            assertThrows(IllegalStateException.class, () -> rate(client, "DE", "1999-12-31"), "no rate before the first one");
            assertEquals(400, call("PUT", tax.url().resolve("/rates"), "{\"country\":\"DE\",\"from\":\"2027-01-01\",\"rate\":\"-0.10\"}", null)
                    .statusCode());
            assertEquals(400, call("GET", tax.url().resolve("/rates?country=DE&date=March"), null, null).statusCode());
        }
    }

    @Test
    void theInvoiceServiceAppliesAKeyOnceAndTotalsEachInvoiceWithItsCorrections() throws Exception {
        try (TaxService tax = new TaxService(null); InvoiceService invoices = new InvoiceService(null)) {
            HttpExternalSystems client = new HttpExternalSystems(tax.url(), invoices.url());

            client.send(INVOICE, json(invoice("inv-03", "21.70", "4.12", "25.82")), "k-1");
            client.send(INVOICE, json(invoice("inv-03", "21.70", "4.12", "25.82")), "k-1");
            client.send(INVOICE, json(invoice("inv-03", "-0.70", "-0.13", "-0.83")), "k-2");

            assertEquals(List.of(new InvoiceService.Received(1, "k-1", "inv-03", "Ada", "2026-03", "EUR", new BigDecimal("21.70"),
                            new BigDecimal("4.12"), new BigDecimal("25.82")),
                    new InvoiceService.Received(2, "k-2", "inv-03", "Ada", "2026-03", "EUR", new BigDecimal("-0.70"),
                            new BigDecimal("-0.13"), new BigDecimal("-0.83"))), invoices.invoices());
            assertEquals(Map.of("inv-03", new BigDecimal("24.99")), invoices.totalPerInvoice());
            assertEquals(1, invoices.repeatedDeliveries());
            JsonNode listed = json(call("GET", invoices.url().resolve("/invoices"), null, null).body());
            assertEquals("24.99", listed.path("totalByInvoice").path("inv-03").asText());
            assertEquals(2, listed.path("invoices").size());
            assertEquals(400, call("POST", invoices.url().resolve("/invoices"), invoice("inv-04", "1.00", "0.19", "1.19"), null).statusCode(),
                    "an invoice without an idempotency key is refused");
            assertEquals(400, call("POST", invoices.url().resolve("/invoices"), "{\"invoiceId\":\"inv-04\"}", "k-3").statusCode());
            assertEquals(400, call("POST", invoices.url().resolve("/invoices"), invoice("inv-04", "one", "0.19", "1.19"), "k-4").statusCode());
            assertEquals(2, invoices.invoices().size());
        }
    }

    @Test
    void withCredentialsRequiredOnlyTheRightAuthorizationHeaderIsServed() throws Exception {
        try (TaxService tax = new TaxService(null); InvoiceService invoices = new InvoiceService(null)) {
            tax.requireAuthorization("Bearer tax-token-1");
            invoices.requireAuthorization("Basic aW52OnNlY3JldA==");
            HttpExternalSystems withCredentials = new HttpExternalSystems(tax.url(), invoices.url(),
                    Optional.of("Bearer tax-token-1"), Optional.of("Basic aW52OnNlY3JldA=="));
            HttpExternalSystems without = new HttpExternalSystems(tax.url(), invoices.url());

            assertEquals("0.19", rate(withCredentials, "DE", "2026-03-01"));
            withCredentials.send(INVOICE, json(invoice("inv-03", "21.00", "3.99", "24.99")), "k-1");
            IllegalStateException refusedRate = assertThrows(IllegalStateException.class, () -> rate(without, "DE", "2026-03-01"));
            IllegalStateException refusedInvoice = assertThrows(IllegalStateException.class,
                    () -> without.send(INVOICE, json(invoice("inv-03", "21.00", "3.99", "24.99")), "k-2"));

            assertTrue(refusedRate.getMessage().startsWith("tax service answered 401"), refusedRate.getMessage());
            assertTrue(refusedInvoice.getMessage().startsWith("invoice service answered 401"), refusedInvoice.getMessage());
            assertEquals(1, invoices.invoices().size(), "only the invoice with credentials arrived");
        }
    }

    @Test
    void withADataDirectoryBothKeepTheirStateAcrossRestarts(@TempDir Path data) throws Exception {
        Path taxFile = data.resolve("external/tax.json");
        Path invoiceFile = data.resolve("external/invoices.json");
        try (TaxService tax = new TaxService(taxFile); InvoiceService invoices = new InvoiceService(invoiceFile)) {
            tax.setRate("AT", LocalDate.parse("2026-01-01"), new BigDecimal("0.20"));
            new HttpExternalSystems(tax.url(), invoices.url()).send(INVOICE, json(invoice("inv-03", "21.00", "3.99", "24.99")), "k-1");
        }
        assertTrue(Files.exists(taxFile) && Files.exists(invoiceFile));
        try (TaxService tax = new TaxService(taxFile); InvoiceService invoices = new InvoiceService(invoiceFile)) {
            HttpExternalSystems client = new HttpExternalSystems(tax.url(), invoices.url());
            assertEquals("0.20", rate(client, "AT", "2026-03-01"));
            assertEquals("0.19", rate(client, "DE", "2026-03-01"));
            client.send(INVOICE, json(invoice("inv-03", "21.00", "3.99", "24.99")), "k-1");
            assertEquals(1, invoices.invoices().size(), "a key seen before the restart is still applied once");
            assertEquals(Map.of("inv-03", new BigDecimal("24.99")), invoices.totalPerInvoice());
        }
    }

    private static EventEnvelope event(String id, String time, String type, String payload, long version) throws Exception {
        Instant t = Instant.parse(time);
        return new EventEnvelope(id, "sub-1", type, 1, version, null, t, t, (com.fasterxml.jackson.databind.node.ObjectNode) json(payload),
                null, EventMetadata.NONE);
    }

    @Test
    void theInvoicingProcessorBillsThroughThemLive_andADiffReplayLeavesTheInvoiceServiceHoldingWhatV2Bills() throws Exception {
        try (TaxService tax = new TaxService(null); InvoiceService invoices = new InvoiceService(null)) {
            GatewayPorts ports = new GatewayPorts(new HttpExternalSystems(tax.url(), invoices.url()), new InMemoryQueryRecords(),
                    new InMemoryCommandLog());
            List<EventEnvelope> events = List.of(
                    event("s-1", "2026-03-11T10:00:00Z", "SubscriptionStarted",
                            "{\"customer\":\"Ada\",\"plan\":\"basic\",\"monthlyPrice\":\"31.00\",\"currency\":\"EUR\",\"country\":\"DE\"}", 1),
                    event("inv-03", "2026-04-01T00:05:00Z", "InvoiceRequested", "{\"period\":\"2026-03\"}", 2));
            for (GatewayRun run : List.of(GatewayRun.live(), GatewayRun.replay("fix-1", GatewayMode.DIFF, MissingRecord.FAIL))) {
                InvoicingProcessor processor = new InvoicingProcessor(run.isLive() ? Proration.V1 : Proration.V2);
                GatewayBinding<InvoicingState> p = new GatewayBinding<>(processor, ports, run, new GatewayReport());
                InvoicingState s = p.initial("sub-1");
                for (EventEnvelope e : events) s = p.apply(s, e);
                if (run.isLive()) tax.setRate("DE", LocalDate.parse("2000-01-01"), new BigDecimal("0.25"));
            }

            // live v1: 21 × 31.00 / 30 = 21.70, tax 4.123 → 4.12; the replay's v2: 21.00, tax 3.99 at the recorded 0.19
            assertEquals(List.of("25.82", "-0.83"), invoices.invoices().stream().map(r -> r.total().toPlainString()).toList());
            assertEquals(Map.of("inv-03", new BigDecimal("24.99")), invoices.totalPerInvoice());
        }
    }
}
