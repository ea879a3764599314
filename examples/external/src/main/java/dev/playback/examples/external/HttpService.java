package dev.playback.examples.external;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small JSON-over-HTTP service with one resource, on 127.0.0.1 and a free port. Open by default; after
 * {@link #requireAuthorization} it answers 401 to a request without that exact {@code Authorization} header, as a
 * partner's API with credentials would. Another path is answered 404; a body that is not JSON, read with
 * {@link #jsonBody}, 400.
 */
abstract class HttpService implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private final String resource;
    private volatile String authorization;

    HttpService(String name, String path) throws IOException {
        this.resource = path;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext(path, this::serve);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** From now on every request must carry {@code Authorization: value}. */
    public void requireAuthorization(String value) {
        this.authorization = value;
    }

    /** A request to the resource (the path is checked before). */
    abstract Response handle(String method, Map<String, String> query, HttpExchange exchange, byte[] body) throws IOException;

    /** A request body that is JSON, or a 400 answer naming why it is not. */
    static JsonNode jsonBody(byte[] body) {
        try {
            return JsonFileState.JSON.readTree(body);
        } catch (IOException e) {
            throw new BadRequest("body is not JSON: " + e.getMessage());
        }
    }

    /** The answer to a method the resource does not serve. */
    Response notAllowed(String method) {
        return error(405, "method " + method + " not allowed on " + resource);
    }

    /** A request the service refuses with 400 and this message. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    record Response(int status, JsonNode body) {
    }

    static Response error(int status, String message) {
        return new Response(status, JsonFileState.JSON.createObjectNode().put("error", message));
    }

    private void serve(HttpExchange exchange) throws IOException {
        Response response;
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String required = authorization;
            String path = exchange.getRequestURI().getPath();
            if (required != null && !required.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                response = error(401, "missing or wrong Authorization header");
            } else if (!path.equals(resource)) {
                response = error(404, "no such resource " + path);
            } else {
                response = handle(exchange.getRequestMethod(), query(exchange.getRequestURI()), exchange, body);
            }
        } catch (BadRequest e) {
            response = error(400, e.getMessage());
        } catch (RuntimeException e) {
            response = error(500, e.toString());
        }
        byte[] out = JsonFileState.JSON.writeValueAsBytes(response.body());
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(response.status(), out.length);
        exchange.getResponseBody().write(out);
        exchange.close();
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> q = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null) return q;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq < 0) q.put(URLDecoder.decode(pair, StandardCharsets.UTF_8), "");
            else q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
