package dev.playback.test.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;
import dev.playback.tools.client.PlaybackApi;
import dev.onebox.sfn.ExecutionDescription;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * (e) A partial replay by time window (requested with the EventBridge event ReplayRequested) reads only the
 * aggregates that have events in the window: two of the five accounts here.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class PartialReplayWindowIT {

    @Test
    void a_time_window_replay_touches_only_the_aggregates_with_events_in_it() throws Exception {
        try (LocalStack stack = LocalStack.start(LocalOptions.inMemory())) {
            PlaybackApi api = new PlaybackApi(stack.apiUrl());
            ArrayNode batch = Replays.JSON.createArrayNode();
            String[] accounts = {"jan-a", "jan-b", "jan-c", "mar-a", "mar-b"};
            for (String a : accounts) {
                String month = a.startsWith("jan") ? "01" : "03";
                batch.addObject().put("aggregateId", a).put("type", "AccountOpened").put("occurredAt", "2026-" + month + "-02T10:00:00Z")
                        .set("payload", Replays.JSON.createObjectNode().put("owner", a).put("currency", "EUR"));
                for (int i = 0; i < 3; i++) {
                    batch.addObject().put("aggregateId", a).put("type", "MoneyDeposited")
                            .put("occurredAt", "2026-" + month + "-0" + (3 + i) + "T10:00:00Z")
                            .set("payload", Replays.JSON.createObjectNode().put("amount", "10.00"));
                }
            }
            Replays.post(api, batch);
            stack.awaitIdle(Duration.ofMinutes(2));

            var scope = Replays.JSON.createObjectNode().put("replayId", "window-march").put("since", "2026-03-01T00:00:00Z")
                    .put("until", "2026-04-01T00:00:00Z").put("timeField", "occurredAt");
            try (EventBridgeClient events = EventBridgeClient.builder().region(Region.US_EAST_1)
                    .endpointOverride(stack.workflows().eventBridgeEndpoint())
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                    .httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
                var r = events.putEvents(b -> b.entries(e -> e.eventBusName(stack.workflows().eventBusName("ReplayRequestBus")).source("playback").detailType("ReplayRequested").detail(scope.toString())));
                assertEquals(0, r.failedEntryCount());
            }
            String machine = stack.workflows().stateMachineArn("PartialReplayStateMachine");
            Awaitility.await("the ReplayRequested rule starts " + machine).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !stack.workflows().stepFunctions().listExecutions(machine, null).isEmpty());
            ExecutionDescription d = Replays.awaitReplay(stack, "PartialReplayStateMachine", "window-march", Duration.ofMinutes(3));
            Replays.assertSucceeded(d);
            JsonNode out = Replays.output(d);
            System.out.println("partial replay of March: " + out);
            assertEquals("window-march", out.path("replayId").asText());
            assertEquals(2, out.path("aggregatesRead").asLong(), out::toString);
            assertEquals(2, out.path("rebuilt").asLong(), out::toString);
            Replays.assertActiveEqualsFold(stack);
        }
    }
}
