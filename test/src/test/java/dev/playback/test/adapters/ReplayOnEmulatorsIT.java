package dev.playback.test.adapters;

import dev.playback.examples.ledger.LedgerEnvelopes;

import dev.playback.lambdas.aws.dynamodb.*;
import dev.playback.lambdas.replay.*;
import dev.playback.model.replay.ReplayPorts;
import com.fasterxml.jackson.databind.JsonNode;

import dev.playback.lambdas.aws.dynamodb.DynamoEventIndex;
import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.dynamodb.DynamoIndexWriter;
import dev.playback.lambdas.aws.dynamodb.DynamoReplayStore;
import dev.playback.lambdas.aws.dynamodb.DynamoStateStore;
import dev.playback.lambdas.aws.kinesis.KinesisPlaybackPublisher;
import dev.playback.lambdas.aws.kinesis.PlaybackRecords;
import dev.playback.model.playback.Projection;
import dev.playback.lambdas.pump.PumpHandler;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.examples.ledger.BalancesProjection;
import dev.playback.examples.ledger.Ledger;
import dev.playback.model.processor.Projector;
import dev.playback.model.store.Appender;
import dev.playback.model.store.Generations;
import dev.playback.model.store.memory.InMemoryPayloadStore;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static dev.playback.lambdas.replay.ReplayWorld.input;
import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full rebuild and a verification on dynalite and kinesalite: the adapters together, with real
 * sequence numbers (skipped unless {@code PLAYBACK_IT_DYNAMODB} and {@code PLAYBACK_IT_KINESIS} are set).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ReplayOnEmulatorsIT {
    @Test
    void rebuildsAndVerifiesThroughTheRealAdapters() throws Exception {
        DynamoDbClient dynamo = Emulated.dynamoDb();
        KinesisClient kinesis = Emulated.kinesis();
        String stream = Emulated.stream(kinesis, 2);
        String data = Emulated.dataTable(dynamo);
        String eventsTable = Emulated.eventsTable(dynamo);
        DynamoIndexWriter indexWriter = Emulated.eventIndex(dynamo);
        DynamoEventLog log = new DynamoEventLog(dynamo, eventsTable, Emulated.eventIdsTable(dynamo), indexWriter, new InMemoryPayloadStore());
        DynamoStateStore states = new DynamoStateStore(dynamo, data);
        DynamoReplayStore replays = new DynamoReplayStore(dynamo, data);
        DynamoEventIndex index = new DynamoEventIndex(dynamo, eventsTable, indexWriter.table());
        Projector<?> balances = new Projector<>(new BalancesProjection(), log, states, Ledger.catalog());
        Projection projection = new Projection(List.of(balances), states, replays, Runnable::run);
        InMemoryPayloadStore reports = new InMemoryPayloadStore();
        ReplayHandler handler = new ReplayHandler(new ReplayPorts(List.of(dev.playback.model.replay.ReplayProcessor.of(balances)), log, index, index, states, replays,
                new KinesisPlaybackPublisher(kinesis, stream), reports, Clock.systemUTC(), Duration.ZERO));

        Appender appender = new Appender(log);
        List<EventEnvelope> live = new ArrayList<>();
        for (int a = 0; a < 12; a++) {
            live.add(opened("o" + a, "acc-" + a));
            for (int d = 0; d < 4; d++) live.add(deposited("d" + a + "-" + d, "acc-" + a, "1.25"));
        }
        // the pump's feed: what it appended, with the versions
        List<EventEnvelope> feed = PumpHandler.appended(live, appender.append(live, Instant.now()));
        assertEquals(60, feed.size());
        assertTrue(projection.apply(List.of(Projection.Item.appended("shardId-000000000000", "1", feed))).failures().isEmpty());

        for (String kind : List.of("rebuild", "verify")) {
            Map<String, Object> prepared = handler.handleRequest(input("action", "prepare", "kind", kind, "request",
                    input("segments", 3, "batchSize", 7)), null);
            String replayId = (String) prepared.get("replayId");
            for (Object segment : (List<?>) prepared.get("segments")) {
                Map<String, Object> state = input("replayId", replayId, "segment", segment, "round", 0, "maxRounds", prepared.get("maxRounds"));
                do {
                    state.put("action", "publish");
                    state = new HashMap<>(handler.handleRequest(state, null));
                } while (!Boolean.TRUE.equals(state.get("done")));
            }
            assertFalse((Boolean) handler.handleRequest(input("action", "drained", "replayId", replayId), null).get("drained"));
            List<Projection.Item> items = new ArrayList<>();
            for (Emulated.StreamRecord r : Emulated.records(kinesis, stream)) {
                items.add(Projection.Item.playback(r.shardId(), r.sequenceNumber(), PlaybackRecords.decode(r.data())));
            }
            assertTrue(projection.apply(items).failures().isEmpty());
            Map<String, Object> drain = handler.handleRequest(input("action", "drained", "replayId", replayId), null);
            assertEquals(Boolean.TRUE, drain.get("drained"), drain.toString());
            assertEquals(60L, ((Number) drain.get("published")).longValue());
            JsonNode finished = EventCodec.JSON.valueToTree(handler.handleRequest(input("action", "finish", "replayId", replayId), null));
            assertFalse(finished.get("failed").asBoolean(), finished.toString());
        }
        assertEquals(new Generations("g1", "g0", Set.of()), states.generations(BalancesProjection.NAME));
        assertEquals("5.00", states.load(BalancesProjection.NAME, "g1", "acc-7").orElseThrow().state().get("balance").asText());
        int[] shadow = {0};
        states.forEach(BalancesProjection.NAME, "g1", s -> shadow[0]++);
        assertEquals(12, shadow[0]);
    }
}
