package dev.playback.local.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small client of the Playback HTTP API (the same API on the local stack and behind API Gateway). */
public final class PlaybackApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: the HTTP status and the JSON body (a text node when the body is not JSON). */
    public record Answer(int status, JsonNode body) {
    }

    private final URI base;
    private final HttpClient http;

    public PlaybackApi(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    }

    public URI base() {
        return base;
    }

    public Answer postEvents(String body) {
        return send(HttpRequest.newBuilder(base.resolve("/events")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(60)).build());
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

    public Answer history(String aggregateId) {
        return get("/aggregates/" + aggregateId + "/events");
    }

    public Answer get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().timeout(Duration.ofSeconds(30)).build());
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
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + request.method() + " " + request.uri(), e);
        }
    }
}
