package dev.playback.test.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.examples.ledger.AccountBalance;
import dev.playback.examples.ledger.BalancesProjection;
import dev.playback.examples.ledger.Ledger;
import dev.playback.model.domain.Domain;
import dev.playback.model.domain.EffectfulProcessor;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventType;
import dev.playback.model.processor.Processor;
import dev.playback.model.processor.ReversalOutcome;
import dev.playback.model.processor.ReversedEvent;

import java.util.List;
import java.util.Optional;

/**
 * The sample ledger with its {@code balances} projection deployed as new logic: logic version {@code 3} (its own is
 * {@code 2}). Named in a
 * function's {@code PLAYBACK_DOMAINS} in place of the ledger, it stands for a deployment of changed projection code.
 */
public final class RelabelledLedger implements Domain {
    public static final String LOGIC_VERSION = "3";
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
        return List.of(new Balances());
    }

    @Override
    public List<EffectfulProcessor> effectfulProcessors() {
        return ledger.effectfulProcessors();
    }

    /** {@code balances} at logic version 3. */
    public static final class Balances implements Processor<AccountBalance> {
        private final BalancesProjection v1 = new BalancesProjection();

        @Override
        public String name() {
            return v1.name();
        }

        @Override
        public String logicVersion() {
            return LOGIC_VERSION;
        }

        @Override
        public AccountBalance initial(String aggregateId) {
            return v1.initial(aggregateId);
        }

        @Override
        public AccountBalance apply(AccountBalance state, EventEnvelope event) {
            return v1.apply(state, event);
        }

        @Override
        public Optional<String> reverses(EventEnvelope event) {
            return v1.reverses(event);
        }

        @Override
        public boolean reversalsFromEvents() {
            return v1.reversalsFromEvents();
        }

        @Override
        public ReversalOutcome<AccountBalance> applyReversal(AccountBalance state, EventEnvelope reversal, ReversedEvent target) {
            return v1.applyReversal(state, reversal, target);
        }

        @Override
        public Optional<JsonNode> note(AccountBalance before, AccountBalance after, EventEnvelope event) {
            return v1.note(before, after, event);
        }

        @Override
        public AccountBalance applyUnresolvable(AccountBalance state, EventEnvelope reversal, String reason) {
            return v1.applyUnresolvable(state, reversal, reason);
        }

        @Override
        public JsonNode encode(AccountBalance state) {
            return v1.encode(state);
        }

        @Override
        public AccountBalance decode(JsonNode json) {
            return v1.decode(json);
        }
    }
}
