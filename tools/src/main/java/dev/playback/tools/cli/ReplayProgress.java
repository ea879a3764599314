package dev.playback.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A replay as its records in the data table show it: the replay record {@code replay#<id>}, the segment
 * checkpoints {@code replay#<id>#segment#<n>} and what the projection applied
 * (per processor: {@code replay#<id>#applied#<processor>#<shardId>} and the counter {@code replay#<id>#applied#<processor>}). Read with consistent GetItems only
 * (no Scan of the data table).
 */
public record ReplayProgress(String replayId, boolean exists, String kind, String status, String generation,
                             List<String> processors, int segments, int batchSize, String startedAt, String detail,
                             long published, long batches, int segmentsDone, long applied, List<Segment> checkpoints,
                             Map<String, AttributeValue> record) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One segment's checkpoint. */
    public record Segment(int segment, long published, long batches, boolean done, boolean started) {
    }

    public boolean finished() {
        return "SUCCEEDED".equals(status) || "FAILED".equals(status);
    }

    public static ReplayProgress read(DynamoDbClient dynamo, String dataTable, String replayId) {
        Optional<Map<String, AttributeValue>> rec = get(dynamo, dataTable, "replay#" + replayId);
        if (rec.isEmpty()) {
            return new ReplayProgress(replayId, false, null, null, null, List.of(), 0, 0, null, null, 0, 0, 0, 0, List.of(), Map.of());
        }
        Map<String, AttributeValue> r = rec.get();
        int segments = num(r, "segments").orElse(0L).intValue();
        List<Segment> cps = new ArrayList<>();
        long published = 0, batches = 0;
        int done = 0;
        for (int n = 0; n < segments; n++) {
            Optional<Map<String, AttributeValue>> cp = get(dynamo, dataTable, "replay#" + replayId + "#segment#" + n);
            if (cp.isEmpty()) {
                cps.add(new Segment(n, 0, 0, false, false));
                continue;
            }
            Map<String, AttributeValue> c = cp.get();
            long p = num(c, "published").orElse(0L);
            long b = num(c, "batches").orElse(0L);
            boolean d = bool(c, "done");
            cps.add(new Segment(n, p, b, d, true));
            published += p;
            batches += b;
            if (d) done++;
        }
        long applied = appliedCount(dynamo, dataTable, replayId, r);
        return new ReplayProgress(replayId, true, str(r, "kind"), str(r, "status"), str(r, "generation"), strings(r.get("processors")),
                segments, num(r, "batchSize").orElse(0L).intValue(), str(r, "startedAt"), str(r, "detail"), published, batches, done,
                applied, cps, r);
    }

    /** The events applied by the slowest of the replay's processors (each counts in {@code replay#<id>#applied#<processor>}). */
    private static long appliedCount(DynamoDbClient dynamo, String table, String id, Map<String, AttributeValue> record) {
        long least = Long.MAX_VALUE;
        for (String processor : strings(record.get("processors"))) {
            long n = get(dynamo, table, "replay#" + id + "#applied#" + processor).flatMap(c -> num(c, "count")).orElse(0L);
            least = Math.min(least, n);
        }
        return least == Long.MAX_VALUE ? 0 : least;
    }

    static Optional<Map<String, AttributeValue>> get(DynamoDbClient dynamo, String table, String pk) {
        var r = dynamo.getItem(g -> g.tableName(table).consistentRead(true).key(Map.of("pk", AttributeValue.builder().s(pk).build())));
        return r.hasItem() && !r.item().isEmpty() ? Optional.of(r.item()) : Optional.empty();
    }

    static Optional<Long> num(Map<String, AttributeValue> item, String... names) {
        for (String name : names) {
            AttributeValue v = item.get(name);
            if (v == null) continue;
            try {
                if (v.n() != null) return Optional.of(new java.math.BigDecimal(v.n()).longValue());
                if (v.s() != null) return Optional.of(Long.parseLong(v.s()));
            } catch (NumberFormatException ignored) {
                // not a count: try the next name
            }
        }
        return Optional.empty();
    }

    static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null) return null;
        if (v.s() != null) return v.s();
        if (v.n() != null) return v.n();
        if (v.bool() != null) return v.bool().toString();
        return null;
    }

    static boolean bool(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        if (v == null) return false;
        if (v.bool() != null) return v.bool();
        return "true".equalsIgnoreCase(v.s());
    }

    static List<String> strings(AttributeValue v) {
        if (v == null) return List.of();
        if (v.hasSs()) return v.ss();
        if (v.hasL()) return v.l().stream().map(AttributeValue::s).toList();
        if (v.s() != null) {
            if (v.s().startsWith("[")) {
                try {
                    List<String> out = new ArrayList<>();
                    JSON.readTree(v.s()).forEach(n -> out.add(n.asText()));
                    return out;
                } catch (Exception e) {
                    return List.of(v.s());
                }
            }
            return List.of(v.s().split(","));
        }
        return List.of();
    }

    /** The replay record and checkpoints as JSON (every attribute of the record, counters summed). */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("replayId", replayId);
        n.put("found", exists);
        if (!exists) return n;
        ObjectNode rec = n.putObject("record");
        record.forEach((k, v) -> rec.set(k, toJson(v)));
        n.put("published", published);
        n.put("applied", applied);
        n.put("batches", batches);
        n.put("segmentsDone", segmentsDone);
        var arr = n.putArray("checkpoints");
        for (Segment s : checkpoints) {
            arr.addObject().put("segment", s.segment()).put("published", s.published()).put("batches", s.batches())
                    .put("done", s.done()).put("started", s.started());
        }
        return n;
    }

    static JsonNode toJson(AttributeValue v) {
        if (v.s() != null) return JSON.getNodeFactory().textNode(v.s());
        if (v.n() != null) return JSON.getNodeFactory().numberNode(new java.math.BigDecimal(v.n()));
        if (v.bool() != null) return JSON.getNodeFactory().booleanNode(v.bool());
        if (Boolean.TRUE.equals(v.nul())) return JSON.getNodeFactory().nullNode();
        if (v.hasSs()) {
            var a = JSON.createArrayNode();
            v.ss().forEach(a::add);
            return a;
        }
        if (v.hasNs()) {
            var a = JSON.createArrayNode();
            v.ns().forEach(x -> a.add(new java.math.BigDecimal(x)));
            return a;
        }
        if (v.hasL()) {
            var a = JSON.createArrayNode();
            v.l().forEach(x -> a.add(toJson(x)));
            return a;
        }
        if (v.hasM()) {
            ObjectNode o = JSON.createObjectNode();
            v.m().forEach((k, x) -> o.set(k, toJson(x)));
            return o;
        }
        return JSON.getNodeFactory().textNode(String.valueOf(v));
    }

}
