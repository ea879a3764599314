package dev.onebox.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onebox.lambda.LocalFunction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

class IamAuthorizationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MISMATCH = "{\"message\":\"The request signature we calculated does not match the signature you "
            + "provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\"}";
    private final HttpClient client = HttpClient.newHttpClient();
    private LocalApi api;

    @BeforeEach
    void start() throws IOException {
        RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> echo = (event, context) ->
                new APIGatewayProxyResponseEvent().withStatusCode(202)
                        .withBody("{\"got\":" + JSON.valueToTree(event.getBody() == null ? "" : event.getBody()) + "}");
        LocalFunction function = new LocalFunction("IngestFunction",
                "arn:aws:lambda:us-east-1:000000000000:function:IngestFunction", 60, 128, "handleRequest", () -> echo);
        api = new LocalApi(List.of(new LocalApi.Route("POST", "/events", function),
                new LocalApi.Route("GET", "/aggregates/{aggregateId}/events", function)), 0, 2, IamAuthorizer.local()).start();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void anUnsignedRequestIsRefusedAsApiGatewayRefusesIt() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/events"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")).build());

        assertEquals(403, response.statusCode());
        assertEquals("{\"message\":\"Missing Authentication Token\"}", response.body());
        assertEquals("MissingAuthenticationTokenException", response.headers().firstValue("x-amzn-ErrorType").orElseThrow());
    }

    @Test
    void aRequestSignedWithTheSdkAndTheLocalCredentialsPasses() throws Exception {
        HttpResponse<String> response = post("{\"a\":1}", "{\"a\":1}", "local", "local", Instant.now());

        assertEquals(202, response.statusCode());
        assertEquals("{\"got\":\"{\\\"a\\\":1}\"}", response.body());
    }

    @Test
    void aSignedGetWithAQueryPasses() throws Exception {
        HttpResponse<String> response = send(signed("GET", "/aggregates/acct-1/events?fromVersion=2&limit=10", null,
                "local", "local", Instant.now()).GET().build());

        assertEquals(202, response.statusCode());
    }

    @Test
    void aTamperedBodyIsRefused() throws Exception {
        HttpResponse<String> response = post("{\"amount\":\"10.00\"}", "{\"amount\":\"9999.00\"}", "local", "local", Instant.now());

        assertEquals(403, response.statusCode());
        assertEquals(MISMATCH, response.body());
        assertEquals("InvalidSignatureException", response.headers().firstValue("x-amzn-ErrorType").orElseThrow());
    }

    @Test
    void aTamperedPathIsRefused() throws Exception {
        HttpRequest.Builder request = signed("GET", "/aggregates/acct-1/events", null, "local", "local", Instant.now());
        HttpRequest original = request.GET().build();
        HttpRequest.Builder other = HttpRequest.newBuilder(uri("/aggregates/acct-2/events")).GET();
        original.headers().map().forEach((name, values) -> values.forEach(v -> other.header(name, v)));

        HttpResponse<String> response = send(other.build());

        assertEquals(403, response.statusCode());
        assertEquals(MISMATCH, response.body());
    }

    @Test
    void aWrongSecretKeyIsRefused() throws Exception {
        HttpResponse<String> response = post("{}", "{}", "local", "not-the-secret", Instant.now());

        assertEquals(403, response.statusCode());
        assertEquals(MISMATCH, response.body());
    }

    @Test
    void anUnknownAccessKeyIsRefused() throws Exception {
        HttpResponse<String> response = post("{}", "{}", "AKIDEXAMPLE", "local", Instant.now());

        assertEquals(403, response.statusCode());
        assertEquals("{\"message\":\"The security token included in the request is invalid.\"}", response.body());
    }

    @Test
    void aSignatureOlderThanFiveMinutesHasExpired() throws Exception {
        HttpResponse<String> response = post("{}", "{}", "local", "local", Instant.now().minusSeconds(600));

        assertEquals(403, response.statusCode());
        assertEquals("InvalidSignatureException", response.headers().firstValue("x-amzn-ErrorType").orElseThrow());
        assertEquals(true, response.body().startsWith("{\"message\":\"Signature expired: "), response.body());
    }

    @Test
    void aRequestSignedByCurlPasses() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        Process curl = new ProcessBuilder("/usr/bin/curl", "-sS", "--aws-sigv4", "aws:amz:us-east-1:execute-api",
                "--user", "local:local", "-H", "Content-Type: application/json", "--data-binary", "{\"c\":3}",
                "-w", "\n%{http_code}", uri("/events").toString()).redirectErrorStream(true).start();
        boolean ended = curl.waitFor(60, TimeUnit.SECONDS);
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertEquals(true, ended);
        assertEquals("{\"got\":\"{\\\"c\\\":3}\"}\n202", output);
    }

    /** The signer of the AWS CLI (botocore), where Python has it. */
    @Test
    void aRequestSignedByBotocorePasses() throws Exception {
        assumeTrue(exitCode("python3", "-c", "import botocore") == 0, "python3 with botocore is not installed");
        String script = String.join("\n",
                "import sys, urllib.request",
                "from botocore.auth import SigV4Auth",
                "from botocore.awsrequest import AWSRequest",
                "from botocore.credentials import Credentials",
                "r = AWSRequest(method='POST', url=sys.argv[1], data=b'{\"d\":4}', headers={'Content-Type': 'application/json'})",
                "SigV4Auth(Credentials('local', 'local'), 'execute-api', 'us-east-1').add_auth(r)",
                "p = r.prepare()",
                "q = urllib.request.Request(p.url, data=p.body, headers=dict(p.headers), method='POST')",
                "try:",
                "    a = urllib.request.urlopen(q)",
                "except urllib.error.HTTPError as e:",
                "    a = e",
                "print(a.status, a.read().decode())");
        Process python = new ProcessBuilder("python3", "-c", script, uri("/events").toString()).redirectErrorStream(true).start();
        boolean ended = python.waitFor(60, TimeUnit.SECONDS);
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();

        assertEquals(true, ended);
        assertEquals("202 {\"got\":\"{\\\"d\\\":4}\"}", output);
    }

    private static int exitCode(String... command) throws Exception {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException notInstalled) {
            return -1;
        }
    }

    @Test
    void theAuthOptionIsNoneOrIam() {
        assertEquals(LocalApi.Auth.IAM, LocalApi.Auth.parse("iam"));
        assertEquals(LocalApi.Auth.NONE, LocalApi.Auth.parse("NONE"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LocalApi.Auth.parse("jwt"));
        assertEquals("--auth must be none or iam, not 'jwt'", e.getMessage());
    }

    /** POST /events of {@code sent}, signed by the SDK for {@code signedBody} with these credentials at {@code at}. */
    private HttpResponse<String> post(String signedBody, String sent, String key, String secret, Instant at) throws Exception {
        return send(signed("POST", "/events", signedBody, key, secret, at).POST(HttpRequest.BodyPublishers.ofString(sent)).build());
    }

    /** The request's headers as the SDK's signer makes them; the caller adds the method and the body it sends. */
    private HttpRequest.Builder signed(String method, String pathAndQuery, String body, String key, String secret, Instant at) {
        URI uri = uri(pathAndQuery);
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method))
                .uri(URI.create(api.baseUri() + uri.getRawPath()));
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                unsigned.appendRawQueryParameter(kv[0], kv[1]);
            }
        }
        var signed = AwsV4HttpSigner.create().sign(r -> r.identity(AwsCredentialsIdentity.create(key, secret))
                .request(unsigned.build())
                .payload(body == null ? null : ContentStreamProvider.fromUtf8String(body))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        signed.request().forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) values.forEach(v -> request.header(name, v));
        });
        return request;
    }

    private URI uri(String path) {
        return URI.create(api.baseUri() + path);
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
