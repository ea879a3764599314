package dev.playback.test.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.examples.ledger.HttpExternalSystems;
import dev.playback.examples.ledger.Ledger;
import dev.playback.examples.ledger.LedgerEvent;
import dev.playback.examples.ledger.PayoutsProcessor;
import dev.playback.examples.ledger.PayoutsState;
import dev.playback.model.domain.Domain;
import dev.playback.model.domain.EffectfulProcessor;
import dev.playback.model.domain.Settings;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventType;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.CommandRules;
import dev.playback.model.gateway.Compensation;
import dev.playback.model.gateway.ExternalSystems;
import dev.playback.model.gateway.Gateway;
import dev.playback.model.gateway.GatewayProcessor;
import dev.playback.model.processor.Processor;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The sample ledger whose {@code payouts} processor first has each beneficiary screened: it asks {@code screening.check}
 * about the beneficiary (a recorded query whose answer echoes the name, alone and inside a sentence) and sends what the
 * screening answered to {@code screening.notice} (a logged command), then pays as the ledger does. Its state is the
 * ledger's payouts state. The screening runs in this JVM ({@link #SCREENING}), beside the ledger's FX service and bank.
 * Named in a function's {@code PLAYBACK_DOMAINS} in place of the ledger, it shows what the gateway records of an external
 * answer that carries personal data.
 */
public final class ScreenedLedger implements Domain {
    public static final CallSite CHECK = new CallSite("screening", "check");
    public static final CallSite NOTICE = new CallSite("screening", "notice");
    /** What reached the screening, in order (queries and commands, with the values revealed). */
    public static final Screening SCREENING = new Screening();
    private final Ledger ledger = new Ledger();

    @Override
    public String name() {
        return ledger.name();
    }

    @Override
    public List<EventType> eventTypes() {
        return ledger.eventTypes();
    }

    @Override
    public List<Processor<?>> projections() {
        return ledger.projections();
    }

    @Override
    public List<EffectfulProcessor> effectfulProcessors() {
        return List.of(new EffectfulProcessor(PayoutsProcessor.NAME,
                s -> new ScreenedPayouts((PayoutsProcessor) ledger.effectfulProcessors().get(0).build(s)),
                ScreenedLedger::externalSystems));
    }

    private static ExternalSystems externalSystems(Settings s) {
        ExternalSystems http = new HttpExternalSystems(URI.create(s.require(Ledger.FX_URL)), URI.create(s.require(Ledger.BANK_URL)));
        return new ExternalSystems() {
            @Override
            public JsonNode query(CallSite site, JsonNode request) {
                return site.gateway().equals(CHECK.gateway()) ? SCREENING.query(site, request) : http.query(site, request);
            }

            @Override
            public void send(CallSite site, JsonNode command, String idempotencyKey) {
                if (site.gateway().equals(NOTICE.gateway())) SCREENING.send(site, command, idempotencyKey);
                else http.send(site, command, idempotencyKey);
            }
        };
    }

    /** Answers every check with no match, naming the beneficiary; keeps every request and notice it got. */
    public static final class Screening implements ExternalSystems {
        public final List<JsonNode> checks = new CopyOnWriteArrayList<>();
        public final List<JsonNode> notices = new CopyOnWriteArrayList<>();

        @Override
        public JsonNode query(CallSite site, JsonNode request) {
            checks.add(request);
            String name = request.path("beneficiary").asText();
            ObjectNode answer = JsonNodeFactory.instance.objectNode().put("listed", false).put("name", name)
                    .put("note", "no match for " + name).put("fee", "0.10");
            return answer;
        }

        @Override
        public void send(CallSite site, JsonNode command, String idempotencyKey) {
            notices.add(command);
        }
    }

    /** The ledger's payouts, each payout's beneficiary screened first. */
    static final class ScreenedPayouts implements GatewayProcessor<PayoutsState> {
        private final PayoutsProcessor payouts;

        ScreenedPayouts(PayoutsProcessor payouts) {
            this.payouts = payouts;
        }

        @Override
        public String name() {
            return payouts.name();
        }

        @Override
        public String logicVersion() {
            return payouts.logicVersion();
        }

        @Override
        public PayoutsState initial(String aggregateId) {
            return payouts.initial(aggregateId);
        }

        @Override
        public PayoutsState apply(PayoutsState state, EventEnvelope event, Gateway gateway) {
            if (event.type().equals(LedgerEvent.PAYOUT_REQUESTED)) {
                ObjectNode check = JsonNodeFactory.instance.objectNode().put("beneficiary", event.payload().path("beneficiary").asText());
                JsonNode answer = gateway.query(CHECK, check);
                gateway.send(NOTICE, JsonNodeFactory.instance.objectNode().put("payoutId", event.eventId())
                        .put("name", answer.path("name").asText()).put("note", answer.path("note").asText()));
            }
            return payouts.apply(state, event, gateway);
        }

        @Override
        public JsonNode encode(PayoutsState state) {
            return payouts.encode(state);
        }

        @Override
        public PayoutsState decode(JsonNode json) {
            return payouts.decode(json);
        }

        @Override
        public CommandRules rules(CallSite site) {
            return payouts.rules(site);
        }

        @Override
        public Optional<String> reverses(EventEnvelope event) {
            return payouts.reverses(event);
        }

        @Override
        public PayoutsState applyAbsorbed(PayoutsState state, EventEnvelope reversal, Gateway gateway) {
            return payouts.applyAbsorbed(state, reversal, gateway);
        }

        @Override
        public List<Compensation> compensations(PayoutsState state, String reversedEventId) {
            return payouts.compensations(state, reversedEventId);
        }

        @Override
        public PayoutsState applyUnresolvable(PayoutsState state, EventEnvelope reversal, String reason) {
            return payouts.applyUnresolvable(state, reversal, reason);
        }
    }
}
