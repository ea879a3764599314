package dev.playback.tools.archive;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.replay.EventIndex;
import dev.playback.model.replay.TimeField;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Which aggregates an export takes, as a partial replay chooses them: by id, by event type and by a time window
 * ({@code [since, until)} on {@code timeField}), found through the event index; the ids given narrow what the index
 * found. No scope at all is the whole events table. Every event of each aggregate in scope is exported.
 */
public record ExportScope(List<String> aggregates, List<String> types, Instant since, Instant until, TimeField timeField) {
    public ExportScope {
        aggregates = List.copyOf(aggregates);
        types = List.copyOf(types);
        timeField = timeField == null ? TimeField.RECORDED_AT : timeField;
        if (until != null && since == null) throw new IllegalArgumentException("option --until needs --since");
        if (since != null && until != null && !since.isBefore(until)) {
            throw new IllegalArgumentException("option --since (" + since + ") must be before --until (" + until + ")");
        }
    }

    public static ExportScope whole() {
        return new ExportScope(List.of(), List.of(), null, null, null);
    }

    public boolean isWhole() {
        return aggregates.isEmpty() && types.isEmpty() && since == null;
    }

    /** The aggregates in scope, sorted: from the index (types, window), narrowed by the ids; the whole table from {@code all}. */
    public List<String> resolve(EventIndex index, Supplier<List<String>> all, Instant now) {
        if (isWhole()) return List.copyOf(new TreeSet<>(all.get()));
        Set<String> found = null;
        if (since != null) {
            found = new TreeSet<>(index.inWindow(timeField, since, until == null ? now : until, types));
        } else if (!types.isEmpty()) {
            found = new TreeSet<>(index.withTypes(types));
        }
        if (!aggregates.isEmpty()) {
            if (found == null) found = new TreeSet<>(aggregates);
            else found.retainAll(new LinkedHashSet<>(aggregates));
        }
        return new ArrayList<>(found);
    }

    public ObjectNode toJson() {
        ObjectNode n = ArchiveFormat.JSON.createObjectNode();
        n.put("whole", isWhole());
        n.set("aggregates", ArchiveFormat.JSON.valueToTree(aggregates));
        n.set("types", ArchiveFormat.JSON.valueToTree(types));
        if (since != null) n.put("since", since.toString());
        if (until != null) n.put("until", until.toString());
        n.put("timeField", timeField.wireName());
        return n;
    }
}
