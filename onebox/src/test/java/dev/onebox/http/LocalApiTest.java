package dev.onebox.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onebox.lambda.LocalFunction;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.ConnectException;

class LocalApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();
    private final CountDownLatch rendezvous = new CountDownLatch(2);
    private LocalApi api;

    /** Answers with the request event it was given, as JSON; special paths fail or answer in binary. */
    final class Echo implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
        @Override
        public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
            String id = event.getPathParameters() == null ? "" : event.getPathParameters().getOrDefault("eventId", "");
            if (id.equals("header")) {
                return new APIGatewayProxyResponseEvent().withStatusCode(200)
                        .withBody(event.getHeaders().get("X-Trace-ID") + "," + event.getMultiValueHeaders().get("x-trace-id"));
            }
            if (id.equals("boom")) {
                throw new IllegalStateException("boom");
            }
            if (id.equals("binary")) {
                return new APIGatewayProxyResponseEvent().withStatusCode(200).withIsBase64Encoded(true)
                        .withHeaders(Map.of("Content-Type", "application/octet-stream"))
                        .withBody(Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}));
            }
            if (id.equals("together")) {
                rendezvous.countDown();
                try {
                    boolean both = rendezvous.await(30, TimeUnit.SECONDS);
                    return new APIGatewayProxyResponseEvent().withStatusCode(both ? 200 : 500);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            try {
                return new APIGatewayProxyResponseEvent().withStatusCode(201)
                        .withHeaders(Map.of("Content-Type", "application/json", "X-Handled", "yes"))
                        .withBody(JSON.writeValueAsString(event));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @BeforeEach
    void start() throws IOException {
        Echo echo = new Echo();
        LocalFunction function = new LocalFunction("IngestFunction",
                "arn:aws:lambda:us-east-1:000000000000:function:IngestFunction", 60, 128, "handleRequest", () -> echo);
        api = new LocalApi(List.of(
                new LocalApi.Route("POST", "/events", function),
                new LocalApi.Route("GET", "/events/{eventId}", function),
                new LocalApi.Route("GET", "/aggregates/{aggregateId}", function),
                new LocalApi.Route("GET", "/aggregates/{aggregateId}/events", function)), 0, 4).start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void aRequestBecomesAnApiGatewayProxyEvent() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/events?tag=a&tag=b&one=1"))
                .header("X-Trace", "t1").POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"Opened\"}")).build());

        assertEquals(201, response.statusCode());
        assertEquals("yes", response.headers().firstValue("X-Handled").orElseThrow());
        JsonNode event = JSON.readTree(response.body());
        assertEquals("POST", event.get("httpMethod").asText());
        assertEquals("/events", event.get("path").asText());
        assertEquals("/events", event.get("resource").asText());
        assertEquals("{\"type\":\"Opened\"}", event.get("body").asText());
        assertEquals(false, event.get("isBase64Encoded").asBoolean());
        assertEquals("b", event.at("/queryStringParameters/tag").asText());
        assertEquals("1", event.at("/queryStringParameters/one").asText());
        assertEquals(List.of("a", "b"), JSON.convertValue(event.at("/multiValueQueryStringParameters/tag"), List.class));
        assertEquals("t1", event.at("/headers/X-trace").asText());
        assertEquals("t1", event.at("/multiValueHeaders/X-trace/0").asText());
        assertTrue(event.get("pathParameters").isNull());
        assertEquals("Prod", event.at("/requestContext/stage").asText());
        assertEquals("/events", event.at("/requestContext/resourcePath").asText());
        assertEquals("POST", event.at("/requestContext/httpMethod").asText());
        assertEquals("/Prod/events", event.at("/requestContext/path").asText());
        assertEquals(response.headers().firstValue("x-amzn-RequestId").orElseThrow(),
                event.at("/requestContext/requestId").asText());
    }

    @Test
    void pathParametersAreMatchedAndDecoded() throws Exception {
        JsonNode event = JSON.readTree(send(get("/aggregates/acct%2042/events")).body());

        assertEquals("/aggregates/{aggregateId}/events", event.get("resource").asText());
        assertEquals("acct 42", event.at("/pathParameters/aggregateId").asText());
        assertEquals("/aggregates/acct 42/events", event.get("path").asText());
        assertTrue(event.get("queryStringParameters").isNull());
        assertTrue(event.get("body").isNull());
    }

    @Test
    void headersAreFoundWhateverTheirCase() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/events/header")).header("X-Trace-Id", "t9")
                .GET().build());

        assertEquals("t9,[t9]", response.body());
    }

    @Test
    void theStagePrefixIsAccepted() throws Exception {
        JsonNode event = JSON.readTree(send(get("/Prod/events/e-1")).body());

        assertEquals("/events/{eventId}", event.get("resource").asText());
        assertEquals("/events/e-1", event.get("path").asText());
    }

    @Test
    void anUnknownPathIsNotFoundAndAWrongMethodIsMissingAuthenticationToken() throws Exception {
        HttpResponse<String> unknown = send(get("/nothing/here"));
        assertEquals(404, unknown.statusCode());
        assertEquals("{\"message\":\"Not Found\"}", unknown.body());

        HttpResponse<String> wrongMethod = send(HttpRequest.newBuilder(uri("/events")).DELETE().build());
        assertEquals(403, wrongMethod.statusCode());
        assertEquals("{\"message\":\"Missing Authentication Token\"}", wrongMethod.body());
    }

    @Test
    void aBodyOverSixMegabytesIsRequestTooLong() throws Exception {
        byte[] big = new byte[6 * 1024 * 1024 + 1];
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/events"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build());

        assertEquals(413, response.statusCode());
        assertEquals("{\"message\":\"Request Too Long\"}", response.body());
    }

    @Test
    void aFunctionErrorIsABadGateway() throws Exception {
        HttpResponse<String> response = send(get("/events/boom"));

        assertEquals(502, response.statusCode());
        assertEquals("{\"message\":\"Internal server error\"}", response.body());
    }

    @Test
    void aBase64ResponseIsDecoded() throws Exception {
        HttpResponse<byte[]> response = client.send(get("/events/binary"), HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, response.statusCode());
        assertEquals(List.of((byte) 1, (byte) 2, (byte) 3),
                List.of(response.body()[0], response.body()[1], response.body()[2]));
        assertEquals("application/octet-stream", response.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void concurrentRequestsAreServedInParallel() throws Exception {
        CompletableFuture<HttpResponse<String>> first = client.sendAsync(get("/events/together"),
                HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> second = client.sendAsync(get("/events/together"),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, first.get().statusCode());
        assertEquals(200, second.get().statusCode());
    }

    @Test
    void theServerListensOnLoopbackOnly() throws Exception {
        assertTrue(api.boundAddress().getAddress().isLoopbackAddress(), "bound to " + api.boundAddress());
        // and from outside: every other address of this machine refuses a connection to the port
        List<InetAddress> others = NetworkInterface.networkInterfaces().filter(LocalApiTest::isUp)
                .flatMap(NetworkInterface::inetAddresses).filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress()).toList();
        for (InetAddress other : others) {
            try (Socket s = new Socket()) {
                assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress(other, api.port()), 5_000),
                        "the API answered on " + other.getHostAddress() + ":" + api.port());
            }
        }
        System.out.println("the API bound to " + api.boundAddress() + "; refused on " + others);
    }

    private static boolean isUp(NetworkInterface n) {
        try {
            return n.isUp();
        } catch (SocketException e) {
            throw new IllegalStateException("interface " + n.getName(), e);
        }
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(uri(path)).GET().build();
    }

    private URI uri(String path) {
        return URI.create(api.baseUri() + path);
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
