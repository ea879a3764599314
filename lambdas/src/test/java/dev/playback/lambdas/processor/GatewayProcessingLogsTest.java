package dev.playback.lambdas.processor;

import dev.playback.examples.ledger.LedgerEnvelopes;

import dev.playback.model.playback.GatewayProcessing;

import dev.playback.model.playback.GatewayReplay;

import static dev.playback.lambdas.aws.kinesis.KinesisBatches.batch;
import static dev.playback.lambdas.aws.kinesis.KinesisBatches.context;
import static dev.playback.lambdas.aws.kinesis.KinesisBatches.record;
import static dev.playback.examples.ledger.LedgerEnvelopes.deposited;
import static dev.playback.model.event.Envelopes.event;
import static dev.playback.model.event.Envelopes.json;
import static dev.playback.examples.ledger.LedgerEnvelopes.opened;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.playback.examples.ledger.PartnerServer;
import dev.playback.lambdas.aws.kinesis.InMemorySetAside;
import dev.playback.examples.ledger.HttpExternalSystems;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.GatewayMode;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.MissingRecord;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import dev.playback.examples.ledger.FeeRule;
import dev.playback.examples.ledger.Ledger;
import dev.playback.examples.ledger.PayoutsProcessor;
import dev.playback.model.store.memory.InMemoryEventLog;
import dev.playback.model.store.memory.InMemoryReplayStore;
import dev.playback.model.store.memory.InMemoryStateStore;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the payouts function logs when the partner bank refuses a payout: ids and status, no names. */
class GatewayProcessingLogsTest {
    @org.junit.jupiter.api.extension.RegisterExtension
    final dev.playback.lambdas.LogCapture logs = new dev.playback.lambdas.LogCapture();
    private static final String OWNER = "Ada";
    private static final String BENEFICIARY = "Bob Beneficiary-7731";
    private PartnerServer partners;

    @BeforeEach
    void start() {
        // the bank echoes the payout it refuses, beneficiary included, as real partner APIs do
        partners = new PartnerServer((path, request) -> path.equals("/payouts")
                ? new PartnerServer.Answer(422, "{\"error\":\"account closed\",\"request\":" + request + "}")
                : new PartnerServer.Answer(200, "{\"rate\":\"1.0850\"}"));
    }

    @AfterEach
    void stop() {
        partners.close();
    }

    @Test
    void aRefusedPayoutIsLoggedWithoutTheBeneficiaryOrTheOwner() {
        URI base = partners.url();
        GatewayPorts ports = new GatewayPorts(new HttpExternalSystems(base, base), new InMemoryQueryRecords(), new InMemoryCommandLog());
        InMemoryEventLog events = new InMemoryEventLog();
        InMemoryStateStore states = new InMemoryStateStore();
        PayoutsProcessor processor = new PayoutsProcessor(FeeRule.V1);
        EventEnvelope open = opened("e-1", "acc-1").withVersion(1);
        EventEnvelope deposit = deposited("e-2", "acc-1", "500.00").withVersion(2);
        EventEnvelope payout = event("p-1", "acc-1", "PayoutRequested",
                json("{\"amount\":\"100.00\",\"targetCurrency\":\"USD\",\"beneficiary\":\"" + BENEFICIARY + "\"}")).withVersion(3);
        events.write(List.of(open, deposit, payout));
        new GatewayReplay(processor, ports, events, states, Ledger.catalog())
                .apply("seed", "g1", GatewayRun.replay("seed", GatewayMode.SUPPRESS, MissingRecord.FAIL), List.of(open, deposit));
        states.startBuilding("payouts", "g1");
        states.activate("payouts", "g0", "g1");
        ProcessorHandler handler = GatewayProcessingTest.handler(processor, ports, events, states, new InMemoryReplayStore(),
                new InMemorySetAside());
        List<String> logged = new ArrayList<>();

        StreamsEventResponse response = handler.handleRequest(batch(record("1", List.of(payout))), context(logged));

        String all = String.join("\n", logs.messages()) + "\n" + String.join("\n", logs.metricLines());
        assertEquals(1, response.getBatchItemFailures().size(), "the refused payout is retried");
        assertTrue(all.contains("partner bank answered 422"), all);
        assertTrue(all.contains("p-1") || all.contains("acc-1"), "the log names the ids: " + all);
        assertFalse(all.contains(BENEFICIARY), all);
        assertFalse(all.contains("Bob"), all);
        assertFalse(all.contains(OWNER), all);
    }
}
