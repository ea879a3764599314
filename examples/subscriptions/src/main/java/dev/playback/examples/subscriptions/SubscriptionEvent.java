package dev.playback.examples.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventType;
import dev.playback.model.event.InvalidEventException;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.List;
import java.util.function.Consumer;

/**
 * The events of a subscription (one aggregate = one subscription), decoded from their envelopes. Their days are the
 * UTC days of the events' {@code occurredAt}: a subscription starts on its start's day, a plan change takes effect on
 * its day, a cancellation ends the subscription on its day (that day is not billed).
 */
public sealed interface SubscriptionEvent {
    String SUBSCRIPTION_STARTED = "SubscriptionStarted";
    String PLAN_CHANGED = "PlanChanged";
    String SUBSCRIPTION_CANCELLED = "SubscriptionCancelled";
    String INVOICE_REQUESTED = "InvoiceRequested";
    String SUBSCRIPTION_EVENT_REVERSED = "SubscriptionEventReversed";

    record SubscriptionStarted(String customer, String plan, BigDecimal monthlyPrice, String currency, String country)
            implements SubscriptionEvent {
    }

    record PlanChanged(String plan, BigDecimal monthlyPrice) implements SubscriptionEvent {
    }

    record SubscriptionCancelled() implements SubscriptionEvent {
    }

    /** Bill calendar month {@code period} (UTC). */
    record InvoiceRequested(YearMonth period) implements SubscriptionEvent {
    }

    /** Reverses event {@code eventId} of the same subscription (reversing an invoice request voids the invoice). */
    record SubscriptionEventReversed(String eventId, String reason) implements SubscriptionEvent {
    }

    /** Decodes a (validated, upcast) envelope of one of this domain's types. */
    static SubscriptionEvent of(EventEnvelope e) {
        ObjectNode p = e.payload();
        if (p == null) throw new IllegalStateException("event " + e.eventId() + " has no resolved payload");
        return switch (e.type()) {
            case SUBSCRIPTION_STARTED -> new SubscriptionStarted(p.path("customer").asText(), p.path("plan").asText(),
                    Fields.price(p, "monthlyPrice"), p.path("currency").asText(), p.path("country").asText());
            case PLAN_CHANGED -> new PlanChanged(p.path("plan").asText(), Fields.price(p, "monthlyPrice"));
            case SUBSCRIPTION_CANCELLED -> new SubscriptionCancelled();
            case INVOICE_REQUESTED -> new InvoiceRequested(Fields.period(p, "period"));
            case SUBSCRIPTION_EVENT_REVERSED -> new SubscriptionEventReversed(p.path("eventId").asText(), p.path("reason").asText());
            default -> throw new IllegalArgumentException("not a subscription event type: " + e.type());
        };
    }

    static boolean isSubscriptionType(String type) {
        return type.equals(SUBSCRIPTION_STARTED) || type.equals(PLAN_CHANGED) || type.equals(SUBSCRIPTION_CANCELLED)
                || type.equals(INVOICE_REQUESTED) || type.equals(SUBSCRIPTION_EVENT_REVERSED);
    }

    /** The domain's event types, for the ingest catalog. */
    static List<EventType> types() {
        return List.of(new StartedType(), planChanged(), cancelled(), invoiceRequested(), reversed());
    }

    /**
     * {@code SubscriptionStarted}, schema 2: {@code {"customer","plan","monthlyPrice":"30.00","currency","country"}}.
     * Schema 1 gave the price in cents, {@code "monthlyPriceCents": 3000}; it is brought up to a decimal string on read.
     * The customer is personal data of the subscriber: its subject is the subscription (the aggregate id, the default),
     * so {@code playback forget <subscription>} forgets it; the invoices carry it as the token it is.
     */
    final class StartedType implements EventType {
        @Override
        public String name() {
            return SUBSCRIPTION_STARTED;
        }

        @Override
        public List<String> personalFields() {
            return List.of("customer");
        }

        @Override
        public int schemaVersion() {
            return 2;
        }

        @Override
        public void validate(ObjectNode payload) {
            Fields.only(payload, "customer", "plan", "monthlyPrice", "currency", "country");
            Fields.text(payload, "customer", 200);
            Fields.text(payload, "plan", 100);
            Fields.price(payload, "monthlyPrice");
            Fields.currency(payload, "currency");
            Fields.country(payload, "country");
        }

        /** Schema 1 → 2: {@code monthlyPriceCents} (a positive integer) becomes {@code monthlyPrice} (cents / 100, two decimals). */
        @Override
        public ObjectNode upcast(int fromSchemaVersion, ObjectNode payload) {
            if (fromSchemaVersion != 1) throw new IllegalStateException(SUBSCRIPTION_STARTED + " has no schema version " + fromSchemaVersion);
            if (!payload.has("monthlyPriceCents")) return payload;
            JsonNode cents = payload.get("monthlyPriceCents");
            if (!cents.isIntegralNumber() || !cents.canConvertToLong() || cents.asLong() <= 0 || cents.asLong() > 99_999_999_999_999L) {
                throw new InvalidEventException("payload.monthlyPriceCents",
                        "field 'payload.monthlyPriceCents' (schema 1) must be a positive whole number of cents like 3000, got " + cents);
            }
            if (payload.has("monthlyPrice")) {
                throw new InvalidEventException("payload.monthlyPrice",
                        "field 'payload.monthlyPrice' cannot be given with 'payload.monthlyPriceCents' (schema 1)");
            }
            payload.remove("monthlyPriceCents");
            payload.put("monthlyPrice", BigDecimal.valueOf(cents.asLong(), 2).toPlainString());
            return payload;
        }
    }

    /** A type without upcaster: its name and how its (current) payload is checked. */
    record Checked(String name, Consumer<ObjectNode> check) implements EventType {
        @Override
        public void validate(ObjectNode payload) {
            check.accept(payload);
        }
    }

    static EventType planChanged() {
        return new Checked(PLAN_CHANGED, p -> {
            Fields.only(p, "plan", "monthlyPrice");
            Fields.text(p, "plan", 100);
            Fields.price(p, "monthlyPrice");
        });
    }

    static EventType cancelled() {
        return new Checked(SUBSCRIPTION_CANCELLED, p -> Fields.only(p));
    }

    static EventType invoiceRequested() {
        return new Checked(INVOICE_REQUESTED, p -> {
            Fields.only(p, "period");
            Fields.period(p, "period");
        });
    }

    static EventType reversed() {
        return new Checked(SUBSCRIPTION_EVENT_REVERSED, p -> {
            Fields.only(p, "eventId", "reason");
            Fields.eventId(p, "eventId");
            Fields.text(p, "reason", 500);
        });
    }
}
