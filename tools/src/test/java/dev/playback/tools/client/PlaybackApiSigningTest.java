package dev.playback.tools.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onebox.http.IamAuthorizer;
import dev.onebox.http.LocalApi;
import dev.onebox.lambda.LocalFunction;
import dev.playback.tools.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The playback command line against a local API that enforces IAM authorization (--auth iam). */
class PlaybackApiSigningTest {
    private LocalApi api;

    /** The IAM-authorized local API in front of a function that answers 202 with the body it got. */
    @BeforeEach
    void start() throws IOException {
        LocalFunction received = new LocalFunction("IngestFunction", "arn:aws:lambda:us-east-1:000000000000:function:IngestFunction",
                60, 128, "handleRequest", Received::new);
        api = new LocalApi(List.of(new LocalApi.Route("POST", "/events", received),
                new LocalApi.Route("GET", "/aggregates/{aggregateId}/events", received)), 0, 2, IamAuthorizer.local()).start();
    }

    public static final class Received implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
        @Override
        public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
            String body = event.getBody() == null ? "" : event.getBody();
            return new APIGatewayProxyResponseEvent().withStatusCode(202)
                    .withBody(new ObjectMapper().createObjectNode().put("got", body).toString());
        }
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void theCliClientSignsItsRequests() {
        PlaybackApi cli = PlaybackApi.signed(api.baseUri(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")), "us-east-1");

        PlaybackApi.Answer posted = cli.postEvents("{\"b\":2}");
        PlaybackApi.Answer got = cli.get("/aggregates/acct-1/events?fromVersion=1");

        assertEquals(202, posted.status());
        assertEquals("{\"b\":2}", posted.body().path("got").asText());
        assertEquals(202, got.status());
    }

    @Test
    void playbackLocalRefusesAnUnknownAuthMode() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = Main.execute(new String[] {"local", "--auth", "open"},
                new PrintStream(OutputStream.nullOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(2, exit);
        assertEquals("playback local: Invalid value for option '--auth': expected one of [none, iam] (case-sensitive) but was 'open'\n"
                + "See 'playback local --help'.\n", err.toString(StandardCharsets.UTF_8));
    }
}
