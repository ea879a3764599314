package dev.playback.tools.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Events of the subscriptions sample as its clients send them to {@code POST /events}, added to a batch (the demo's and the tests'). */
public final class SubscriptionEvents {
    private SubscriptionEvents() {
    }

    /** Adds {@code {eventId?, aggregateId, type, occurredAt, payload}} to {@code batch}; returns it, e.g. to set a schemaVersion. */
    public static ObjectNode event(ArrayNode batch, String eventId, String aggregateId, String type, String occurredAt, ObjectNode payload) {
        ObjectNode e = batch.addObject();
        if (eventId != null) e.put("eventId", eventId);
        e.put("aggregateId", aggregateId).put("type", type).put("occurredAt", occurredAt).set("payload", payload);
        return e;
    }

    /** A {@code SubscriptionStarted} (schema 2) in EUR, country DE. */
    public static ObjectNode started(ArrayNode batch, String aggregateId, String customer, String plan, String monthlyPrice, String occurredAt) {
        return event(batch, null, aggregateId, "SubscriptionStarted", occurredAt, payload().put("customer", customer).put("plan", plan)
                .put("monthlyPrice", monthlyPrice).put("currency", "EUR").put("country", "DE"));
    }

    /** An {@code InvoiceRequested} for {@code period} (yyyy-MM); its event id is the invoice's id at the invoice service. */
    public static ObjectNode invoiceRequested(ArrayNode batch, String eventId, String aggregateId, String period, String occurredAt) {
        return event(batch, eventId, aggregateId, "InvoiceRequested", occurredAt, payload().put("period", period));
    }

    public static ObjectNode payload() {
        return JsonNodeFactory.instance.objectNode();
    }
}
