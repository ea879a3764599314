package dev.playback.examples.subscriptions;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The invoicing processor's HTTP client against a server on 127.0.0.1 that records what it receives. */
class HttpExternalSystemsTest {
    private HttpServer server;
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " auth=" + exchange.getRequestHeaders().getFirst("Authorization")
                        + " key=" + exchange.getRequestHeaders().getFirst("Idempotency-Key") + " " + body);
                boolean refuse = exchange.getRequestURI().getPath().startsWith("/refusing");
                byte[] answer = (refuse ? "{\"error\":\"customer Ada Example is blocked\"}" : "{\"rate\":\"0.19\"}").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(refuse ? 422 : 200, answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void theTaxRateIsAGetWithCountryAndDate_andTheInvoiceAPostWithItsIdempotencyKey() {
        HttpExternalSystems systems = new HttpExternalSystems(url("/tax/"), url("/billing"));
        String invoice = "{\"invoiceId\":\"inv-03\",\"customer\":\"Ada\",\"period\":\"2026-03\",\"currency\":\"EUR\",\"net\":\"21.00\",\"tax\":\"3.99\",\"total\":\"24.99\"}";

        assertEquals(json("{\"rate\":\"0.19\"}"), systems.query(Invoicing.TAX_RATE_SITE, json("{\"country\":\"DE\",\"date\":\"2026-03-01\"}")));
        systems.send(Invoicing.INVOICE_SITE, json(invoice), "k-1");

        assertEquals(List.of("GET /tax/rates?country=DE&date=2026-03-01 auth=null key=null ",
                "POST /billing/invoices auth=null key=k-1 " + invoice), seen);
    }

    @Test
    void eachServiceGetsTheAuthorizationHeaderItsSecretHolds() {
        HttpExternalSystems systems = Subscriptions.externalSystems(new FixedSettings(
                Map.of(Subscriptions.TAX_URL, url("/tax").toString(), Subscriptions.INVOICE_URL, url("/billing").toString()),
                Map.of(Subscriptions.TAX_SECRET, "Bearer tax-token-1", Subscriptions.INVOICE_SECRET, "Basic aW52OnNlY3JldA==")));

        systems.query(Invoicing.TAX_RATE_SITE, json("{\"country\":\"AT\",\"date\":\"2026-04-01\"}"));
        systems.send(Invoicing.INVOICE_SITE, json("{\"invoiceId\":\"inv-04\"}"), "k-2");

        assertEquals(List.of("GET /tax/rates?country=AT&date=2026-04-01 auth=Bearer tax-token-1 key=null ",
                "POST /billing/invoices auth=Basic aW52OnNlY3JldA== key=k-2 {\"invoiceId\":\"inv-04\"}"), seen);
    }

    @Test
    void aRefusalOfTheInvoiceServiceDoesNotRepeatItsAnswer() {
        HttpExternalSystems systems = new HttpExternalSystems(url("/tax"), url("/refusing"));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> systems.send(Invoicing.INVOICE_SITE, json("{\"invoiceId\":\"inv-03\",\"customer\":\"Ada Example\"}"), "k-1"));

        assertTrue(e.getMessage().startsWith("invoice service answered 422 to POST " + url("/refusing/invoices") + " (key k-1"), e.getMessage());
        assertFalse(e.getMessage().contains("Ada"), e.getMessage());
    }

    @Test
    void aCallSiteOfAnotherProcessorIsRefusedNamingIt() {
        HttpExternalSystems systems = new HttpExternalSystems(url("/tax"), url("/billing"));

        IllegalArgumentException query = assertThrows(IllegalArgumentException.class,
                () -> systems.query(new dev.playback.model.gateway.CallSite("fx", "rate"), json("{}")));
        IllegalArgumentException send = assertThrows(IllegalArgumentException.class,
                () -> systems.send(new dev.playback.model.gateway.CallSite("bank", "payout"), json("{}"), "k"));

        assertEquals("no external query fx.rate", query.getMessage());
        assertEquals("no external command bank.payout", send.getMessage());
        assertEquals(List.of(), seen);
    }
}
