package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the gateway did during a run (a batch of a replay, or live processing): commands sent,
 * suppressed, corrections, and queries asked live during a replay (flagged). Thread-safe.
 */
public final class GatewayReport {
    /** A query a replay asked the external system because no answer was recorded. */
    public record LiveQuery(String processor, String eventId, CallSite site, String requestHash) {
    }

    private final List<LoggedCommand> sent = Collections.synchronizedList(new ArrayList<>());
    private final List<LoggedCommand> suppressed = Collections.synchronizedList(new ArrayList<>());
    private final List<Correction> corrections = Collections.synchronizedList(new ArrayList<>());
    private final List<LiveQuery> liveQueries = Collections.synchronizedList(new ArrayList<>());

    void sent(LoggedCommand c) {
        sent.add(c);
    }

    void suppressed(LoggedCommand c) {
        suppressed.add(c);
    }

    void correction(Correction c) {
        corrections.add(c);
    }

    void liveQuery(LiveQuery q) {
        liveQueries.add(q);
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

    public List<LiveQuery> liveQueries() {
        synchronized (liveQueries) {
            return List.copyOf(liveQueries);
        }
    }

    /** The report as JSON, for replay reports: counts, every correction and every flagged live query. */
    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("sent", sent().size());
        n.put("suppressed", suppressed().size());
        ArrayNode sentList = n.putArray("sentCommands");
        for (LoggedCommand c : sent()) {
            sentList.addObject().put("processor", c.processor()).put("eventId", c.eventId()).put("callSite", c.site().id())
                    .put("disposition", c.disposition().name().toLowerCase()).put("idempotencyKey", c.idempotencyKey())
                    .set("command", c.command());
        }
        ArrayNode cs = n.putArray("corrections");
        for (Correction c : corrections()) {
            ObjectNode o = cs.addObject();
            o.put("processor", c.processor()).put("eventId", c.eventId()).put("callSite", c.site().id()).put("key", c.key())
                    .put("ordinal", c.ordinal()).put("idempotencyKey", c.idempotencyKey()).put("alreadySent", c.alreadySent());
            o.set("command", c.command());
        }
        ArrayNode qs = n.putArray("liveQueries");
        for (LiveQuery q : liveQueries()) {
            qs.addObject().put("processor", q.processor()).put("eventId", q.eventId()).put("callSite", q.site().id())
                    .put("requestHash", q.requestHash());
        }
        return n;
    }

    public static JsonNode empty() {
        return new GatewayReport().toJson();
    }
}
