package dev.playback.examples.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventType;
import dev.playback.model.event.InvalidEventException;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.List;

/** The events of the sample ledger domain, decoded from their envelopes. */
public sealed interface LedgerEvent {
    String ACCOUNT_OPENED = "AccountOpened";
    String MONEY_DEPOSITED = "MoneyDeposited";
    String MONEY_WITHDRAWN = "MoneyWithdrawn";
    String PAYOUT_REQUESTED = "PayoutRequested";
    String EVENT_REVERSED = "EventReversed";

    record AccountOpened(String owner, String currency) implements LedgerEvent {
    }

    record MoneyDeposited(BigDecimal amount) implements LedgerEvent {
    }

    record MoneyWithdrawn(BigDecimal amount) implements LedgerEvent {
    }

    /** A payout of {@code amount} (in the account's currency) to {@code beneficiary}, paid in {@code targetCurrency}. */
    record PayoutRequested(BigDecimal amount, String targetCurrency, String beneficiary) implements LedgerEvent {
    }

    /** Compensates event {@code reversedEventId} of the same account: its effect is undone (a reversal's effect is restored). */
    record EventReversed(String reversedEventId, String reason) implements LedgerEvent {
    }

    /** Decodes a (validated, upcast) envelope of one of this domain's types. */
    static LedgerEvent of(EventEnvelope e) {
        ObjectNode p = e.payload();
        if (p == null) throw new IllegalStateException("event " + e.eventId() + " has no resolved payload");
        return switch (e.type()) {
            case ACCOUNT_OPENED -> new AccountOpened(p.path("owner").asText(), p.path("currency").asText());
            case MONEY_DEPOSITED -> new MoneyDeposited(Amount.parse(p, "amount"));
            case MONEY_WITHDRAWN -> new MoneyWithdrawn(Amount.parse(p, "amount"));
            case PAYOUT_REQUESTED -> new PayoutRequested(Amount.parse(p, "amount"), p.path("targetCurrency").asText(),
                    p.path("beneficiary").asText());
            case EVENT_REVERSED -> new EventReversed(p.path("reversedEventId").asText(), p.path("reason").asText());
            default -> throw new IllegalArgumentException("not a ledger event type: " + e.type());
        };
    }

    /** The ledger's event types, for the ingest catalog. */
    static List<EventType> types() {
        return List.of(new OpenedType(), new DepositedType(), new AmountType(MONEY_WITHDRAWN), new PayoutType(), new ReversedType());
    }

    /**
     * {@code AccountOpened {owner, currency}}. The owner is personal data of the account's holder: its subject is the
     * account (the aggregate id, the default), so {@code playback forget <account>} forgets it.
     */
    final class OpenedType implements EventType {
        @Override
        public String name() {
            return ACCOUNT_OPENED;
        }

        @Override
        public List<String> personalFields() {
            return List.of("owner");
        }

        @Override
        public void validate(ObjectNode payload) {
            only(payload, "owner", "currency");
            JsonNode owner = payload.get("owner");
            if (owner == null || owner.isNull()) throw new InvalidEventException("payload.owner", "field 'payload.owner' is required");
            if (!owner.isTextual() || owner.asText().isBlank() || owner.asText().length() > 200) {
                throw new InvalidEventException("payload.owner", "field 'payload.owner' must be a non-blank string of at most 200 characters");
            }
            currency(payload, "currency");
        }
    }

    /**
     * {@code MoneyDeposited}, schema 2: {@code {"amount": "12.50"}}. Schema 1 (the first release) called the
     * field {@code value}; it is renamed on read. Schema-1 events already written with {@code amount} pass unchanged.
     */
    final class DepositedType implements EventType {
        @Override
        public String name() {
            return MONEY_DEPOSITED;
        }

        @Override
        public int schemaVersion() {
            return 2;
        }

        @Override
        public void validate(ObjectNode payload) {
            only(payload, "amount");
            Amount.parse(payload, "amount");
        }

        @Override
        public ObjectNode upcast(int fromSchemaVersion, ObjectNode payload) {
            if (fromSchemaVersion != 1) throw new IllegalStateException("MoneyDeposited has no schema version " + fromSchemaVersion);
            if (payload.has("value") && !payload.has("amount")) {
                payload.set("amount", payload.remove("value"));
            }
            return payload;
        }
    }

    /**
     * {@code PayoutRequested {amount, targetCurrency, beneficiary}}. The beneficiary is personal data given by the account's
     * holder; its subject is the account (the aggregate id), so forgetting the account forgets its payouts' beneficiaries
     * with its owner. The payouts processor copies the token into its state and its command; the gateway reveals it just
     * before the partner bank is called.
     */
    final class PayoutType implements EventType {
        @Override
        public String name() {
            return PAYOUT_REQUESTED;
        }

        @Override
        public List<String> personalFields() {
            return List.of("beneficiary");
        }

        @Override
        public void validate(ObjectNode payload) {
            only(payload, "amount", "targetCurrency", "beneficiary");
            Amount.parse(payload, "amount");
            currency(payload, "targetCurrency");
            JsonNode b = payload.get("beneficiary");
            if (b == null || b.isNull()) throw new InvalidEventException("payload.beneficiary", "field 'payload.beneficiary' is required");
            if (!b.isTextual() || b.asText().isBlank() || b.asText().length() > 200) {
                throw new InvalidEventException("payload.beneficiary", "field 'payload.beneficiary' must be a non-blank string of at most 200 characters");
            }
        }
    }

    final class ReversedType implements EventType {
        @Override
        public String name() {
            return EVENT_REVERSED;
        }

        @Override
        public void validate(ObjectNode payload) {
            only(payload, "reversedEventId", "reason");
            JsonNode id = payload.get("reversedEventId");
            if (id == null || id.isNull()) throw new InvalidEventException("payload.reversedEventId", "field 'payload.reversedEventId' is required");
            if (!id.isTextual() || !dev.playback.model.event.Submission.ID.matcher(id.asText()).matches()) {
                throw new InvalidEventException("payload.reversedEventId", "field 'payload.reversedEventId' must be an event id (1-128 characters of A-Z a-z 0-9 . _ : -)");
            }
            JsonNode reason = payload.get("reason");
            if (reason == null || reason.isNull()) throw new InvalidEventException("payload.reason", "field 'payload.reason' is required");
            if (!reason.isTextual() || reason.asText().isBlank() || reason.asText().length() > 500) {
                throw new InvalidEventException("payload.reason", "field 'payload.reason' must be a non-blank string of at most 500 characters");
            }
        }
    }

    private static void currency(ObjectNode payload, String field) {
        String path = "payload." + field;
        JsonNode currency = payload.get(field);
        if (currency == null || currency.isNull()) throw new InvalidEventException(path, "field '" + path + "' is required");
        String code = currency.isTextual() ? currency.asText() : "";
        if (!code.matches("[A-Z]{3}") || Currency.getAvailableCurrencies().stream().noneMatch(c -> c.getCurrencyCode().equals(code))) {
            throw new InvalidEventException(path, "field '" + path + "' must be an ISO 4217 currency code like EUR, got " + currency);
        }
    }

    final class AmountType implements EventType {
        private final String name;

        AmountType(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void validate(ObjectNode payload) {
            only(payload, "amount");
            Amount.parse(payload, "amount");
        }
    }

    private static void only(ObjectNode payload, String... allowed) {
        List<String> names = List.of(allowed);
        payload.fieldNames().forEachRemaining(f -> {
            if (!names.contains(f)) {
                throw new InvalidEventException("payload." + f, "unknown field 'payload." + f + "'; allowed: " + String.join(", ", names));
            }
        });
    }
}
