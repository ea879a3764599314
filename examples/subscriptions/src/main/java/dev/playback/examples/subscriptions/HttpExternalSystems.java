package dev.playback.examples.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.ExternalSystems;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The invoicing processor's external systems over HTTP: the tax service ({@code tax.rate}:
 * {@code GET <TAX_URL>/rates?country=DE&date=2026-03-01} → {@code {"rate": "0.19"}}) and the invoice service
 * ({@code billing.invoice}: {@code POST <INVOICE_URL>/invoices} with the command as body and an {@code Idempotency-Key}
 * header; the service applies a key once). Each request carries its system's {@code Authorization} header when its
 * secret is set ({@link Subscriptions#TAX_SECRET}, {@link Subscriptions#INVOICE_SECRET}). A refusal by the invoice
 * service is reported with its status and the length of its answer, not the answer itself: it may name the customer,
 * and errors end up in logs.
 */
public final class HttpExternalSystems implements ExternalSystems {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String tax;
    private final String invoices;
    private final Optional<String> taxAuthorization;
    private final Optional<String> invoiceAuthorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** Without credentials (the local fakes). */
    public HttpExternalSystems(URI tax, URI invoices) {
        this(tax, invoices, Optional.empty(), Optional.empty());
    }

    /**
     * @param taxAuthorization     the tax service's {@code Authorization} header value, if it takes one
     * @param invoiceAuthorization the invoice service's, if it takes one
     */
    public HttpExternalSystems(URI tax, URI invoices, Optional<String> taxAuthorization, Optional<String> invoiceAuthorization) {
        this.tax = withoutTrailingSlash(tax);
        this.invoices = withoutTrailingSlash(invoices);
        this.taxAuthorization = taxAuthorization;
        this.invoiceAuthorization = invoiceAuthorization;
    }

    @Override
    public JsonNode query(CallSite site, JsonNode request) {
        if (!site.equals(Invoicing.TAX_RATE_SITE)) throw new IllegalArgumentException("no external query " + site.id());
        URI uri = URI.create(tax + "/rates?country=" + encode(request.path("country").asText())
                + "&date=" + encode(request.path("date").asText()));
        HttpRequest.Builder get = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
        taxAuthorization.ifPresent(value -> get.header("Authorization", value));
        HttpResponse<String> r = exchange(get.build());
        if (r.statusCode() != 200) throw new IllegalStateException("tax service answered " + r.statusCode() + " to GET " + uri + ": " + r.body());
        try {
            return EventCodec.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("tax service answered GET " + uri + " with something that is not JSON: " + r.body(), e);
        }
    }

    @Override
    public void send(CallSite site, JsonNode command, String idempotencyKey) {
        if (!site.equals(Invoicing.INVOICE_SITE)) throw new IllegalArgumentException("no external command " + site.id());
        URI uri = URI.create(invoices + "/invoices");
        HttpRequest.Builder post = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(command.toString()));
        invoiceAuthorization.ifPresent(value -> post.header("Authorization", value));
        HttpResponse<String> r = exchange(post.build());
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw new IllegalStateException("invoice service answered " + r.statusCode() + " to POST " + uri + " (key " + idempotencyKey
                    + ", " + (r.body() == null ? 0 : r.body().length()) + " characters of answer, not shown: they may name the customer)");
        }
    }

    private HttpResponse<String> exchange(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + request.method() + " " + request.uri(), e);
        }
    }

    private static String withoutTrailingSlash(URI u) {
        String s = u.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
