package dev.playback.examples.external;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.playback.examples.ledger.HttpExternalSystems;
import dev.playback.model.gateway.CallSite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local FX service and partner bank on loopback, through the lambdas' HTTP client. */
class ExternalServicesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CallSite RATE = new CallSite("fx", "rate");
    private static final CallSite PAYOUT = new CallSite("bank", "payout");
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> call(String method, URI uri, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) b.header("Idempotency-Key", key);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void ratesAreAnsweredChangedAndUnknownPairsRefused() throws Exception {
        try (ExternalServices s = ExternalServices.start(null)) {
            HttpExternalSystems client = new HttpExternalSystems(s.fxUrl(), s.bankUrl());
            JsonNode rate = client.query(RATE, JSON.readTree("{\"from\":\"EUR\",\"to\":\"USD\"}"));
            assertEquals("1.0850", rate.path("rate").asText());
            assertEquals("1", client.query(RATE, JSON.readTree("{\"from\":\"EUR\",\"to\":\"EUR\"}")).path("rate").asText());

            assertEquals(200, call("PUT", s.fxUrl().resolve("/rates"), "{\"EUR/USD\":\"1.2000\"}", null).statusCode());
            assertEquals("1.2000", client.query(RATE, JSON.readTree("{\"from\":\"EUR\",\"to\":\"USD\"}")).path("rate").asText());
            assertEquals(400, call("PUT", s.fxUrl().resolve("/rates"), "{\"EUR/USD\":\"-1\"}", null).statusCode());
            IllegalStateException unknown = assertThrows(IllegalStateException.class,
                    () -> client.query(RATE, JSON.readTree("{\"from\":\"EUR\",\"to\":\"JPY\"}")));
            assertTrue(unknown.getMessage().contains("404"), unknown.getMessage());
        }
    }

    @Test
    void theBankRecordsAKeyOnceAndListsNetPerPayout() throws Exception {
        try (ExternalServices s = ExternalServices.start(null)) {
            HttpExternalSystems client = new HttpExternalSystems(s.fxUrl(), s.bankUrl());
            client.send(PAYOUT, JSON.readTree("{\"payoutId\":\"p-1\",\"beneficiary\":\"Bob\",\"currency\":\"USD\",\"amount\":\"107.50\"}"), "k-1");
            client.send(PAYOUT, JSON.readTree("{\"payoutId\":\"p-1\",\"beneficiary\":\"Bob\",\"currency\":\"USD\",\"amount\":\"107.50\"}"), "k-1");
            client.send(PAYOUT, JSON.readTree("{\"payoutId\":\"p-1\",\"beneficiary\":\"Bob\",\"currency\":\"USD\",\"amount\":\"-0.08\"}"), "k-2");
            assertEquals(2, s.bank().payouts().size());
            assertEquals(Map.of("p-1", new BigDecimal("107.42")), s.bank().netPerPayout());
            JsonNode listed = JSON.readTree(call("GET", s.bankUrl().resolve("/payouts"), null, null).body());
            assertEquals("107.42", listed.path("netByPayout").path("p-1").asText());
            assertEquals(400, call("POST", s.bankUrl().resolve("/payouts"), "{\"payoutId\":\"p\"}", null).statusCode(),
                    "a payout without an idempotency key is refused");
        }
    }

    @Test
    void withCredentialsRequiredOnlyTheRightAuthorizationHeaderIsServed() throws Exception {
        try (ExternalServices s = ExternalServices.start(null)) {
            s.fx().requireAuthorization("Bearer fx-token-1");
            s.bank().requireAuthorization("Basic YmFuazpzZWNyZXQ=");
            HttpExternalSystems withCredentials = new HttpExternalSystems(s.fxUrl(), s.bankUrl(),
                    Optional.of("Bearer fx-token-1"), Optional.of("Basic YmFuazpzZWNyZXQ="));
            HttpExternalSystems without = new HttpExternalSystems(s.fxUrl(), s.bankUrl());
            JsonNode payout = JSON.readTree("{\"payoutId\":\"p-1\",\"beneficiary\":\"Bob\",\"currency\":\"USD\",\"amount\":\"5.00\"}");

            assertEquals("1.0850", withCredentials.query(RATE, JSON.readTree("{\"from\":\"EUR\",\"to\":\"USD\"}")).path("rate").asText());
            withCredentials.send(PAYOUT, payout, "k-1");
            IllegalStateException fx = assertThrows(IllegalStateException.class,
                    () -> without.query(RATE, JSON.readTree("{\"from\":\"EUR\",\"to\":\"USD\"}")));
            IllegalStateException bank = assertThrows(IllegalStateException.class, () -> without.send(PAYOUT, payout, "k-2"));

            assertTrue(fx.getMessage().startsWith("FX service answered 401"), fx.getMessage());
            assertTrue(bank.getMessage().startsWith("partner bank answered 401"), bank.getMessage());
            assertEquals(1, s.bank().payouts().size(), "only the payout with credentials reached the bank");
        }
    }

    @Test
    void theStackIsDeployedWithEachServicesLoopbackUrlAsTemplateParameterAndEnvironmentVariable() throws Exception {
        try (ExternalServices s = ExternalServices.start(null)) {
            Map<String, String> parameters = s.parameters();
            Map<String, String> environment = s.environment();

            assertEquals(java.util.List.of("FxUrl", "BankUrl", "TaxUrl", "InvoiceUrl"), java.util.List.copyOf(parameters.keySet()));
            assertEquals(java.util.List.of("FX_URL", "BANK_URL", "TAX_URL", "INVOICE_URL"), java.util.List.copyOf(environment.keySet()));
            assertEquals(s.taxUrl().toString(), parameters.get("TaxUrl"));
            assertEquals(s.invoiceUrl().toString(), environment.get("INVOICE_URL"));
            assertEquals(java.util.List.copyOf(parameters.values()), java.util.List.copyOf(environment.values()));
            assertEquals(4, new java.util.HashSet<>(parameters.values()).size(), "four services, four ports: " + parameters);
            // template.yaml accepts http:// only on 127.0.0.1 (its AllowedPattern)
            assertTrue(parameters.values().stream().allMatch(u -> u.matches("http://127\\.0\\.0\\.1:[0-9]+")), parameters.toString());
            assertEquals(200, call("GET", s.invoiceUrl().resolve("/invoices"), null, null).statusCode(), "the invoice service answers");
        }
    }

    @Test
    void withADataDirectoryBothKeepTheirStateAcrossRestarts(@TempDir Path data) throws Exception {
        try (ExternalServices s = ExternalServices.start(data)) {
            s.fx().setRate("EUR", "USD", "1.3000");
            new HttpExternalSystems(s.fxUrl(), s.bankUrl()).send(PAYOUT,
                    JSON.readTree("{\"payoutId\":\"p-1\",\"beneficiary\":\"Bob\",\"currency\":\"USD\",\"amount\":\"5.00\"}"), "k-1");
        }
        assertTrue(Files.exists(data.resolve("external/fx.json")) && Files.exists(data.resolve("external/bank.json")));
        try (ExternalServices s = ExternalServices.start(data)) {
            assertEquals(new BigDecimal("1.3000"), s.fx().rates().get("EUR/USD"));
            assertEquals(1, s.bank().payouts().size());
            new HttpExternalSystems(s.fxUrl(), s.bankUrl()).send(PAYOUT,
                    JSON.readTree("{\"payoutId\":\"p-1\",\"beneficiary\":\"Bob\",\"currency\":\"USD\",\"amount\":\"5.00\"}"), "k-1");
            assertEquals(1, s.bank().payouts().size(), "a key seen before the restart is still deduplicated");
        }
    }
}
