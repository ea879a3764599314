package dev.playback.tools.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's server over a recording API: static files, headers, errors and the rollback guard, with a real HTTP client. */
class ConsoleServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CSP = "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'";

    /** Answers {@code overview} with its query, {@code missing} with a 404, {@code broken} with a failure; records rollbacks. */
    private static final class RecordingApi implements ConsoleServer.Api {
        final List<JsonNode> rollbacks = new ArrayList<>();

        @Override
        public JsonNode get(String endpoint, Map<String, String> query) {
            return switch (endpoint) {
                case "overview" -> JSON.valueToTree(Map.of("endpoint", endpoint, "query", query));
                case "missing" -> throw ConsoleException.notFound("aggregate acct-9 has no events");
                case "broken" -> throw new ConsoleException(502, "DescribeExecution arn:x failed: throttled");
                default -> throw ConsoleException.notFound("no API endpoint /api/" + endpoint);
            };
        }

        @Override
        public synchronized JsonNode rollback(JsonNode body) {
            rollbacks.add(body);
            return JSON.createObjectNode().put("status", "SUCCEEDED");
        }
    }

    private final RecordingApi api = new RecordingApi();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private ConsoleServer server;

    @BeforeEach
    void start() throws Exception {
        server = ConsoleServer.start(api, 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.url().resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String contentType, String origin, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.url().resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        if (origin != null) b.header("Origin", origin);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String ownOrigin() {
        String u = server.url().toString();
        return u.substring(0, u.length() - 1);
    }

    private static String error(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error").asText();
    }

    @Test
    void it_listens_on_the_loopback_address_only() {
        assertEquals("127.0.0.1", server.url().getHost());
        assertTrue(server.url().getPort() > 0);
    }

    @Test
    void static_files_are_served_from_the_classpath_with_their_content_type_and_no_store() throws Exception {
        Map<String, String> types = Map.of("page.html", "text/html; charset=utf-8", "module.js", "text/javascript; charset=utf-8",
                "style.css", "text/css; charset=utf-8", "mark.svg", "image/svg+xml");
        for (var t : types.entrySet()) {
            HttpResponse<String> r = get("/fixture/" + t.getKey());
            assertEquals(200, r.statusCode(), t.getKey());
            assertEquals(t.getValue(), r.headers().firstValue("Content-Type").orElse(""), t.getKey());
            assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""), t.getKey());
        }
        assertEquals("export const fixture = 1;\n", get("/fixture/module.js").body());
    }

    @Test
    void the_root_is_the_index_page() throws Exception {
        HttpResponse<String> root = get("/");
        HttpResponse<String> index = get("/index.html");
        assertEquals(index.statusCode(), root.statusCode());
        assertEquals(index.body(), root.body());
    }

    @Test
    void an_unknown_file_or_a_file_of_a_type_the_console_does_not_serve_is_404() throws Exception {
        HttpResponse<String> unknown = get("/fixture/nothing.js");
        assertEquals(404, unknown.statusCode());
        assertEquals("no file /fixture/nothing.js", error(unknown));
        assertEquals(404, get("/fixture/notes.md").statusCode());
    }

    @Test
    void a_path_that_climbs_out_of_the_console_folder_is_refused() throws Exception {
        // sent raw: an HTTP client would normalise the dot segments away
        for (String path : List.of("/../dev/playback/tools/version.properties", "/fixture/../../logback.xml",
                "/%2e%2e/logback.xml", "/fixture/..%2f..%2flogback.xml", "/..\\logback.xml")) {
            String answer = raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.url().getPort() + "\r\nConnection: close\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 404") || answer.startsWith("HTTP/1.1 400"), path + ":\n" + answer);
            assertTrue(!answer.contains("<configuration"), path + " served a file outside console/");
        }
    }

    private String raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.url().getPort())) {
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The status line of a GET sent with the given Host header (the JDK's HTTP client sets Host itself). */
    private String statusWithHost(String host) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(server.url().getHost(), server.url().getPort())) {
            socket.getOutputStream().write(("GET /api/overview HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
                    .readLine();
        }
    }

    @Test
    void a_request_addressed_to_another_host_name_is_refused_so_a_rebound_dns_name_cannot_read_the_api() throws Exception {
        int port = server.url().getPort();
        assertEquals("HTTP/1.1 403 Forbidden", statusWithHost("attacker.example:" + port));
        assertEquals("HTTP/1.1 403 Forbidden", statusWithHost("127.0.0.1:" + (port + 1)));
        assertEquals("HTTP/1.1 200 OK", statusWithHost("127.0.0.1:" + port));
        assertEquals("HTTP/1.1 403 Forbidden", statusWithHost("localhost:" + port), "the console's address is 127.0.0.1, as printed");
    }

    @Test
    void every_response_carries_the_content_security_policy_nosniff_and_no_referrer() throws Exception {
        for (HttpResponse<String> r : List.of(get("/fixture/page.html"), get("/nothing.html"), get("/api/overview"), get("/api/missing"),
                post("/api/rollback", "text/plain", null, "x"))) {
            assertEquals(CSP, r.headers().firstValue("Content-Security-Policy").orElse(""), r.uri().toString());
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""), r.uri().toString());
            assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(""), r.uri().toString());
        }
    }

    @Test
    void api_reads_get_their_decoded_query_and_answer_json() throws Exception {
        HttpResponse<String> r = get("/api/overview?arn=arn%3Aaws%3Astates%3Aus-east-1%3A1%3Aexecution%3AM%3Ax&limit=5");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode q = JSON.readTree(r.body()).path("query");
        assertEquals("arn:aws:states:us-east-1:1:execution:M:x", q.path("arn").asText());
        assertEquals("5", q.path("limit").asText());
    }

    @Test
    void api_errors_are_json_with_the_status_the_api_gave() throws Exception {
        HttpResponse<String> missing = get("/api/missing");
        assertEquals(404, missing.statusCode());
        assertEquals("aggregate acct-9 has no events", error(missing));
        HttpResponse<String> broken = get("/api/broken");
        assertEquals(502, broken.statusCode());
        assertEquals("DescribeExecution arn:x failed: throttled", error(broken));
        HttpResponse<String> twice = get("/api/overview?limit=1&limit=2");
        assertEquals(400, twice.statusCode());
        assertEquals("query parameter 'limit' is given twice", error(twice));
    }

    @Test
    void a_read_endpoint_refuses_other_methods_and_the_rollback_refuses_get_with_405() throws Exception {
        HttpResponse<String> postRead = post("/api/overview", "application/json", null, "{}");
        assertEquals(405, postRead.statusCode());
        assertEquals("GET", postRead.headers().firstValue("Allow").orElse(""));
        HttpResponse<String> getRollback = get("/api/rollback");
        assertEquals(405, getRollback.statusCode());
        assertEquals("POST", getRollback.headers().firstValue("Allow").orElse(""));
        assertEquals(List.of(), api.rollbacks);
    }

    @Test
    void a_rollback_without_confirm_is_refused_with_400_and_nothing_is_rolled_back() throws Exception {
        for (String body : List.of("{}", "{\"processors\":[\"balances\"]}", "{\"confirm\":\"yes\"}", "{\"confirm\":true}")) {
            HttpResponse<String> r = post("/api/rollback", "application/json", ownOrigin(), body);
            assertEquals(400, r.statusCode(), body);
            assertEquals("'confirm' must be \"rollback\": a rollback is only done when confirmed", error(r));
        }
        assertEquals(List.of(), api.rollbacks);
    }

    @Test
    void a_rollback_from_another_origin_is_refused_with_403() throws Exception {
        for (String origin : List.of("http://evil.example", "http://localhost:" + server.url().getPort(), "null")) {
            HttpResponse<String> r = post("/api/rollback", "application/json", origin, "{\"confirm\":\"rollback\"}");
            assertEquals(403, r.statusCode(), origin);
            assertTrue(error(r).startsWith("Origin " + origin + " is not the console's own"), error(r));
        }
        assertEquals(List.of(), api.rollbacks);
    }

    @Test
    void a_rollback_whose_body_is_not_json_is_refused_with_415_or_400() throws Exception {
        HttpResponse<String> form = post("/api/rollback", "application/x-www-form-urlencoded", ownOrigin(), "confirm=rollback");
        assertEquals(415, form.statusCode());
        HttpResponse<String> text = post("/api/rollback", "text/plain", null, "{\"confirm\":\"rollback\"}");
        assertEquals(415, text.statusCode(), "a simple cross-site request (text/plain) is refused");
        HttpResponse<String> broken = post("/api/rollback", "application/json", ownOrigin(), "{\"confirm\":");
        assertEquals(400, broken.statusCode());
        assertTrue(error(broken).startsWith("the body is not JSON"), error(broken));
        HttpResponse<String> array = post("/api/rollback", "application/json", ownOrigin(), "[\"rollback\"]");
        assertEquals(400, array.statusCode());
        assertEquals(List.of(), api.rollbacks);
    }

    @Test
    void a_confirmed_json_rollback_from_the_consoles_own_origin_or_without_origin_is_done() throws Exception {
        HttpResponse<String> own = post("/api/rollback", "application/json; charset=utf-8", ownOrigin(),
                "{\"processors\":[\"balances\"],\"confirm\":\"rollback\"}");
        HttpResponse<String> noOrigin = post("/api/rollback", "application/json", null, "{\"confirm\":\"rollback\"}");

        assertEquals(200, own.statusCode(), own.body());
        assertEquals(200, noOrigin.statusCode(), noOrigin.body());
        assertEquals("SUCCEEDED", JSON.readTree(own.body()).path("status").asText());
        assertEquals(List.of(JSON.readTree("{\"processors\":[\"balances\"],\"confirm\":\"rollback\"}"), JSON.readTree("{\"confirm\":\"rollback\"}")),
                api.rollbacks);
    }

    @Test
    void closing_the_server_frees_its_port() throws Exception {
        URI url = server.url();
        server.close();
        try (java.net.ServerSocket again = new java.net.ServerSocket(url.getPort(), 0, java.net.InetAddress.getLoopbackAddress())) {
            assertEquals(url.getPort(), again.getLocalPort());
        }
        server = ConsoleServer.start(api, 0);
    }
}
