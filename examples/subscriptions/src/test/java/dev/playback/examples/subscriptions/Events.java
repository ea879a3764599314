package dev.playback.examples.subscriptions;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.playback.model.event.Envelopes.json;

/** Subscription events of one subscription at fixed times, for tests. */
final class Events {
    static final String SUB = "sub-1";

    private Events() {
    }

    static EventEnvelope at(String eventId, String time, String type, String payload) {
        Instant t = Instant.parse(time);
        return new EventEnvelope(eventId, SUB, type, 1, null, null, t, t, json(payload), null, EventMetadata.NONE);
    }

    static EventEnvelope started(String eventId, String time, String plan, String monthlyPrice) {
        return at(eventId, time, "SubscriptionStarted", "{\"customer\":\"Ada\",\"plan\":\"" + plan + "\",\"monthlyPrice\":\""
                + monthlyPrice + "\",\"currency\":\"EUR\",\"country\":\"DE\"}");
    }

    static EventEnvelope planChanged(String eventId, String time, String plan, String monthlyPrice) {
        return at(eventId, time, "PlanChanged", "{\"plan\":\"" + plan + "\",\"monthlyPrice\":\"" + monthlyPrice + "\"}");
    }

    static EventEnvelope cancelled(String eventId, String time) {
        return at(eventId, time, "SubscriptionCancelled", "{}");
    }

    static EventEnvelope invoiceRequested(String eventId, String time, String period) {
        return at(eventId, time, "InvoiceRequested", "{\"period\":\"" + period + "\"}");
    }

    static EventEnvelope reversed(String eventId, String time, String reversedEventId) {
        return at(eventId, time, "SubscriptionEventReversed", "{\"eventId\":\"" + reversedEventId + "\",\"reason\":\"billed in error\"}");
    }

    /** The events with versions 1, 2, 3, … */
    static List<EventEnvelope> versioned(EventEnvelope... events) {
        return versioned(List.of(events));
    }

    static List<EventEnvelope> versioned(List<EventEnvelope> events) {
        List<EventEnvelope> out = new ArrayList<>();
        long v = 1;
        for (EventEnvelope e : events) out.add(e.withVersion(v++));
        return out;
    }
}
