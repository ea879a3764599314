package dev.playback.model.gateway;

/** What a replay does with a query that has no recorded answer. */
public sealed interface MissingRecord {
    /** The replay fails; the error names the event and the call site (the default). */
    record Fail() implements MissingRecord {
    }

    /** The external system is asked now; the answer is recorded and the query is flagged in the report. */
    record Live() implements MissingRecord {
    }

    MissingRecord FAIL = new Fail();
    MissingRecord LIVE = new Live();

    static MissingRecord parse(String text) {
        if (text == null || text.isBlank() || text.trim().equals("fail")) return FAIL;
        if (text.trim().equals("live")) return LIVE;
        throw new IllegalArgumentException("unknown missing-record policy '" + text + "'; expected fail or live");
    }

    static String format(MissingRecord m) {
        return m instanceof Live ? "live" : "fail";
    }
}
