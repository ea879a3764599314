package dev.playback.test.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.cli.ReverseCommand;
import dev.playback.tools.client.PlaybackApi;
import dev.onebox.http.LocalApi;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * The local stack started as {@code playback local --auth iam}: the API refuses what is not signed, as API Gateway with
 * {@code AWS_IAM} authorization does, and serves the CLI's client when it signs with the local credentials.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SignedApiIT {
    private static final Duration IDLE = Duration.ofMinutes(3);
    private LocalStack stack;
    private PlaybackApi signed;
    private PlaybackApi unsigned;

    @BeforeAll
    void start() throws Exception {
        stack = LocalStack.start(LocalOptions.inMemory().withApiAuth(LocalApi.Auth.IAM));
        signed = PlaybackApi.signed(stack.apiUrl(), StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")),
                "us-east-1");
        unsigned = new PlaybackApi(stack.apiUrl());
    }

    @AfterAll
    void stop() {
        if (stack != null) stack.close();
    }

    @Test
    void unsignedRequestsAreRefusedOnEveryRoute() {
        PlaybackApi.Answer post = unsigned.postEvents("{\"aggregateId\":\"sig-0\",\"type\":\"AccountOpened\","
                + "\"payload\":{\"owner\":\"Nobody\",\"currency\":\"EUR\"}}");
        PlaybackApi.Answer event = unsigned.event("e-unknown");
        PlaybackApi.Answer aggregate = unsigned.aggregate("sig-0");
        PlaybackApi.Answer history = unsigned.history("sig-0");

        assertEquals(403, post.status());
        assertEquals("Missing Authentication Token", post.body().path("message").asText());
        assertEquals(403, event.status());
        assertEquals(403, aggregate.status());
        assertEquals(403, history.status());
        assertEquals(404, signed.aggregate("sig-0").status(), "the refused POST appended nothing");
    }

    @Test
    void theSigningCliAppendsAndReversesThroughTheApi() throws Exception {
        PlaybackApi.Answer opened = signed.postEvents("{\"aggregateId\":\"sig-1\",\"type\":\"AccountOpened\","
                + "\"payload\":{\"owner\":\"Signed Owner\",\"currency\":\"EUR\"}}");
        PlaybackApi.Answer deposited = signed.postEvents("{\"aggregateId\":\"sig-1\",\"type\":\"MoneyDeposited\","
                + "\"payload\":{\"amount\":\"25.00\"}}");
        assertEquals(202, opened.status(), opened.body().toString());
        assertEquals(202, deposited.status(), deposited.body().toString());
        stack.awaitIdle(IDLE);
        String depositId = deposited.body().path("eventIds").get(0).asText();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        ReverseCommand.Outcome outcome = new ReverseCommand(signed, new PrintStream(printed, true, StandardCharsets.UTF_8))
                .reverse(depositId, "signed reversal", false);
        stack.awaitIdle(IDLE);

        assertInstanceOf(ReverseCommand.Outcome.Appended.class, outcome, printed.toString(StandardCharsets.UTF_8));
        assertEquals(3, ((ReverseCommand.Outcome.Appended) outcome).version());
        PlaybackApi.Answer state = signed.aggregate("sig-1");
        assertEquals(200, state.status(), state.body().toString());
        assertEquals("0.00", state.body().path("state").path("balance").asText(), state.body().toString());
    }
}
