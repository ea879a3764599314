package dev.playback.examples.ledger;

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
 * The sample domain's external systems over HTTP: the FX service ({@code fx.rate}:
 * {@code GET <FX_URL>/rates?from=X&to=Y} → {@code {"rate": "1.0850"}}) and the partner bank
 * ({@code bank.payout}: {@code POST <BANK_URL>/payouts} with the command as body and an
 * {@code Idempotency-Key} header; the bank applies a key once). Each request carries its system's {@code Authorization}
 * header when its secret is set ({@link Ledger#FX_SECRET}, {@link Ledger#BANK_SECRET}). A refusal by the bank is reported with its status and the length of
 * its answer, not the answer itself: it may name the beneficiary, and errors end up in logs.
 */
public final class HttpExternalSystems implements ExternalSystems {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI fx;
    private final URI bank;
    private final HttpClient http;
    private final Optional<String> fxAuthorization;
    private final Optional<String> bankAuthorization;

    /** Without credentials (the local fakes). */
    public HttpExternalSystems(URI fx, URI bank) {
        this(fx, bank, Optional.empty(), Optional.empty());
    }

    /**
     * @param fxAuthorization   the FX service's {@code Authorization} header value, if it takes one
     * @param bankAuthorization the partner bank's, if it takes one
     */
    public HttpExternalSystems(URI fx, URI bank, Optional<String> fxAuthorization, Optional<String> bankAuthorization) {
        this.fx = fx;
        this.bank = bank;
        this.fxAuthorization = fxAuthorization;
        this.bankAuthorization = bankAuthorization;
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    @Override
    public JsonNode query(CallSite site, JsonNode request) {
        if (!site.id().equals("fx.rate")) throw new IllegalArgumentException("no external query " + site.id());
        URI uri = URI.create(base(fx) + "/rates?from=" + enc(request.path("from").asText()) + "&to=" + enc(request.path("to").asText()));
        HttpRequest.Builder get = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
        fxAuthorization.ifPresent(value -> get.header("Authorization", value));
        HttpResponse<String> r = call(get.build());
        if (r.statusCode() != 200) throw new IllegalStateException("FX service answered " + r.statusCode() + " to GET " + uri + ": " + r.body());
        try {
            return EventCodec.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException("FX service answered GET " + uri + " with something that is not JSON: " + r.body(), e);
        }
    }

    @Override
    public void send(CallSite site, JsonNode command, String idempotencyKey) {
        if (!site.id().equals("bank.payout")) throw new IllegalArgumentException("no external command " + site.id());
        URI uri = URI.create(base(bank) + "/payouts");
        HttpRequest.Builder post = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(command.toString()));
        bankAuthorization.ifPresent(value -> post.header("Authorization", value));
        HttpResponse<String> r = call(post.build());
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw new IllegalStateException("partner bank answered " + r.statusCode() + " to POST " + uri + " (key " + idempotencyKey
                    + ", " + (r.body() == null ? 0 : r.body().length()) + " characters of answer, not shown: they may name the beneficiary)");
        }
    }

    private HttpResponse<String> call(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + request.method() + " " + request.uri(), e);
        }
    }

    private static String base(URI u) {
        String s = u.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
