package dev.playback.tools.whatif;

import com.fasterxml.jackson.databind.JsonNode;

import dev.playback.model.replay.TimeField;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a what-if found: the aggregates its shadow generation read, those whose state would change, the corrections a
 * {@code diff} replay would send, the commands an {@code allow:} replay would send for the first time, and the queries
 * that have no record. Read from a verification in gateway mode {@code predict}: its drift report (shadow against the
 * serving generation) and its merged gateway report.
 */
public record WhatIfReport(String replayId, List<String> processors, long aggregatesRead, List<ChangedAggregate> changedAggregates,
                           List<PredictedCorrection> corrections, List<NewSend> newSends, List<MissingQuery> queriesWithoutRecord) {
    public WhatIfReport {
        processors = List.copyOf(processors);
        changedAggregates = List.copyOf(changedAggregates);
        corrections = List.copyOf(corrections);
        newSends = List.copyOf(newSends);
        queriesWithoutRecord = List.copyOf(queriesWithoutRecord);
    }

    /** An aggregate whose state differs between the serving generation ({@code before}) and the shadow ({@code after}). */
    public record ChangedAggregate(String processor, String aggregateId, List<String> changedFields, JsonNode before, JsonNode after) {
        public ChangedAggregate {
            changedFields = List.copyOf(changedFields);
        }
    }

    /**
     * A correction a {@code diff} replay would send: {@code before} what reached the external system for its effect
     * (oldest first), {@code after} what the new logic wants (null: the effect should no longer exist), {@code command}
     * the correction itself, sent under {@code idempotencyKey}.
     */
    public record PredictedCorrection(String processor, String eventId, String aggregateId, String gateway, String callSite, String key,
                                      List<JsonNode> before, JsonNode after, JsonNode command, String idempotencyKey,
                                      Instant occurredAt, Instant recordedAt) {
        public PredictedCorrection {
            before = List.copyOf(before);
        }
    }

    /** A command an {@code allow:<gateway>} replay would send for the first time. */
    public record NewSend(String processor, String eventId, String aggregateId, String gateway, String callSite, JsonNode command,
                          String idempotencyKey, Instant occurredAt, Instant recordedAt) {
    }

    /** A query whose answer is not recorded: a {@code diff} replay with missing records {@code fail} stops on it. */
    public record MissingQuery(String processor, String eventId, String callSite, String requestHash) {
    }

    /**
     * Corrections of one gateway in one currency: how many and the sum of their {@code amount} fields (null when a
     * command of the group has no decimal {@code amount}). Commands without a {@code currency} field count under "".
     */
    public record Total(String gateway, String currency, int corrections, BigDecimal amount) {
    }

    /** The corrections per gateway and currency, sorted by both. */
    public List<Total> totals() {
        Map<String, Map<String, List<PredictedCorrection>>> groups = new TreeMap<>();
        for (PredictedCorrection c : corrections) {
            groups.computeIfAbsent(c.gateway(), g -> new TreeMap<>()).computeIfAbsent(c.command().path("currency").asText(""),
                    k -> new ArrayList<>()).add(c);
        }
        List<Total> out = new ArrayList<>();
        groups.forEach((gateway, byCurrency) -> byCurrency.forEach((currency, list) -> {
            BigDecimal sum = BigDecimal.ZERO;
            for (PredictedCorrection c : list) {
                BigDecimal a = amount(c.command());
                if (a == null) {
                    sum = null;
                    break;
                }
                sum = sum.add(a);
            }
            out.add(new Total(gateway, currency, list.size(), sum));
        }));
        return out;
    }

    /** A command's {@code amount} as a decimal, or null when it has none. */
    static BigDecimal amount(JsonNode command) {
        JsonNode a = command == null ? null : command.get("amount");
        if (a == null || !(a.isTextual() || a.isNumber())) return null;
        try {
            return new BigDecimal(a.asText());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * What a {@code diff} partial replay of a scope would do: the changes and effects of the {@code aggregates} it
     * rebuilds, the effects only of events whose time ({@code timeField}) lies in {@code [since, until)} when a window is
     * given (since null: no window).
     */
    public WhatIfReport within(Set<String> aggregates, TimeField timeField, Instant since, Instant until) {
        java.util.function.BiPredicate<Instant, Instant> inWindow = (occurredAt, recordedAt) -> {
            if (since == null) return true;
            Instant t = timeField == TimeField.OCCURRED_AT ? occurredAt : recordedAt;
            return t != null && !t.isBefore(since) && t.isBefore(until);
        };
        return new WhatIfReport(replayId, processors, aggregatesRead,
                changedAggregates.stream().filter(a -> aggregates.contains(a.aggregateId())).toList(),
                corrections.stream().filter(c -> aggregates.contains(c.aggregateId()) && inWindow.test(c.occurredAt(), c.recordedAt())).toList(),
                newSends.stream().filter(c -> aggregates.contains(c.aggregateId()) && inWindow.test(c.occurredAt(), c.recordedAt())).toList(),
                queriesWithoutRecord);
    }

    private static Instant instant(JsonNode n, String field) {
        return n.hasNonNull(field) ? Instant.parse(n.get(field).asText()) : null;
    }

    /**
     * Reads a verification's reports: {@code verify} its drift report ({@code reports/verify/<id>.json}: {@code compared},
     * {@code aggregates} with {@code live} and {@code rebuilt}), {@code gateway} its merged gateway report (null when none
     * of its processors has external effects). A drift of a snapshot against its fold is not a change a fix makes and is
     * left out.
     */
    public static WhatIfReport read(String replayId, List<String> processors, JsonNode verify, JsonNode gateway) {
        List<ChangedAggregate> changed = new ArrayList<>();
        for (JsonNode a : verify.path("aggregates")) {
            if (a.has("snapshot")) continue;
            JsonNode before = a.path("live").isMissingNode() ? null : a.get("live");
            JsonNode after = a.path("rebuilt").isMissingNode() ? null : a.get("rebuilt");
            changed.add(new ChangedAggregate(a.path("processor").asText(), a.path("aggregateId").asText(), changedFields(before, after),
                    nullIfJsonNull(before), nullIfJsonNull(after)));
        }
        List<PredictedCorrection> corrections = new ArrayList<>();
        List<NewSend> newSends = new ArrayList<>();
        List<MissingQuery> missing = new ArrayList<>();
        if (gateway != null) {
            for (JsonNode c : gateway.path("predictedCorrectionList")) {
                List<JsonNode> sent = new ArrayList<>();
                c.path("sent").forEach(sent::add);
                String site = c.path("callSite").asText();
                corrections.add(new PredictedCorrection(c.path("processor").asText(), c.path("eventId").asText(), c.path("aggregateId").asText(),
                        gatewayOf(site), site, c.path("key").asText(), sent, nullIfJsonNull(c.get("wanted")), c.get("command"),
                        c.path("idempotencyKey").asText(), instant(c, "occurredAt"), instant(c, "recordedAt")));
            }
            for (JsonNode c : gateway.path("newSendList")) {
                String site = c.path("callSite").asText();
                newSends.add(new NewSend(c.path("processor").asText(), c.path("eventId").asText(), c.path("aggregateId").asText(),
                        gatewayOf(site), site, c.get("command"), c.path("idempotencyKey").asText(), instant(c, "occurredAt"),
                        instant(c, "recordedAt")));
            }
            for (JsonNode q : gateway.path("liveQueryList")) {
                missing.add(new MissingQuery(q.path("processor").asText(), q.path("eventId").asText(), q.path("callSite").asText(),
                        q.path("requestHash").asText()));
            }
        }
        return new WhatIfReport(replayId, processors, verify.path("compared").asLong(), changed, corrections, newSends, missing);
    }

    /** {@code bank.payout} → {@code bank}. */
    static String gatewayOf(String callSite) {
        int dot = callSite.indexOf('.');
        return dot < 0 ? callSite : callSite.substring(0, dot);
    }

    private static JsonNode nullIfJsonNull(JsonNode n) {
        return n == null || n.isNull() ? null : n;
    }

    /**
     * The fields that differ, as dotted paths into objects (an array or a value is compared whole): {@code ["fees",
     * "payouts"]}; {@code ["(state)"]} when one side has no state.
     */
    static List<String> changedFields(JsonNode before, JsonNode after) {
        before = nullIfJsonNull(before);
        after = nullIfJsonNull(after);
        if (before == null || after == null) return before == after ? List.of() : List.of("(state)");
        Set<String> out = new TreeSet<>();
        collect("", before, after, out);
        return List.copyOf(out);
    }

    private static void collect(String prefix, JsonNode before, JsonNode after, Set<String> out) {
        if (before != null && after != null && before.isObject() && after.isObject()) {
            Set<String> names = new TreeSet<>();
            before.fieldNames().forEachRemaining(names::add);
            after.fieldNames().forEachRemaining(names::add);
            for (String name : names) collect(prefix.isEmpty() ? name : prefix + "." + name, before.get(name), after.get(name), out);
            return;
        }
        if (!same(before, after)) out.add(prefix.isEmpty() ? "(state)" : prefix);
    }

    /** Equal as JSON, numbers compared by value (1 and 1.0 are the same amount). */
    private static boolean same(JsonNode a, JsonNode b) {
        if (a == null || b == null) return a == b;
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) return false;
            for (int i = 0; i < a.size(); i++) if (!same(a.get(i), b.get(i))) return false;
            return true;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) return false;
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!same(a.get(f), b.get(f))) return false;
            }
            return true;
        }
        return a.equals(b);
    }
}
