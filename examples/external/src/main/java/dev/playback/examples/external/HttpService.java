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
 * A small JSON-over-HTTP service on 127.0.0.1 and a free port. Open by default; after {@link #requireAuthorization} it
 * answers 401 to a request without that exact {@code Authorization} header, as a partner's API with credentials would.
 */
abstract class HttpService implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private volatile String authorization;

    HttpService(String name, String path) throws IOException {
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

    abstract Response handle(String method, String path, Map<String, String> query, HttpExchange exchange, byte[] body) throws IOException;

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
            response = required != null && !required.equals(exchange.getRequestHeaders().getFirst("Authorization"))
                    ? error(401, "missing or wrong Authorization header")
                    : handle(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), query(exchange.getRequestURI()), exchange, body);
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
