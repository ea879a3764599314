package dev.onebox.sfn.asl;

import java.time.Instant;
import java.util.Map;

/**
 * One GetExecutionHistory event. {@code details} is the content of the type's details
 * member, e.g. {@code stateEnteredEventDetails} for {@code PassStateEntered}.
 */
public record HistoryEvent(long id, long previousEventId, Instant timestamp, String type, Map<String, Object> details) {

    /** The details, with JSON payloads (input, output, parameters) as JSON text, as the API has them. */
    @Override
    public Map<String, Object> details() {
        if (details == null || details.isEmpty()) {
            return details;
        }
        Map<String, Object> out = new java.util.LinkedHashMap<>(details.size() * 2);
        for (Map.Entry<String, Object> e : details.entrySet()) {
            out.put(e.getKey(), e.getValue() instanceof Json.Lazy l ? l.toString() : e.getValue());
        }
        return out;
    }

    /** The name of the details member in the API shape (e.g. "taskFailedEventDetails"). */
    public String detailsMember() {
        if (type.endsWith("StateEntered")) {
            return "stateEnteredEventDetails";
        }
        if (type.endsWith("StateExited")) {
            return "stateExitedEventDetails";
        }
        return Character.toLowerCase(type.charAt(0)) + type.substring(1) + "EventDetails";
    }
}
