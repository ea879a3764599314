package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.playback.model.metrics.Metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the gateway did during a run (a batch of a replay, or live processing): commands sent,
 * suppressed, corrections, and queries asked live during a replay (flagged). Thread-safe.
 * <p>
 * With a {@link Journal}, what reached outside (a command sent, a correction, a query asked live) is also
 * written there as it is reported: right after its send and its command log entry, and so before the processor
 * saves the state that makes a redelivered batch skip the event. A replay's report merges the journal, so a crash
 * after a send cannot leave that send out of it.
 */
public final class GatewayReport {
    /** A query a replay asked the external system because no answer was recorded. */
    public record LiveQuery(String processor, String eventId, CallSite site, String requestHash) {
    }

    /**
     * A correction a {@code diff} replay would send, as a {@code predict} run computed it (not sent, not logged), with its
     * event's aggregate and times (a partial replay's window limits effects by them).
     */
    public record Predicted(Correction correction, String aggregateId, java.time.Instant occurredAt, java.time.Instant recordedAt) {
    }

    /**
     * A command an {@code allow:} replay of its gateway would send for the first time, as a {@code predict} run found it:
     * no send under its idempotency key reached the external system.
     */
    public record NewSend(String processor, String eventId, String aggregateId, CallSite site, int ordinal, JsonNode command,
                          String idempotencyKey, java.time.Instant occurredAt, java.time.Instant recordedAt) {
    }

    /**
     * Durable store of a replay's report entries. {@code name} identifies the entry (the same entry reported again,
     * by a resumed or retried run, has the same name); {@code piece} is a report in {@link #toJson()} form holding
     * only that entry, so {@link #merge} reads it like any other piece.
     */
    @FunctionalInterface
    public interface Journal {
        void record(String name, JsonNode piece);
    }

    private final Journal journal;

    public GatewayReport() {
        this(null);
    }

    public GatewayReport(Journal journal) {
        this.journal = journal;
    }

    private final List<LoggedCommand> sent = Collections.synchronizedList(new ArrayList<>());
    private final List<LoggedCommand> suppressed = Collections.synchronizedList(new ArrayList<>());
    private final List<Correction> corrections = Collections.synchronizedList(new ArrayList<>());
    private final List<LiveQuery> liveQueries = Collections.synchronizedList(new ArrayList<>());
    private final List<Predicted> predicted = Collections.synchronizedList(new ArrayList<>());
    private final List<NewSend> newSends = Collections.synchronizedList(new ArrayList<>());
    private final java.util.Set<String> sentBefore = java.util.concurrent.ConcurrentHashMap.newKeySet();

    void sent(LoggedCommand c) {
        if (journal != null) {
            ObjectNode piece = JsonNodeFactory.instance.objectNode();
            piece.putArray("sentCommands").add(json(c));
            journal.record(c.disposition().name().toLowerCase() + "-" + c.idempotencyKey(), piece);
        }
        sent.add(c);
    }

    /**
     * A send this replay made in an earlier run (resumed or retried), reported again so the report stays whole; not
     * counted again in the metrics.
     */
    void sentBefore(LoggedCommand c) {
        sent(c);
        sentBefore.add(c.idempotencyKey());
    }

    void suppressed(LoggedCommand c) {
        suppressed.add(c);
    }

    void correction(Correction c) {
        if (journal != null) {
            ObjectNode piece = JsonNodeFactory.instance.objectNode();
            piece.putArray("corrections").add(json(c));
            journal.record("correction-" + c.idempotencyKey(), piece);
        }
        corrections.add(c);
    }

    void predicted(Predicted p) {
        predicted.add(p);
    }

    void newSend(NewSend n) {
        newSends.add(n);
    }

    void liveQuery(LiveQuery q) {
        if (journal != null) {
            ObjectNode piece = JsonNodeFactory.instance.objectNode();
            piece.putArray("liveQueries").add(json(q));
            journal.record("query-" + q.eventId() + "-" + q.site().id() + "-" + q.requestHash(), piece);
        }
        liveQueries.add(q);
    }

    /** Counts what the gateway did in this report, per gateway: sends and corrections made now (not those of an earlier run), suppressed commands, live queries. */
    public void countInto(Metrics metrics) {
        for (LoggedCommand c : sent()) {
            if (!sentBefore.contains(c.idempotencyKey())) metrics.count(Metrics.GATEWAY_SENDS, c.site().gateway(), 1);
        }
        for (LoggedCommand c : suppressed()) metrics.count(Metrics.GATEWAY_SUPPRESSED, c.site().gateway(), 1);
        for (Correction c : corrections()) {
            if (!c.alreadySent()) metrics.count(Metrics.GATEWAY_CORRECTIONS, c.site().gateway(), 1);
        }
        for (LiveQuery q : liveQueries()) metrics.count(Metrics.GATEWAY_LIVE_QUERIES, q.site().gateway(), 1);
    }

    public List<LoggedCommand> sent() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    public List<LoggedCommand> suppressed() {
        synchronized (suppressed) {
            return List.copyOf(suppressed);
        }
    }

    public List<Correction> corrections() {
        synchronized (corrections) {
            return List.copyOf(corrections);
        }
    }

    public List<Predicted> predicted() {
        synchronized (predicted) {
            return List.copyOf(predicted);
        }
    }

    public List<NewSend> newSends() {
        synchronized (newSends) {
            return List.copyOf(newSends);
        }
    }

    public List<LiveQuery> liveQueries() {
        synchronized (liveQueries) {
            return List.copyOf(liveQueries);
        }
    }

    /** Whether nothing was sent, suppressed, corrected, predicted or asked live. */
    public boolean isEmpty() {
        return sent().isEmpty() && suppressed().isEmpty() && corrections().isEmpty() && liveQueries().isEmpty()
                && predicted().isEmpty() && newSends().isEmpty();
    }

    /**
     * How many suppressed commands a report lists with their event and command (all are counted; a full rebuild
     * suppresses every command ever sent, which a report need not repeat in full).
     */
    public static final int LISTED_SUPPRESSED = 1000;

    /** The report as JSON, for replay reports: counts, every correction and every flagged live query. */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("sent", sent().size());
        n.put("suppressed", suppressed().size());
        ArrayNode suppressedKeys = n.putArray("suppressedKeys");
        for (LoggedCommand c : suppressed()) suppressedKeys.add(c.idempotencyKey());
        ArrayNode suppressedList = n.putArray("suppressedCommands");
        for (LoggedCommand c : suppressed()) {
            if (suppressedList.size() < LISTED_SUPPRESSED) suppressedList.add(json(c));
        }
        ArrayNode sentList = n.putArray("sentCommands");
        for (LoggedCommand c : sent()) sentList.add(json(c));
        ArrayNode cs = n.putArray("corrections");
        for (Correction c : corrections()) cs.add(json(c));
        ArrayNode qs = n.putArray("liveQueries");
        for (LiveQuery q : liveQueries()) qs.add(json(q));
        if (!predicted().isEmpty()) {
            ArrayNode ps = n.putArray("predictedCorrections");
            for (Predicted p : predicted()) ps.add(times(json(p.correction()).put("aggregateId", p.aggregateId()), p.occurredAt(), p.recordedAt()));
        }
        if (!newSends().isEmpty()) {
            ArrayNode ns = n.putArray("newSends");
            for (NewSend c : newSends()) ns.add(times(json(c), c.occurredAt(), c.recordedAt()));
        }
        return n;
    }

    private static ObjectNode json(LoggedCommand c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("processor", c.processor()).put("eventId", c.eventId()).put("callSite", c.site().id())
                .put("disposition", c.disposition().name().toLowerCase()).put("idempotencyKey", c.idempotencyKey())
                .set("command", c.command());
        return o;
    }

    private static ObjectNode json(Correction c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("processor", c.processor()).put("eventId", c.eventId()).put("callSite", c.site().id()).put("key", c.key())
                .put("ordinal", c.ordinal()).put("idempotencyKey", c.idempotencyKey()).put("alreadySent", c.alreadySent());
        o.set("command", c.command());
        o.putArray("sent").addAll(c.sent());
        o.set("wanted", c.wanted() == null ? JsonNodeFactory.instance.nullNode() : c.wanted());
        return o;
    }

    private static ObjectNode times(ObjectNode o, java.time.Instant occurredAt, java.time.Instant recordedAt) {
        if (occurredAt != null) o.put("occurredAt", occurredAt.toString());
        if (recordedAt != null) o.put("recordedAt", recordedAt.toString());
        return o;
    }

    private static ObjectNode json(NewSend c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("processor", c.processor()).put("eventId", c.eventId()).put("aggregateId", c.aggregateId()).put("callSite", c.site().id())
                .put("ordinal", c.ordinal()).put("idempotencyKey", c.idempotencyKey())
                .set("command", c.command());
        return o;
    }

    private static ObjectNode json(LiveQuery q) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("processor", q.processor()).put("eventId", q.eventId()).put("callSite", q.site().id()).put("requestHash", q.requestHash());
        return o;
    }

    public static JsonNode empty() {
        return new GatewayReport().toJson();
    }

    /**
     * Several reports of one replay (per batch, per chunk; a redelivered batch's report may repeat
     * another's entries) as one: commands, suppressed commands and corrections once per idempotency key, a
     * correction counted as sent by the replay when any report sent it, live queries once each; the first
     * {@link #LISTED_SUPPRESSED} suppressed commands listed ({@code suppressedList}), all counted; a {@code predict}
     * run's predicted corrections and new sends once per idempotency key ({@code predictedCorrectionList},
     * {@code newSendList}).
     */
    public static ObjectNode merge(List<JsonNode> reports) {
        java.util.Map<String, JsonNode> sentByKey = new java.util.LinkedHashMap<>();
        java.util.Map<String, ObjectNode> correctionsByKey = new java.util.LinkedHashMap<>();
        java.util.Map<String, JsonNode> queries = new java.util.LinkedHashMap<>();
        java.util.Map<String, JsonNode> predictedByKey = new java.util.LinkedHashMap<>();
        java.util.Map<String, JsonNode> newSendsByKey = new java.util.LinkedHashMap<>();
        java.util.Set<String> suppressedKeys = new java.util.HashSet<>();
        java.util.Map<String, JsonNode> suppressedByKey = new java.util.LinkedHashMap<>();
        long suppressedUnkeyed = 0;
        for (JsonNode r : reports) {
            for (JsonNode c : r.path("suppressedCommands")) {
                if (suppressedByKey.size() < LISTED_SUPPRESSED) suppressedByKey.putIfAbsent(c.path("idempotencyKey").asText(), c);
            }
            if (r.has("suppressedKeys")) r.get("suppressedKeys").forEach(k -> suppressedKeys.add(k.asText()));
            else suppressedUnkeyed += r.path("suppressed").asLong();
            for (JsonNode c : r.path("sentCommands")) sentByKey.putIfAbsent(c.path("idempotencyKey").asText(), c);
            for (JsonNode c : r.path("corrections")) {
                ObjectNode seen = correctionsByKey.get(c.path("idempotencyKey").asText());
                if (seen == null) correctionsByKey.put(c.path("idempotencyKey").asText(), ((ObjectNode) c).deepCopy());
                else if (!c.path("alreadySent").asBoolean()) seen.put("alreadySent", false);
            }
            for (JsonNode c : r.path("predictedCorrections")) predictedByKey.putIfAbsent(c.path("idempotencyKey").asText(), c);
            for (JsonNode c : r.path("newSends")) newSendsByKey.putIfAbsent(c.path("idempotencyKey").asText(), c);
            for (JsonNode q : r.path("liveQueries")) {
                queries.putIfAbsent(q.path("eventId").asText() + "/" + q.path("callSite").asText() + "/" + q.path("requestHash").asText(), q);
            }
        }
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("sent", sentByKey.size());
        n.put("suppressed", suppressedKeys.size() + suppressedUnkeyed);
        n.put("corrections", correctionsByKey.size());
        n.put("liveQueries", queries.size());
        n.putArray("sentCommands").addAll(sentByKey.values());
        n.putArray("correctionList").addAll(new ArrayList<JsonNode>(correctionsByKey.values()));
        n.putArray("liveQueryList").addAll(queries.values());
        n.putArray("suppressedList").addAll(suppressedByKey.values());
        if (!predictedByKey.isEmpty() || !newSendsByKey.isEmpty()) {
            n.put("predictedCorrections", predictedByKey.size());
            n.put("newSends", newSendsByKey.size());
            n.putArray("predictedCorrectionList").addAll(predictedByKey.values());
            n.putArray("newSendList").addAll(newSendsByKey.values());
        }
        return n;
    }
}
