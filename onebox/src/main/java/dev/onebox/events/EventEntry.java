package dev.onebox.events;

import java.time.Instant;
import java.util.List;

/**
 * One PutEvents entry as the caller gave it (fields may be missing or wrong: the bus checks them per entry).
 *
 * @param time optional; the ingestion time is used when null
 */
public record EventEntry(String source, String detailType, String detail, List<String> resources, Instant time,
                         String eventBusName) {
    public EventEntry {
        resources = resources == null ? List.of() : List.copyOf(resources);
    }

    public EventEntry(String source, String detailType, String detail) {
        this(source, detailType, detail, List.of(), null, null);
    }
}
