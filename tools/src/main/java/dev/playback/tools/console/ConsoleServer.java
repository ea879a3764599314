package dev.playback.tools.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The console's web server: the JDK's HTTP server on 127.0.0.1 only, serving the front end's static files from the
 * classpath folder {@code console/} and the JSON API under {@code /api/} ({@link Api}, answered by {@link ConsoleData}).
 * Every response carries a strict Content-Security-Policy, {@code nosniff} and {@code no-referrer}. The one write,
 * {@code POST /api/rollback}, is refused (403) when the request's {@code Origin} is not the console's own, and unless its
 * body is JSON with {@code "confirm": "rollback"}.
 */
public final class ConsoleServer implements AutoCloseable {
    static final String CSP = "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "frame-ancestors 'none'";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STATIC_ROOT = "console/";
    private static final int MAX_BODY = 64 * 1024;
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
            "mjs", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "json",
            "application/json", "png", "image/png", "ico", "image/x-icon", "txt", "text/plain; charset=utf-8");

    /** What the server answers under {@code /api/}: GETs by endpoint name, and the rollback. Errors as {@link ConsoleException}. */
    public interface Api {
        JsonNode get(String endpoint, Map<String, String> query);

        JsonNode rollback(JsonNode body);

        /** True for the endpoints read with GET; {@code rollback} is the one POST. */
        default boolean isRead(String endpoint) {
            return !endpoint.equals("rollback");
        }
    }

    private final HttpServer server;
    private final ExecutorService pool;
    private final Api api;
    private final URI url;

    private ConsoleServer(HttpServer server, ExecutorService pool, Api api) {
        this.server = server;
        this.pool = pool;
        this.api = api;
        this.url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** Serves {@code data} on 127.0.0.1:{@code port} (0: a free port). */
    public static ConsoleServer start(ConsoleData data, int port) throws IOException {
        return start((Api) data, port);
    }

    static ConsoleServer start(Api api, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "console-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        ConsoleServer console = new ConsoleServer(server, pool, api);
        server.createContext("/", console::handle);
        server.start();
        return console;
    }

    public URI url() {
        return url;
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            var h = x.getResponseHeaders();
            h.set("Content-Security-Policy", CSP);
            h.set("X-Content-Type-Options", "nosniff");
            h.set("Referrer-Policy", "no-referrer");
            h.set("Cache-Control", "no-store");
            String path = x.getRequestURI().getRawPath();
            try {
                checkHost(x.getRequestHeaders().getFirst("Host"));
                if (path.startsWith("/api/")) {
                    api(x, path.substring("/api/".length()));
                } else {
                    serveStatic(x, path);
                }
            } catch (ConsoleException e) {
                error(x, e.status(), e.getMessage());
            } catch (RuntimeException e) {
                error(x, 500, e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }
    }

    /**
     * Answers only requests addressed to the console itself: a page of another site that makes its own host name resolve
     * to 127.0.0.1 (DNS rebinding) would otherwise read the console's API as same-origin.
     */
    private void checkHost(String host) {
        int port = server.getAddress().getPort();
        if (!("127.0.0.1:" + port).equals(host)) {
            throw new ConsoleException(403, "Host " + host + " is not the console's address (127.0.0.1:" + port + ")");
        }
    }

    private void api(HttpExchange x, String endpoint) throws IOException {
        String method = x.getRequestMethod();
        if (!endpoint.matches("[a-z]{1,32}")) throw ConsoleException.notFound("no API endpoint /api/" + endpoint);
        if (api.isRead(endpoint)) {
            if (!method.equals("GET") && !method.equals("HEAD")) {
                x.getResponseHeaders().set("Allow", "GET");
                throw new ConsoleException(405, "/api/" + endpoint + " answers GET, not " + method);
            }
            json(x, 200, api.get(endpoint, query(x.getRequestURI().getRawQuery())));
            return;
        }
        if (!method.equals("POST")) {
            x.getResponseHeaders().set("Allow", "POST");
            throw new ConsoleException(405, "/api/" + endpoint + " answers POST, not " + method);
        }
        String origin = x.getRequestHeaders().getFirst("Origin");
        String own = "http://127.0.0.1:" + server.getAddress().getPort();
        if (origin != null && !origin.equals(own)) {
            throw new ConsoleException(403, "Origin " + origin + " is not the console's own (" + own + "): the rollback is refused");
        }
        String type = x.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).split(";")[0].trim().equals("application/json")) {
            throw new ConsoleException(415, "the rollback takes a JSON body (Content-Type: application/json), not " + (type == null ? "none" : type));
        }
        byte[] bytes;
        try (InputStream in = x.getRequestBody()) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) throw ConsoleException.badInput("the body is larger than " + MAX_BODY + " bytes");
        JsonNode body;
        try {
            body = JSON.readTree(bytes);
        } catch (IOException e) {
            throw ConsoleException.badInput("the body is not JSON: " + e.getMessage().split("\n")[0]);
        }
        if (body == null || !body.isObject()) throw ConsoleException.badInput("the body must be a JSON object");
        if (!"rollback".equals(body.path("confirm").asText(null))) {
            throw ConsoleException.badInput("'confirm' must be \"rollback\": a rollback is only done when confirmed");
        }
        json(x, 200, api.rollback(body));
    }

    static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) return q;
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (q.putIfAbsent(k, v) != null) throw ConsoleException.badInput("query parameter '" + k + "' is given twice");
        }
        return q;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ConsoleException.badInput("the query is not URL-encoded: " + e.getMessage());
        }
    }

    private void serveStatic(HttpExchange x, String rawPath) throws IOException {
        String method = x.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            x.getResponseHeaders().set("Allow", "GET");
            throw new ConsoleException(405, rawPath + " answers GET, not " + method);
        }
        String path = rawPath.equals("/") ? "index.html" : rawPath.substring(1);
        String shown = "/" + path;
        // Only plain relative names: no encoded characters, no dot segments, no backslashes.
        if (!path.matches("[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*") || path.contains("..")) {
            throw ConsoleException.notFound("no file " + shown);
        }
        String ext = path.contains(".") ? path.substring(path.lastIndexOf('.') + 1) : "";
        String type = TYPES.get(ext);
        if (type == null) throw ConsoleException.notFound("no file " + shown);
        byte[] bytes;
        try (InputStream in = ConsoleServer.class.getClassLoader().getResourceAsStream(STATIC_ROOT + path)) {
            if (in == null) throw ConsoleException.notFound("no file " + shown);
            bytes = in.readAllBytes();
        }
        x.getResponseHeaders().set("Content-Type", type);
        send(x, 200, bytes);
    }

    private static void json(HttpExchange x, int status, JsonNode body) throws IOException {
        x.getResponseHeaders().set("Content-Type", "application/json");
        send(x, status, JSON.writeValueAsBytes(body));
    }

    private static void error(HttpExchange x, int status, String message) throws IOException {
        json(x, status, JSON.createObjectNode().put("error", message));
    }

    private static void send(HttpExchange x, int status, byte[] body) throws IOException {
        if (x.getRequestMethod().equals("HEAD")) {
            x.sendResponseHeaders(status, -1);
            return;
        }
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        x.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the console's HTTP threads did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
