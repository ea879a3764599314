package dev.playback.model.ledger;

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

    record AccountOpened(String owner, String currency) implements LedgerEvent {
    }

    record MoneyDeposited(BigDecimal amount) implements LedgerEvent {
    }

    record MoneyWithdrawn(BigDecimal amount) implements LedgerEvent {
    }

    /** Decodes a (validated, upcast) envelope of one of this domain's types. */
    static LedgerEvent of(EventEnvelope e) {
        ObjectNode p = e.payload();
        if (p == null) throw new IllegalStateException("event " + e.eventId() + " has no resolved payload");
        return switch (e.type()) {
            case ACCOUNT_OPENED -> new AccountOpened(p.path("owner").asText(), p.path("currency").asText());
            case MONEY_DEPOSITED -> new MoneyDeposited(Amount.parse(p, "amount"));
            case MONEY_WITHDRAWN -> new MoneyWithdrawn(Amount.parse(p, "amount"));
            default -> throw new IllegalArgumentException("not a ledger event type: " + e.type());
        };
    }

    /** The ledger's event types, for the ingest catalog. */
    static List<EventType> types() {
        return List.of(new OpenedType(), new AmountType(MONEY_DEPOSITED), new AmountType(MONEY_WITHDRAWN));
    }

    final class OpenedType implements EventType {
        @Override
        public String name() {
            return ACCOUNT_OPENED;
        }

        @Override
        public void validate(ObjectNode payload) {
            only(payload, "owner", "currency");
            JsonNode owner = payload.get("owner");
            if (owner == null || owner.isNull()) throw new InvalidEventException("payload.owner", "field 'payload.owner' is required");
            if (!owner.isTextual() || owner.asText().isBlank() || owner.asText().length() > 200) {
                throw new InvalidEventException("payload.owner", "field 'payload.owner' must be a non-blank string of at most 200 characters");
            }
            JsonNode currency = payload.get("currency");
            if (currency == null || currency.isNull()) throw new InvalidEventException("payload.currency", "field 'payload.currency' is required");
            String code = currency.isTextual() ? currency.asText() : "";
            if (!code.matches("[A-Z]{3}") || Currency.getAvailableCurrencies().stream().noneMatch(c -> c.getCurrencyCode().equals(code))) {
                throw new InvalidEventException("payload.currency", "field 'payload.currency' must be an ISO 4217 currency code like EUR, got " + currency);
            }
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
