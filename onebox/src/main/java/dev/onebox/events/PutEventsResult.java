package dev.onebox.events;

import java.util.List;

/** PutEvents' answer: one result per entry, in order; failed entries carry ErrorCode/ErrorMessage like AWS. */
public record PutEventsResult(int failedEntryCount, List<Entry> entries) {
    public PutEventsResult {
        entries = List.copyOf(entries);
    }

    /** Either {@code eventId} (accepted) or {@code errorCode} and {@code errorMessage} (rejected). */
    public record Entry(String eventId, String errorCode, String errorMessage) {
        public static Entry accepted(String eventId) {
            return new Entry(eventId, null, null);
        }

        public static Entry rejected(String errorCode, String errorMessage) {
            return new Entry(null, errorCode, errorMessage);
        }

        public boolean isAccepted() {
            return eventId != null;
        }
    }
}
