package dev.playback.lambdas.aws.dynamodb;

import dev.playback.model.store.ForwardingStateStore;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.StateStore;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * A {@link StateStore} that counts, per processor (and group of aggregates), the state items it writes and reads and
 * what DynamoDB charges for them ({@link CapacityUnits}), from the size of each item as the store below writes it
 * ({@link StateStore#itemBytes}): every save is a write charged by its item's size, a refused conditional one included
 * (DynamoDB charges those too); every state read a strongly consistent read charged by its size, an aggregate asked
 * for without a state one read unit. Control records and deletions are not counted. The benchmarks wrap the data store
 * of every processor function with one, all counting into one {@link Tally}.
 */
public final class CountingStateStore extends ForwardingStateStore {
    /** What one processor's states of one group cost since the tally was made or {@link Tally#reset}. */
    public record Counts(long writes, long writeUnits, long writtenBytes, long largestItemBytes, long reads, double readUnits) {
    }

    /** The counts of one processor and group of aggregates. */
    public record Key(String processor, String group) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = processor.compareTo(o.processor);
            return c != 0 ? c : group.compareTo(o.group);
        }
    }

    /** Counts shared by several counting stores; aggregates are grouped by {@code group} (their id to a group name). */
    public static final class Tally {
        private final Function<String, String> group;
        private final Map<Key, Counter> counters = new ConcurrentHashMap<>();

        public Tally(Function<String, String> group) {
            this.group = group;
        }

        /** One group for every aggregate, named {@code ""}. */
        public Tally() {
            this(id -> "");
        }

        /** {@code store}, counted into this tally. */
        public CountingStateStore counting(StateStore store) {
            return new CountingStateStore(store, this);
        }

        private Counter of(String processor, String aggregateId) {
            return counters.computeIfAbsent(new Key(processor, group.apply(aggregateId)), k -> new Counter());
        }

        /** The counts per processor and group. */
        public Map<Key, Counts> counts() {
            Map<Key, Counts> out = new TreeMap<>();
            counters.forEach((k, c) -> out.put(k, new Counts(c.writes.sum(), c.writeUnits.sum(), c.writtenBytes.sum(), c.largest.get(),
                    c.reads.sum(), c.readUnits.sum())));
            return out;
        }

        /** Starts the counts again from zero. */
        public void reset() {
            counters.clear();
        }
    }

    private static final class Counter {
        final LongAdder writes = new LongAdder();
        final LongAdder writeUnits = new LongAdder();
        final LongAdder writtenBytes = new LongAdder();
        final AtomicLong largest = new AtomicLong();
        final LongAdder reads = new LongAdder();
        final DoubleAdder readUnits = new DoubleAdder();
    }

    private final Tally tally;

    private CountingStateStore(StateStore next, Tally tally) {
        super(next);
        this.tally = tally;
    }

    private void wrote(ProcessorState state) {
        long bytes = next.itemBytes(state);
        Counter c = tally.of(state.processor(), state.aggregateId());
        c.writes.increment();
        c.writeUnits.add(CapacityUnits.write(bytes));
        c.writtenBytes.add(bytes);
        c.largest.accumulateAndGet(bytes, Math::max);
    }

    private void read(String processor, String aggregateId, Optional<ProcessorState> state) {
        Counter c = tally.of(processor, aggregateId);
        c.reads.increment();
        c.readUnits.add(state.map(s -> CapacityUnits.read(next.itemBytes(s), true)).orElse(1.0));
    }

    @Override
    public boolean save(ProcessorState state, long expectedVersion) {
        wrote(state);
        return next.save(state, expectedVersion);
    }

    @Override
    public Optional<Revision> saveRevision(ProcessorState state, long expectedVersion, String expectedToken) {
        wrote(state);
        return next.saveRevision(state, expectedVersion, expectedToken);
    }

    @Override
    public Optional<ProcessorState> load(String processor, String generation, String aggregateId) {
        Optional<ProcessorState> s = next.load(processor, generation, aggregateId);
        read(processor, aggregateId, s);
        return s;
    }

    @Override
    public Optional<Revision> loadRevision(String processor, String generation, String aggregateId) {
        Optional<Revision> r = next.loadRevision(processor, generation, aggregateId);
        read(processor, aggregateId, r.map(Revision::state));
        return r;
    }

    @Override
    public Map<String, ProcessorState> loadAll(String processor, String generation, Collection<String> aggregateIds) {
        Map<String, ProcessorState> states = next.loadAll(processor, generation, aggregateIds);
        for (String id : new java.util.LinkedHashSet<>(aggregateIds)) read(processor, id, Optional.ofNullable(states.get(id)));
        return states;
    }

    @Override
    public Map<String, Revision> loadAllRevisions(String processor, String generation, Collection<String> aggregateIds) {
        Map<String, Revision> revisions = next.loadAllRevisions(processor, generation, aggregateIds);
        for (String id : new java.util.LinkedHashSet<>(aggregateIds)) {
            read(processor, id, Optional.ofNullable(revisions.get(id)).map(Revision::state));
        }
        return revisions;
    }
}
