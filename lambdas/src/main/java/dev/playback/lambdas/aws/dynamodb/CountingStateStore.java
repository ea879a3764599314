package dev.playback.lambdas.aws.dynamodb;

import dev.playback.model.store.ForwardingStateStore;
import dev.playback.model.store.ProcessorState;
import dev.playback.model.store.StateStore;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link StateStore} that counts, per processor, the state items it writes and reads and what DynamoDB charges for
 * them ({@link CapacityUnits}), from the size of each item as the store below writes it ({@link StateStore#itemBytes}):
 * every save is a write charged by its item's size, a refused conditional one included (DynamoDB charges those too); every
 * state read a strongly consistent read charged by its size, an aggregate asked for without a state one read unit.
 * Control records and deletions are not counted. The benchmarks wrap the data store with it.
 */
public final class CountingStateStore extends ForwardingStateStore {
    /** What one processor's states cost since the counts were made or {@link #reset}. */
    public record Counts(long writes, long writeUnits, long writtenBytes, long largestItemBytes, long reads, double readUnits) {
    }

    private static final class Counter {
        final LongAdder writes = new LongAdder();
        final LongAdder writeUnits = new LongAdder();
        final LongAdder writtenBytes = new LongAdder();
        final java.util.concurrent.atomic.AtomicLong largest = new java.util.concurrent.atomic.AtomicLong();
        final LongAdder reads = new LongAdder();
        final java.util.concurrent.atomic.DoubleAdder readUnits = new java.util.concurrent.atomic.DoubleAdder();
    }

    private final Map<String, Counter> counters;

    public CountingStateStore(StateStore next) {
        this(next, new ConcurrentHashMap<>());
    }

    private CountingStateStore(StateStore next, Map<String, Counter> counters) {
        super(next);
        this.counters = counters;
    }

    /** Another store counted into the same counts as this one (several functions' data stores, one tally). */
    public CountingStateStore sharing(StateStore other) {
        return new CountingStateStore(other, counters);
    }

    private Counter of(String processor) {
        return counters.computeIfAbsent(processor, k -> new Counter());
    }

    /** The counts per processor, by name. */
    public Map<String, Counts> counts() {
        Map<String, Counts> out = new TreeMap<>();
        counters.forEach((p, c) -> out.put(p, new Counts(c.writes.sum(), c.writeUnits.sum(), c.writtenBytes.sum(), c.largest.get(),
                c.reads.sum(), c.readUnits.sum())));
        return out;
    }

    /** Starts the counts again from zero. */
    public void reset() {
        counters.clear();
    }

    private void wrote(ProcessorState state) {
        long bytes = next.itemBytes(state);
        Counter c = of(state.processor());
        c.writes.increment();
        c.writeUnits.add(CapacityUnits.write(bytes));
        c.writtenBytes.add(bytes);
        c.largest.accumulateAndGet(bytes, Math::max);
    }

    private void read(String processor, Optional<ProcessorState> state) {
        Counter c = of(processor);
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
        read(processor, s);
        return s;
    }

    @Override
    public Optional<Revision> loadRevision(String processor, String generation, String aggregateId) {
        Optional<Revision> r = next.loadRevision(processor, generation, aggregateId);
        read(processor, r.map(Revision::state));
        return r;
    }

    @Override
    public Map<String, ProcessorState> loadAll(String processor, String generation, Collection<String> aggregateIds) {
        Map<String, ProcessorState> states = next.loadAll(processor, generation, aggregateIds);
        for (String id : new java.util.LinkedHashSet<>(aggregateIds)) read(processor, Optional.ofNullable(states.get(id)));
        return states;
    }

    @Override
    public Map<String, Revision> loadAllRevisions(String processor, String generation, Collection<String> aggregateIds) {
        Map<String, Revision> revisions = next.loadAllRevisions(processor, generation, aggregateIds);
        for (String id : new java.util.LinkedHashSet<>(aggregateIds)) {
            read(processor, Optional.ofNullable(revisions.get(id)).map(Revision::state));
        }
        return revisions;
    }
}
