package dev.playback.lambdas.aws.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.CommandLog;
import dev.playback.model.gateway.Disposition;
import dev.playback.model.gateway.LoggedCommand;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command log in the data table, one item per entry: entry {@code n} (0, 1, 2, …) of what {@code processor}
 * logged for event {@code eventId} is the item {@code pk = cmd#<processor>#<eventId>#<n>}, holding
 * {@code {processor, eventId, slot, callSite, ordinal, disposition, idempotencyKey, replayId?, command}}. An event's
 * entries are read with consistent BatchGetItems of consecutive slots up to the first empty one; an entry is appended
 * with a conditional put ({@code attribute_not_exists(pk)}) into the first empty slot, and a writer that loses a slot
 * to another reads again (and stops if its entry is there). No item grows: an event can be logged any number of
 * times (the data table has only a partition key, so a Query cannot read one partition's items).
 * <p>
 * Entries logged before this layout (one item {@code cmd#<processor>#<eventId>} holding all of them as a JSON array
 * {@code entries}, with a {@code version}) are still read, first; that item is never written again.
 */
public final class DynamoCommandLog implements CommandLog {
    private static final int MAX_ATTEMPTS = 50;
    /**
     * Slots asked for in the first read of an event: a sent command takes two entries (pending, then sent), so an
     * event sent live is read at once with its first empty slot; later reads ask for more. Kept small: a key asked
     * for that is not there costs a read unit too.
     */
    private static final int FIRST_READ = 3;
    private static final int MAX_BATCH = 100;
    /** Events whose legacy item and first slots fit one BatchGetItem. */
    private static final int EVENTS_PER_READ = MAX_BATCH / (FIRST_READ + 1);

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoCommandLog(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** The item of the layout before one item per entry: all entries of the event in one JSON array (read only). */
    static String legacyKey(String processor, String eventId) {
        return "cmd#" + processor + "#" + eventId;
    }

    static String slotKey(String processor, String eventId, int slot) {
        return legacyKey(processor, eventId) + "#" + slot;
    }

    private record Stored(List<LoggedCommand> entries, int slots) {
    }

    @Override
    public List<LoggedCommand> forEvent(String processor, String eventId) {
        return load(processor, eventId).entries();
    }

    private Stored load(String processor, String eventId) {
        List<LoggedCommand> entries = new ArrayList<>();
        Map<String, Map<String, AttributeValue>> first = get(processor, eventId, 0, FIRST_READ, true);
        Map<String, AttributeValue> legacy = first.get(legacyKey(processor, eventId));
        if (legacy != null) entries.addAll(legacyEntries(processor, eventId, legacy));
        int slots = 0;
        Map<String, Map<String, AttributeValue>> page = first;
        int pageEnd = FIRST_READ;
        while (true) {
            while (slots < pageEnd && page.containsKey(slotKey(processor, eventId, slots))) {
                entries.add(entry(processor, eventId, page.get(slotKey(processor, eventId, slots))));
                slots++;
            }
            if (slots < pageEnd) return new Stored(entries, slots);
            int size = Math.min(MAX_BATCH, slots);
            page = get(processor, eventId, slots, size, false);
            pageEnd = slots + size;
        }
    }

    /** Slots {@code from} to {@code from + count - 1} (and the legacy item), consistently, by key. */
    private Map<String, Map<String, AttributeValue>> get(String processor, String eventId, int from, int count, boolean withLegacy) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        if (withLegacy) keys.add(Map.of("pk", AttributeValue.fromS(legacyKey(processor, eventId))));
        for (int i = from; i < from + count; i++) keys.add(Map.of("pk", AttributeValue.fromS(slotKey(processor, eventId, i))));
        return get(keys, legacyKey(processor, eventId));
    }

    /**
     * The entries of many events of {@code processor}, by event id (an event without entries maps to an empty list):
     * the first slots and the legacy item of {@value #EVENTS_PER_READ} events per BatchGetItem, then, for an event whose
     * first slots are all taken, its further slots as {@link #forEvent} reads them. For reading a whole history (an
     * export) without one request per event.
     */
    public Map<String, List<LoggedCommand>> forEvents(String processor, java.util.Collection<String> eventIds) {
        List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(eventIds));
        Map<String, List<LoggedCommand>> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i += EVENTS_PER_READ) {
            List<String> chunk = ids.subList(i, Math.min(ids.size(), i + EVENTS_PER_READ));
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (String id : chunk) {
                keys.add(Map.of("pk", AttributeValue.fromS(legacyKey(processor, id))));
                for (int slot = 0; slot < FIRST_READ; slot++) keys.add(Map.of("pk", AttributeValue.fromS(slotKey(processor, id, slot))));
            }
            Map<String, Map<String, AttributeValue>> page = get(keys, "cmd#" + processor + "# of " + chunk.size() + " events");
            for (String id : chunk) {
                if (page.containsKey(slotKey(processor, id, FIRST_READ - 1))) {
                    out.put(id, load(processor, id).entries());
                    continue;
                }
                List<LoggedCommand> entries = new ArrayList<>();
                Map<String, AttributeValue> legacy = page.get(legacyKey(processor, id));
                if (legacy != null) entries.addAll(legacyEntries(processor, id, legacy));
                for (int slot = 0; page.containsKey(slotKey(processor, id, slot)); slot++) {
                    entries.add(entry(processor, id, page.get(slotKey(processor, id, slot))));
                }
                out.put(id, entries);
            }
        }
        return out;
    }

    /** The items of {@code keys} (at most {@value #MAX_BATCH}), consistently, by key; {@code what} names them in errors. */
    private Map<String, Map<String, AttributeValue>> get(List<Map<String, AttributeValue>> keys, String what) {
        Map<String, Map<String, AttributeValue>> out = new HashMap<>();
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
        for (int attempt = 0; !request.isEmpty(); attempt++) {
            if (attempt >= MAX_ATTEMPTS) {
                throw new IllegalStateException("command log of " + what + ": BatchGetItem left keys unprocessed "
                        + MAX_ATTEMPTS + " times");
            }
            Map<String, KeysAndAttributes> ask = request;
            BatchGetItemResponse r = dynamo.batchGetItem(b -> b.requestItems(ask));
            for (Map<String, AttributeValue> item : r.responses().getOrDefault(table, List.of())) out.put(item.get("pk").s(), item);
            request = r.hasUnprocessedKeys() ? r.unprocessedKeys() : Map.of();
            if (!request.isEmpty()) backOff(attempt);
        }
        return out;
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(Math.min(1000, 10L << Math.min(attempt, 6)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the command log", e);
        }
    }

    private static LoggedCommand entry(String processor, String eventId, Map<String, AttributeValue> item) {
        String pk = item.get("pk").s();
        try {
            return new LoggedCommand(processor, eventId, CallSite.parse(item.get("callSite").s()), Integer.parseInt(item.get("ordinal").n()),
                    Disposition.valueOf(item.get("disposition").s()), EventCodec.JSON.readTree(item.get("command").s()),
                    item.get("idempotencyKey").s(), item.containsKey("replayId") ? item.get("replayId").s() : null);
        } catch (IOException ex) {
            throw new UncheckedIOException("command log item " + pk + ": command is not JSON", ex);
        } catch (RuntimeException ex) {
            throw new IllegalStateException("command log item " + pk + " is not a log entry: " + ex.getMessage(), ex);
        }
    }

    private static List<LoggedCommand> legacyEntries(String processor, String eventId, Map<String, AttributeValue> item) {
        List<LoggedCommand> entries = new ArrayList<>();
        try {
            for (JsonNode e : EventCodec.JSON.readTree(item.get("entries").s())) {
                entries.add(new LoggedCommand(processor, eventId, CallSite.parse(e.path("callSite").asText()), e.path("ordinal").asInt(),
                        Disposition.valueOf(e.path("disposition").asText()), e.get("command"), e.path("idempotencyKey").asText(),
                        e.path("replayId").textValue()));
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("command log item " + legacyKey(processor, eventId) + " is not JSON", ex);
        }
        return entries;
    }

    @Override
    public LoggedCommand append(LoggedCommand entry) {
        String command;
        try {
            command = EventCodec.JSON.writeValueAsString(entry.command());
        } catch (IOException e) {
            throw new UncheckedIOException("command of " + entry.idempotencyKey() + " cannot be written as JSON", e);
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Stored stored = load(entry.processor(), entry.eventId());
            Optional<LoggedCommand> kept = stored.entries().stream().filter(e -> e.entryId().equals(entry.entryId())).findFirst();
            if (kept.isPresent()) return kept.get();
            int slot = stored.slots();
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("pk", AttributeValue.fromS(slotKey(entry.processor(), entry.eventId(), slot)));
            item.put("processor", AttributeValue.fromS(entry.processor()));
            item.put("eventId", AttributeValue.fromS(entry.eventId()));
            item.put("slot", AttributeValue.fromN(Integer.toString(slot)));
            item.put("callSite", AttributeValue.fromS(entry.site().id()));
            item.put("ordinal", AttributeValue.fromN(Integer.toString(entry.ordinal())));
            item.put("disposition", AttributeValue.fromS(entry.disposition().name()));
            item.put("idempotencyKey", AttributeValue.fromS(entry.idempotencyKey()));
            if (entry.replayId() != null) item.put("replayId", AttributeValue.fromS(entry.replayId()));
            item.put("command", AttributeValue.fromS(command));
            try {
                dynamo.putItem(p -> p.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
                return entry;
            } catch (ConditionalCheckFailedException e) {
                // another writer took the slot: read again (it may have appended this very entry)
            }
        }
        throw new IllegalStateException("command log of " + legacyKey(entry.processor(), entry.eventId())
                + ": every free slot was taken by concurrent writers; gave up after " + MAX_ATTEMPTS + " attempts");
    }
}
