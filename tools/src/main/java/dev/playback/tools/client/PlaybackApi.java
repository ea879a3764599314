package dev.playback.tools.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A small client of the Playback HTTP API (the same API on the local stack and behind API Gateway). {@link #signed}
 * signs every request with AWS Signature Version 4 for {@code execute-api}, as the deployed API's {@code AWS_IAM}
 * authorization (and {@code playback local --auth iam}) requires.
 */
public final class PlaybackApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: the HTTP status and the JSON body (a text node when the body is not JSON). */
    public record Answer(int status, JsonNode body) {
    }

    private final URI base;
    private final HttpClient http;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /** Unsigned requests. */
    public PlaybackApi(URI base) {
        this(base, null, null);
    }

    private PlaybackApi(URI base, AwsCredentialsProvider credentials, String region) {
        this.base = base;
        this.credentials = credentials;
        this.region = region;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** Requests signed with {@code credentials} for service {@code execute-api} in {@code region}. */
    public static PlaybackApi signed(URI base, AwsCredentialsProvider credentials, String region) {
        return new PlaybackApi(base, credentials, region);
    }

    public URI base() {
        return base;
    }

    public Answer postEvents(String body) {
        return send("POST", "/events", body.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(60));
    }

    public Answer postEvents(JsonNode body) {
        return postEvents(body.toString());
    }

    public Answer event(String eventId) {
        return get("/events/" + eventId);
    }

    public Answer aggregate(String aggregateId) {
        return get("/aggregates/" + aggregateId);
    }

    /**
     * {@code GET /aggregates/{id}} with these query parameters (e.g. {@code asOf}, {@code knownAt}, {@code version},
     * {@code processor}; those mapped to null left out), URL-encoded.
     */
    public Answer aggregate(String aggregateId, java.util.Map<String, String> query) {
        StringBuilder path = new StringBuilder("/aggregates/").append(aggregateId);
        char separator = '?';
        for (java.util.Map.Entry<String, String> q : new java.util.TreeMap<>(query).entrySet()) {
            if (q.getValue() == null) continue;
            path.append(separator).append(q.getKey()).append('=').append(java.net.URLEncoder.encode(q.getValue(), StandardCharsets.UTF_8));
            separator = '&';
        }
        return get(path.toString());
    }

    public Answer history(String aggregateId) {
        return get("/aggregates/" + aggregateId + "/events");
    }

    public Answer get(String path) {
        return send("GET", path, null, Duration.ofSeconds(30));
    }

    private Answer send(String method, String path, byte[] body, Duration timeout) {
        URI uri = resolve(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) request.header("Content-Type", "application/json");
        if (credentials != null) {
            SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method))
                    .uri(URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath()));
            if (uri.getRawQuery() != null) {
                for (String pair : uri.getRawQuery().split("&")) {
                    int eq = pair.indexOf('=');
                    unsigned.appendRawQueryParameter(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            if (body != null) unsigned.putHeader("Content-Type", "application/json");
            AwsCredentialsIdentity identity = credentials.resolveIdentity().join();
            SignedRequest signed = signer.sign(r -> r.identity(identity).request(unsigned.build())
                    .payload(body == null ? null : ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region));
            // Host is set by the HTTP client from the URI, as signed; the rest are the signature's headers
            signed.request().forEachHeader((name, values) -> {
                if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Type")) values.forEach(v -> request.header(name, v));
            });
        }
        return send(request.build());
    }

    /** {@code path} under the base URL (a stage such as {@code /Prod} in the base is kept). */
    private URI resolve(String path) {
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + (path.startsWith("/") ? path : "/" + path));
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = r.body() == null || r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
            } catch (IOException notJson) {
                body = JSON.getNodeFactory().textNode(r.body());
            }
            return new Answer(r.statusCode(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + request.method() + " " + request.uri(), e);
        }
    }
}
