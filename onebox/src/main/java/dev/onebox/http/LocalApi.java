package dev.onebox.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.onebox.lambda.LocalFunction;
import dev.onebox.lambda.LocalFunctions;
import dev.onebox.template.LocalNames;
import dev.onebox.template.Template;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The REST API of the template's {@code Api} events on 127.0.0.1, translated like API Gateway's Lambda proxy
 * integration: each request becomes an {@link APIGatewayProxyRequestEvent} (stage {@code Prod}), the function's
 * {@link APIGatewayProxyResponseEvent} becomes the HTTP response. A path no route matches answers 404
 * {@code {"message":"Not Found"}}; a known path with a method it does not serve answers 403
 * {@code {"message":"Missing Authentication Token"}}; a body over 6 MB (what a synchronous Lambda invoke carries)
 * answers 413; a function error or malformed response answers 502 {@code {"message":"Internal server error"}}, as API
 * Gateway does. Paths may carry the {@code /Prod} stage prefix or not. With {@link Auth#IAM} every route requires a
 * SigV4 signature made with the local credentials, as the template's {@code AWS_IAM} authorization does on AWS
 * ({@link IamAuthorizer}); {@link Auth#NONE} (the default) leaves the loopback-only API open.
 */
public final class LocalApi implements AutoCloseable {
    /** A synchronous Lambda invoke's payload limit (6 MB), below API Gateway's own 10 MB. */
    public static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
    static final String STAGE = "Prod";
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /** How requests are authorized: {@code NONE} (open) or {@code IAM} (SigV4 signatures with the local credentials). */
    public enum Auth {
        NONE, IAM;

        /** {@code none} or {@code iam}, as the {@code --auth} option spells them. */
        public static Auth parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "none" -> NONE;
                case "iam" -> IAM;
                default -> throw new IllegalArgumentException("--auth must be none or iam, not '" + text + "'");
            };
        }
    }

    /** One route: an HTTP method (or ANY), a resource path with {@code {param}} / {@code {proxy+}}, a function. */
    public record Route(String method, String resourcePath, LocalFunction function) {
        public Route {
            method = method.toUpperCase(Locale.ROOT);
            if (!resourcePath.startsWith("/")) {
                throw new IllegalArgumentException("Api path " + resourcePath + " must start with /");
            }
        }
    }

    private final Routes routes;
    private final HttpServer server;
    private final ExecutorService executor;
    private final IamAuthorizer authorizer;

    /** An open API ({@link Auth#NONE}). */
    public LocalApi(List<Route> routes, int port, int threads) throws IOException {
        this(routes, port, threads, null);
    }

    /**
     * @param port 0 picks a free port
     * @param threads how many requests are served in parallel
     * @param authorizer checks every request's signature; null: the API is open
     */
    public LocalApi(List<Route> routes, int port, int threads, IamAuthorizer authorizer) throws IOException {
        this.routes = new Routes(routes);
        this.authorizer = authorizer;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        AtomicInteger count = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, "local-api-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Every Api event of every function of {@code template}, served by its function from {@code functions}. */
    public static LocalApi fromTemplate(Template template, LocalFunctions functions, int port, Auth auth) throws IOException {
        List<Route> routes = new ArrayList<>();
        for (Template.ApiRoute route : template.apiRoutes()) {
            routes.add(new Route(route.event().method(), route.event().path(),
                    functions.get(route.function().functionName())));
        }
        return new LocalApi(routes, port, 8, auth == Auth.IAM ? IamAuthorizer.local() : null);
    }

    public LocalApi start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The address the server socket is bound to. */
    public InetSocketAddress boundAddress() {
        return server.getAddress();
    }

    /** {@code http://127.0.0.1:<port>} (no trailing slash, no stage). */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String requestId = UUID.randomUUID().toString();
            exchange.getResponseHeaders().add("x-amzn-RequestId", requestId);
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getRawPath();
            Optional<Routes.Match> match = routes.match(path);
            if (match.isEmpty() && (path.equals("/" + STAGE) || path.startsWith("/" + STAGE + "/"))) {
                path = path.length() == STAGE.length() + 1 ? "/" : path.substring(STAGE.length() + 1);
                match = routes.match(path);
            }
            if (match.isEmpty()) {
                error(exchange, 404, "NotFoundException", "Not Found");
                return;
            }
            Route route = match.get().routeFor(method);
            if (route == null) {
                error(exchange, 403, "MissingAuthenticationTokenException", "Missing Authentication Token");
                return;
            }
            String length = exchange.getRequestHeaders().getFirst("Content-Length");
            if (length != null && parseLong(length) > MAX_PAYLOAD_BYTES) {
                // Read the body away first: closing an exchange with a large unread body drops the connection,
                // and the client would not see the answer.
                exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
                error(exchange, 413, "RequestTooLongException", "Request Too Long");
                return;
            }
            byte[] body = readBody(exchange.getRequestBody());
            if (body == null) {
                error(exchange, 413, "RequestTooLongException", "Request Too Long");
                return;
            }
            if (authorizer != null) {
                String host = exchange.getRequestHeaders().getFirst("Host");
                URI signed;
                try {
                    signed = URI.create("http://" + (host == null ? "127.0.0.1:" + port() : host) + exchange.getRequestURI().getRawPath()
                            + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
                } catch (IllegalArgumentException e) {
                    error(exchange, 400, "BadRequestException", "Invalid Host header: " + host);
                    return;
                }
                Optional<IamAuthorizer.Refusal> refusal = authorizer.check(method, signed, exchange.getRequestHeaders(), body);
                if (refusal.isPresent()) {
                    error(exchange, 403, refusal.get().errorType(), refusal.get().message());
                    return;
                }
            }
            APIGatewayProxyRequestEvent event = event(exchange, method, path, route, match.get().pathParameters(),
                    body, requestId);
            APIGatewayProxyResponseEvent response;
            try {
                response = route.function().invoke(event, APIGatewayProxyResponseEvent.class);
            } catch (RuntimeException e) {
                System.err.println("[local api] " + method + " " + path + " -> " + route.function().name()
                        + " failed: " + e);
                error(exchange, 502, null, "Internal server error");
                return;
            }
            if (response == null || response.getStatusCode() == null) {
                System.err.println("[local api] " + method + " " + path + " -> " + route.function().name()
                        + " returned a malformed Lambda proxy response (no statusCode)");
                error(exchange, 502, null, "Internal server error");
                return;
            }
            respond(exchange, method, response);
        }
    }

    private static APIGatewayProxyRequestEvent event(HttpExchange exchange, String method, String path, Route route,
                                                     Map<String, String> pathParameters, byte[] body,
                                                     String requestId) {
        // The JDK server normalises header names (Content-type); API Gateway keeps the client's spelling. Maps that
        // ignore case let handlers look headers up as they would on AWS.
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Map<String, List<String>> multiValueHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            List<String> values = header.getValue();
            multiValueHeaders.put(header.getKey(), List.copyOf(values));
            headers.put(header.getKey(), values.get(values.size() - 1));
        }
        Map<String, String> query = new LinkedHashMap<>();
        Map<String, List<String>> multiValueQuery = new LinkedHashMap<>();
        String rawQuery = exchange.getRequestURI().getRawQuery();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                multiValueQuery.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                query.put(name, value);
            }
        }
        Instant now = Instant.now();
        APIGatewayProxyRequestEvent.RequestIdentity identity = new APIGatewayProxyRequestEvent.RequestIdentity();
        identity.setSourceIp(exchange.getRemoteAddress().getAddress().getHostAddress());
        identity.setUserAgent(headers.get("User-agent"));
        APIGatewayProxyRequestEvent.ProxyRequestContext context = new APIGatewayProxyRequestEvent.ProxyRequestContext();
        context.setAccountId(LocalNames.ACCOUNT);
        context.setApiId("local");
        context.setResourceId(Integer.toHexString(route.resourcePath().hashCode()));
        context.setStage(STAGE);
        context.setRequestId(requestId);
        context.setExtendedRequestId(requestId);
        context.setIdentity(identity);
        context.setResourcePath(route.resourcePath());
        context.setHttpMethod(method);
        context.setPath("/" + STAGE + URI.create(path).getPath());
        context.setProtocol(exchange.getProtocol());
        context.setRequestTime(REQUEST_TIME.format(now));
        context.setRequestTimeEpoch(now.toEpochMilli());
        context.setDomainName(headers.getOrDefault("Host", "127.0.0.1"));
        APIGatewayProxyRequestEvent event = new APIGatewayProxyRequestEvent();
        event.setResource(route.resourcePath());
        event.setPath(URI.create(path).getPath());
        event.setHttpMethod(method);
        event.setHeaders(headers);
        event.setMultiValueHeaders(multiValueHeaders);
        event.setQueryStringParameters(query.isEmpty() ? null : query);
        event.setMultiValueQueryStringParameters(multiValueQuery.isEmpty() ? null : multiValueQuery);
        event.setPathParameters(pathParameters.isEmpty() ? null : pathParameters);
        event.setStageVariables(null);
        event.setRequestContext(context);
        event.setBody(body.length == 0 ? null : new String(body, StandardCharsets.UTF_8));
        event.setIsBase64Encoded(false);
        return event;
    }

    private static void respond(HttpExchange exchange, String method, APIGatewayProxyResponseEvent response)
            throws IOException {
        Headers out = exchange.getResponseHeaders();
        if (response.getMultiValueHeaders() != null) {
            response.getMultiValueHeaders().forEach((name, values) -> values.forEach(v -> out.add(name, v)));
        }
        if (response.getHeaders() != null) {
            response.getHeaders().forEach((name, value) -> {
                if (!out.containsKey(name)) {
                    out.add(name, value);
                }
            });
        }
        if (!out.containsKey("Content-Type")) {
            out.add("Content-Type", "application/json");
        }
        byte[] body;
        if (response.getBody() == null) {
            body = new byte[0];
        } else if (Boolean.TRUE.equals(response.getIsBase64Encoded())) {
            body = Base64.getDecoder().decode(response.getBody());
        } else {
            body = response.getBody().getBytes(StandardCharsets.UTF_8);
        }
        int status = response.getStatusCode();
        boolean noBody = method.equals("HEAD") || status == 204 || status == 304 || (status >= 100 && status < 200);
        exchange.sendResponseHeaders(status, noBody || body.length == 0 ? -1 : body.length);
        if (!noBody && body.length > 0) {
            try (OutputStream stream = exchange.getResponseBody()) {
                stream.write(body);
            }
        }
    }

    private static void error(HttpExchange exchange, int status, String errorType, String message) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (errorType != null) {
            exchange.getResponseHeaders().add("x-amzn-ErrorType", errorType);
        }
        String escaped = message.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        byte[] body = ("{\"message\":\"" + escaped + "\"}").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream stream = exchange.getResponseBody()) {
            stream.write(body);
        }
    }

    /** The body, or null when it is larger than API Gateway accepts. */
    private static byte[] readBody(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        int read;
        while ((read = in.read(buffer)) != -1) {
            out.write(buffer, 0, read);
            if (out.size() > MAX_PAYLOAD_BYTES) {
                in.transferTo(OutputStream.nullOutputStream());
                return null;
            }
        }
        return out.toByteArray();
    }

    private static long parseLong(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
