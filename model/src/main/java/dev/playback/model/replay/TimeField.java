package dev.playback.model.replay;

/** Which time of an event a partial replay's window applies to. */
public enum TimeField {
    RECORDED_AT("recordedAt"), OCCURRED_AT("occurredAt");

    private final String wireName;

    TimeField(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static TimeField parse(String text) {
        if (text == null) return RECORDED_AT;
        for (TimeField f : values()) if (f.wireName.equals(text)) return f;
        throw new IllegalArgumentException("timeField must be recordedAt or occurredAt; got '" + text + "'");
    }
}
