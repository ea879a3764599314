package dev.playback.model.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.Disposition;
import dev.playback.model.gateway.ExternalSystems;
import dev.playback.model.gateway.Gateway;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayMode;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayProcessor;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.LoggedCommand;
import dev.playback.model.gateway.MissingRecord;
import dev.playback.model.gateway.MissingRecordException;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import dev.playback.model.event.EventCodec;
import dev.playback.model.processor.Projector;
import dev.playback.model.replay.ReplayActions;
import dev.playback.model.replay.ReplayPorts;
import dev.playback.model.replay.ReplayProcessor;
import dev.playback.model.replay.ReplayRuns;
import dev.playback.model.store.memory.InMemoryEventIndex;
import dev.playback.model.store.memory.InMemoryPayloadStore;
import dev.playback.model.store.memory.InMemoryPlaybackStream;
import dev.playback.model.store.memory.InMemoryReplayStore;
import dev.playback.model.processor.Snapshots;
import dev.playback.model.processor.TimeTravel;
import dev.playback.model.snapshot.memory.InMemorySnapshotStore;
import dev.playback.model.store.memory.InMemoryStateStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A processor with external effects folded for time travel and snapshots: every query answered from the answer recorded
 * when its event was processed live, nothing asked, sent, logged or recorded; a query without a record fails naming the
 * event and the call site. The processor converts each {@code Added} amount at the rate the FX service answers and pays
 * the converted amount out; the expected totals are the amounts (1, 2, 3, …) times the rate the test set, summed here.
 * A verification as known at an instant compares such a processor too, from its snapshots and recorded answers.
 */
class EffectfulTimeTravelTest {
    private static final CallSite FX = new CallSite("fx", "rate");
    private static final CallSite BANK = new CallSite("bank", "payout");
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant R0 = Instant.parse("2026-03-02T00:00:00Z");
    private static final int INTERVAL = 10;

    /**
     * State: the converted total and the events converted, kept as a {@link Tally}'s. Asks the rate for every event and
     * pays the converted amount.
     */
    record Converter(String logicVersion) implements GatewayProcessor<long[]> {
        private static final Tally STATE = Tally.v1();

        @Override
        public String name() {
            return "converter";
        }

        @Override
        public long[] initial(String aggregateId) {
            return STATE.initial(aggregateId);
        }

        @Override
        public long[] apply(long[] s, EventEnvelope e, Gateway gateway) {
            long rate = gateway.query(FX, JsonNodeFactory.instance.objectNode().put("from", "EUR").put("to", "USD")).get("rate").asLong();
            long converted = e.payload().get("amount").asLong() * rate;
            gateway.send(BANK, JsonNodeFactory.instance.objectNode().put("payoutId", e.eventId()).put("amount", converted));
            return new long[]{s[0] + converted, s[1] + 1};
        }

        @Override
        public JsonNode encode(long[] s) {
            return STATE.encode(s);
        }

        @Override
        public long[] decode(JsonNode json) {
            return STATE.decode(json);
        }
    }

    /** The FX service (answers {@link #rate}) and the bank (keeps what it was sent), counting every call. */
    static final class Outside implements ExternalSystems {
        long rate = 3;
        int queries;
        final List<String> sent = new ArrayList<>();

        @Override
        public JsonNode query(CallSite site, JsonNode request) {
            queries++;
            return JsonNodeFactory.instance.objectNode().put("rate", rate);
        }

        @Override
        public void send(CallSite site, JsonNode command, String idempotencyKey) {
            sent.add(command.path("payoutId").asText() + " " + command.path("amount").asText());
        }
    }

    private final Converter converter = new Converter("fee-v1");
    private final Tally.Stream stream = new Tally.Stream("acc-1");
    private final Outside outside = new Outside();
    private final InMemoryQueryRecords records = new InMemoryQueryRecords();
    private final InMemoryCommandLog log = new InMemoryCommandLog();
    private final GatewayPorts ports = new GatewayPorts(outside, records, log);
    private final InMemoryStateStore states = new InMemoryStateStore();
    private final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
    private final Snapshots writer = new Snapshots(snapshots, stream.log, Tally.CATALOG, new SnapshotPolicy(INTERVAL, Map.of(), 3),
            (m, p, n) -> {
            }, line -> {
        throw new AssertionError(line);
    });
    private final Projector<long[]> live = new Projector<>(new GatewayBinding<>(converter, ports, GatewayRun.live(), new GatewayReport()),
            stream.log, states, Tally.CATALOG, writer, GatewayBinding.recordedAnswers(converter, ports));
    private final TimeTravel travel = new TimeTravel(stream.log, snapshots, Tally.CATALOG);

    /** Events {@code from..to} (amount v; occurred v minutes after T0, recorded v seconds after R0), each applied live as it comes. */
    private void liveEvents(int from, int to) {
        for (int v = from; v <= to; v++) {
            appended(v);
            live.catchUp("g1", "acc-1", v);
        }
    }

    private void appended(int v) {
        stream.added(v, T0.plusSeconds(60L * v), R0.plusSeconds(v));
    }

    /** {@code rate} × (1 + 2 + … + n): the total the converter holds after events 1..n converted at that rate. */
    private static long converted(long rate, long n) {
        return rate * n * (n + 1) / 2;
    }

    private TimeTravel.Answer at(GatewayProcessor<long[]> processor, PointInTime point) {
        return travel.at(GatewayBinding.recordedAnswers(processor, ports), "acc-1", point).orElseThrow();
    }

    private static PointInTime version(long v) {
        return new PointInTime(Optional.empty(), Optional.empty(), OptionalLong.of(v));
    }

    @Test
    void snapshotsOfAProcessorWithEffectsAreFoldedFromTheRecordedAnswersAndCauseNothing() {
        liveEvents(1, 25);

        List<Snapshot> taken = snapshots.latest("converter", "fee-v1", "acc-1", Long.MAX_VALUE, 10);
        assertEquals(List.of(20L, 10L), taken.stream().map(Snapshot::version).toList());
        assertEquals(converted(3, 20), taken.get(0).state().get("total").asLong());
        assertEquals(converted(3, 10), taken.get(1).state().get("total").asLong());
        assertEquals(25, outside.queries, "one FX query per event, asked live; the snapshots asked none");
        assertEquals(25, outside.sent.size(), "one payout per event, sent live; the snapshots sent none");
        assertEquals(25, records.size());
        assertEquals(List.of(Disposition.PENDING, Disposition.SENT), log.forEvent("converter", "e-acc-1-13").stream()
                .map(LoggedCommand::disposition).toList(), "the snapshot folds logged nothing");
        assertEquals(50, log.all().size());
    }

    @Test
    void timeTravelAnswersWithTheRecordedRateNotTheOneTheServiceAnswersNowAndCausesNothing() {
        liveEvents(1, 25);
        outside.rate = 5; // the rate moves: an answer asked now would differ
        int logged = log.all().size();

        TimeTravel.Answer byVersion = at(converter, version(25));
        Instant asOf = T0.plusSeconds(60L * 17);
        TimeTravel.Answer byOccurred = at(converter, new PointInTime(Optional.of(asOf), Optional.empty(), OptionalLong.empty()));
        Instant knownAt = R0.plusSeconds(23);
        TimeTravel.Answer byRecorded = at(converter, new PointInTime(Optional.empty(), Optional.of(knownAt), OptionalLong.empty()));

        assertEquals(converted(3, 25), byVersion.state().get("total").asLong());
        assertEquals(20, byVersion.snapshot().orElseThrow().version());
        assertEquals(5, byVersion.eventsFolded());
        assertEquals(converted(3, 17), byOccurred.state().get("total").asLong());
        assertEquals(10, byOccurred.snapshot().orElseThrow().version());
        assertEquals(7, byOccurred.eventsFolded());
        assertEquals(converted(3, 23), byRecorded.state().get("total").asLong());
        assertEquals(3, byRecorded.eventsFolded());
        assertEquals(25, outside.queries, "nothing asked");
        assertEquals(25, outside.sent.size(), "nothing sent");
        assertEquals(logged, log.all().size(), "nothing logged");
        assertEquals(25, records.size(), "nothing recorded");
    }

    @Test
    void aQueryWithoutARecordFailsNamingTheEventAndTheCallSite() {
        liveEvents(1, 12);
        appended(13); // appended, never processed: no answer was recorded for it

        MissingRecordException e = assertThrows(MissingRecordException.class, () -> at(converter, version(13)));

        assertEquals("e-acc-1-13", e.eventId());
        assertEquals(FX, e.site());
        assertTrue(e.getMessage().contains("e-acc-1-13") && e.getMessage().contains("fx.rate"), e.getMessage());
        assertEquals(12, outside.queries, "the missing answer is not asked");
        assertEquals(12, records.size(), "nor recorded");
        assertEquals(12, outside.sent.size());
        assertEquals(converted(3, 12), at(converter, version(12)).state().get("total").asLong(), "up to the event before it answers");
    }

    @Test
    void newLogicNeverStartsFromASnapshotOfTheOldLogic() {
        liveEvents(1, 25);

        TimeTravel.Answer a = at(new Converter("fee-v2"), version(25));

        assertEquals(Optional.empty(), a.snapshot());
        assertEquals(25, a.eventsFolded());
        assertEquals("fee-v2", a.logicVersion());
        assertEquals(converted(3, 25), a.state().get("total").asLong());
    }

    @Test
    void aReplayOfAProcessorWithEffectsRebuildsFromTheFirstEventSoEveryEventIsHandledInItsMode() {
        liveEvents(1, 25);
        GatewayRun suppress = GatewayRun.replay("r-1", GatewayMode.SUPPRESS, MissingRecord.FAIL);
        GatewayReport report = new GatewayReport();
        Projector<long[]> replay = new Projector<>(new GatewayBinding<>(converter, ports, suppress, report), stream.log, states,
                Tally.CATALOG, writer, GatewayBinding.recordedAnswers(converter, ports));

        Projector.Rebuilt rebuilt = replay.rebuild("g2", "acc-1");

        assertEquals(Optional.empty(), rebuilt.snapshot(), "not from the snapshot at 20");
        assertEquals(25, rebuilt.result().applied());
        assertEquals(25, report.suppressed().size(), "every event's payout went through the replay's mode");
        assertEquals(converted(3, 25), states.load("converter", "g2", "acc-1").orElseThrow().state().get("total").asLong());
    }

    @Test
    void aVerificationAsKnownAtComparesTheProcessorWithItsSnapshotsFromTheRecordedAnswersCausingNothing() throws Exception {
        liveEvents(1, 25);
        outside.rate = 5;
        int logged = log.all().size();
        InMemoryEventIndex index = new InMemoryEventIndex(stream.log);
        InMemoryPayloadStore reports = new InMemoryPayloadStore();
        ReplayActions actions = new ReplayActions(new ReplayPorts(
                List.of(ReplayProcessor.withGateway(converter, ports, stream.log, states, Tally.CATALOG, writer)), stream.log, index, index,
                states, new InMemoryReplayStore(), new InMemoryPlaybackStream(1), reports, Clock.fixed(R0.plusSeconds(3600), ZoneOffset.UTC),
                Duration.ZERO));
        Instant knownAt = R0.plusSeconds(23);

        JsonNode clean = verifyKnownAt(actions, reports, "vk-1", knownAt);
        Snapshot at20 = snapshots.latest("converter", "fee-v1", "acc-1", 20, 1).get(0);
        snapshots.put(new Snapshot(at20.processor(), at20.logicVersion(), at20.aggregateId(), at20.version(),
                JsonNodeFactory.instance.objectNode().put("total", converted(3, 20) + 1).put("count", 20), at20.latestOccurredAt(),
                at20.latestRecordedAt()));
        JsonNode damaged = verifyKnownAt(actions, reports, "vk-2", knownAt);

        assertEquals(1, clean.path("compared").asInt(), clean::toString);
        assertEquals(1, clean.path("snapshotsChecked").asInt(), clean::toString);
        assertEquals(0, clean.path("drifted").asInt(), clean::toString);
        assertEquals(1, damaged.path("drifted").asInt(), damaged::toString);
        assertEquals(25, outside.queries, "nothing asked");
        assertEquals(25, outside.sent.size(), "nothing sent");
        assertEquals(logged, log.all().size(), "nothing logged");
        assertEquals(25, records.size(), "nothing recorded");
    }

    /** A verification as known at {@code knownAt} (report only) run to its end; its report. */
    private static JsonNode verifyKnownAt(ReplayActions actions, InMemoryPayloadStore reports, String replayId, Instant knownAt) throws Exception {
        JsonNode prepared = actions.prepare("verify", EventCodec.JSON.createObjectNode().put("replayId", replayId)
                .put("knownAt", knownAt.toString()).put("reportOnly", true));
        ReplayRuns.publishAll(actions, prepared);
        assertTrue(actions.drained(replayId).get("drained").asBoolean());
        return EventCodec.JSON.readTree(reports.get(actions.finish(replayId).get("reportUri").asText()));
    }
}
