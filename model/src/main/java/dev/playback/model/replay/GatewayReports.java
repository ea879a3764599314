package dev.playback.model.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.store.PayloadStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the gateway did in a replay, in the report store: one piece per unit of work
 * ({@code replays/<replayId>/gateway/<processor>/<piece>.json}: a playback record, a partial replay's chunk;
 * a unit done again overwrites its piece), the journal of what reached outside, one piece per entry written as it
 * happened ({@link #journal}), and at the end all of them merged
 * ({@code reports/gateway/<replayId>.json}, {@link GatewayReport#merge}), listing every correction once.
 */
public final class GatewayReports {
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._=-]");
    private final PayloadStore store;

    public GatewayReports(PayloadStore store) {
        this.store = store;
    }

    static String prefix(String replayId) {
        return "replays/" + replayId + "/gateway/";
    }

    public static String mergedKey(String replayId) {
        return "reports/gateway/" + replayId + ".json";
    }

    /** Writes one piece; {@code piece} names the unit of work (characters outside [A-Za-z0-9._=-] become '_'). */
    public void put(String replayId, String processor, String piece, JsonNode report) {
        write(prefix(replayId) + processor + "/" + UNSAFE.matcher(piece).replaceAll("_") + ".json", report);
    }

    private void write(String key, JsonNode report) {
        JsonPieces.put(store, key, report);
    }

    /**
     * The journal of one processor's report in this replay: each entry that reached outside as its own piece,
     * {@code replays/<replayId>/gateway/<processor>/entries/<name>.json}, written as it happens (the same entry
     * reported again, by a resumed run, overwrites its piece), merged by {@link #publish} with the other pieces.
     */
    public GatewayReport.Journal journal(String replayId, String processor) {
        return (name, piece) -> write(prefix(replayId) + processor + "/entries/" + UNSAFE.matcher(name).replaceAll("_") + ".json", piece);
    }

    /** Every piece of the replay merged, written to {@link #mergedKey}; the merged report carries its {@code reportUri}. */
    public ObjectNode publish(String replayId, String gatewayMode) {
        List<JsonNode> pieces = JsonPieces.under(store, prefix(replayId), "gateway report");
        ObjectNode merged = GatewayReport.merge(pieces);
        merged.put("replayId", replayId);
        merged.put("gatewayMode", gatewayMode);
        merged.put("pieces", pieces.size());
        try {
            String uri = store.put(mergedKey(replayId), EventCodec.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(merged));
            merged.put("reportUri", uri);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return merged;
    }

    /**
     * Publishes the replay's merged report, puts its counts into {@code result} as {@code gateway} and returns the text
     * for the result's summary ({@link #describe}).
     */
    public String publishInto(ObjectNode result, String replayId, String gatewayMode) {
        ObjectNode summary = summary(publish(replayId, gatewayMode));
        result.set("gateway", summary);
        return describe(summary);
    }

    /** A merged report's counts, for a replay's result: sent, suppressed, corrections, live queries, where the report is. */
    public static ObjectNode summary(ObjectNode merged) {
        ObjectNode s = EventCodec.JSON.createObjectNode();
        s.put("gatewayMode", merged.path("gatewayMode").asText());
        s.put("sent", merged.path("sent").asLong());
        s.put("suppressed", merged.path("suppressed").asLong());
        s.put("corrections", merged.path("corrections").asLong());
        s.put("liveQueries", merged.path("liveQueries").asLong());
        if (merged.has("predictedCorrections")) {
            s.put("predictedCorrections", merged.path("predictedCorrections").asLong());
            s.put("newSends", merged.path("newSends").asLong());
        }
        s.put("reportUri", merged.path("reportUri").asText());
        return s;
    }

    /** "; gateway diff: 2 corrections, 0 sent, 0 suppressed" for summaries. */
    public static String describe(ObjectNode summary) {
        return "; gateway " + summary.path("gatewayMode").asText() + ": " + summary.path("corrections").asLong() + " corrections, "
                + summary.path("sent").asLong() + " sent, " + summary.path("suppressed").asLong() + " suppressed"
                + (summary.path("liveQueries").asLong() > 0 ? ", " + summary.path("liveQueries").asLong() + " live queries" : "")
                + (summary.has("predictedCorrections") ? ", " + summary.path("predictedCorrections").asLong() + " corrections predicted, "
                + summary.path("newSends").asLong() + " new sends predicted" : "")
                + " (report " + summary.path("reportUri").asText() + ")";
    }
}
