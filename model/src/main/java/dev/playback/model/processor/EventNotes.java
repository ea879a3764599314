package dev.playback.model.processor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.StateStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * What the toolkit keeps outside a processor's state item about single events of an aggregate, for their reversal
 * ({@link Reversing}): the processor's note on how it applied the event ({@link Processor#note}, e.g. that a withdrawal
 * was declined) and the reversals of it that applied, in order. One small record per noted or reversed event, written
 * only for those: the state item stays the size the domain needs, whatever the aggregate's length.
 *
 * <p>{@link #in} keeps them in the data store beside the states, as items of the same processor and generation whose
 * aggregate id is {@code <aggregateId>#<eventId>} ({@code #} is never part of an aggregate id): they are built with the
 * generation, discarded with it, and never taken for an aggregate ({@link #isNote}).
 */
public interface EventNotes {
    /** The separator of a note's key; aggregate ids never hold it. */
    String SEPARATOR = "#";

    /** A reversal of the event that applied: its id and version. */
    record Reversal(String eventId, long version) {
        public Reversal {
            Objects.requireNonNull(eventId, "eventId");
        }
    }

    /**
     * @param note      the processor's note (null: it noted nothing)
     * @param reversals the reversals of this event that applied, oldest first
     */
    record Note(String eventId, long version, JsonNode note, List<Reversal> reversals) {
        public Note {
            Objects.requireNonNull(eventId, "eventId");
            reversals = List.copyOf(reversals);
        }

        public static Note empty(String eventId, long version) {
            return new Note(eventId, version, null, List.of());
        }

        public Note withNote(JsonNode note) {
            return new Note(eventId, version, note, reversals);
        }

        /** With {@code reversal} added (once: adding it again changes nothing). */
        public Note reversedBy(Reversal reversal) {
            if (reversals.stream().anyMatch(r -> r.eventId().equals(reversal.eventId()))) return this;
            List<Reversal> all = new ArrayList<>(reversals);
            all.add(reversal);
            return new Note(eventId, version, note, all);
        }
    }

    Optional<Note> find(String aggregateId, String eventId);

    /** Replaces the record of {@code eventId} (version {@code version}) by {@code change} of it (of an empty one when none). */
    void update(String aggregateId, String eventId, long version, UnaryOperator<Note> change);

    /** Whether a stored item's aggregate id is a note's, not an aggregate's. */
    static boolean isNote(String aggregateId) {
        return aggregateId.contains(SEPARATOR);
    }

    /** Notes kept in memory (a fold that saves nothing). */
    static EventNotes inMemory() {
        return new EventNotes() {
            private final Map<String, Note> notes = new ConcurrentHashMap<>();

            @Override
            public Optional<Note> find(String aggregateId, String eventId) {
                return Optional.ofNullable(notes.get(aggregateId + SEPARATOR + eventId));
            }

            @Override
            public void update(String aggregateId, String eventId, long version, UnaryOperator<Note> change) {
                notes.compute(aggregateId + SEPARATOR + eventId, (k, n) -> change.apply(n == null ? Note.empty(eventId, version) : n));
            }
        };
    }

    /** Reads {@code base}; what is written stays in memory (a fold computed for a comparison, not saved). */
    static EventNotes overlay(EventNotes base) {
        EventNotes written = inMemory();
        return new EventNotes() {
            @Override
            public Optional<Note> find(String aggregateId, String eventId) {
                Optional<Note> n = written.find(aggregateId, eventId);
                return n.isPresent() ? n : base.find(aggregateId, eventId);
            }

            @Override
            public void update(String aggregateId, String eventId, long version, UnaryOperator<Note> change) {
                Note current = find(aggregateId, eventId).orElseGet(() -> Note.empty(eventId, version));
                written.update(aggregateId, eventId, version, n -> change.apply(current));
            }
        };
    }

    /** Notes of {@code processor}'s {@code generation}, kept in {@code states} beside its states. */
    static EventNotes in(StateStore states, String processor, String generation) {
        return new EventNotes() {
            private static final int ATTEMPTS = 10;

            @Override
            public Optional<Note> find(String aggregateId, String eventId) {
                return states.load(processor, generation, aggregateId + SEPARATOR + eventId).map(s -> decode(s.state()));
            }

            @Override
            public void update(String aggregateId, String eventId, long version, UnaryOperator<Note> change) {
                String key = aggregateId + SEPARATOR + eventId;
                for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                    Optional<ProcessorState> stored = states.load(processor, generation, key);
                    Note current = stored.map(s -> decode(s.state())).orElseGet(() -> Note.empty(eventId, version));
                    Note next = change.apply(current);
                    if (stored.isPresent() && next.equals(current)) return;
                    if (states.save(new ProcessorState(processor, generation, key, version, encode(next)),
                            stored.map(ProcessorState::version).orElse(0L))) {
                        return;
                    }
                }
                throw new IllegalStateException("note of event " + eventId + " of " + aggregateId + " in " + processor + "/" + generation
                        + " kept changing under concurrent writers; gave up after " + ATTEMPTS + " attempts");
            }
        };
    }

    static ObjectNode encode(Note n) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("eventId", n.eventId()).put("version", n.version());
        if (n.note() != null) o.set("note", n.note());
        ArrayNode rs = o.putArray("reversals");
        for (Reversal r : n.reversals()) rs.addObject().put("eventId", r.eventId()).put("version", r.version());
        return o;
    }

    static Note decode(JsonNode o) {
        List<Reversal> rs = new ArrayList<>();
        for (JsonNode r : o.path("reversals")) rs.add(new Reversal(r.path("eventId").asText(), r.path("version").asLong()));
        JsonNode note = o.get("note");
        return new Note(o.path("eventId").asText(), o.path("version").asLong(), note == null || note.isNull() ? null : note, rs);
    }
}
