package dev.playback.model.store;


import java.util.Optional;
import java.util.function.Consumer;

/** A {@link StateStore} passing everything on to another; subclasses (a cache, tests) override the calls they intercept. */
public class ForwardingStateStore implements StateStore {
    protected final StateStore next;

    public ForwardingStateStore(StateStore next) {
        this.next = next;
    }

    @Override
    public Optional<ProcessorState> load(String processor, String generation, String aggregateId) {
        return next.load(processor, generation, aggregateId);
    }

    @Override
    public boolean save(ProcessorState state, long expectedVersion) {
        return next.save(state, expectedVersion);
    }

    @Override
    public long itemBytes(ProcessorState state) {
        return next.itemBytes(state);
    }

    @Override
    public Optional<Revision> loadRevision(String processor, String generation, String aggregateId) {
        return next.loadRevision(processor, generation, aggregateId);
    }

    @Override
    public java.util.Map<String, Revision> loadAllRevisions(String processor, String generation, java.util.Collection<String> aggregateIds) {
        return next.loadAllRevisions(processor, generation, aggregateIds);
    }

    @Override
    public Optional<Revision> saveRevision(ProcessorState state, long expectedVersion, String expectedToken) {
        return next.saveRevision(state, expectedVersion, expectedToken);
    }

    @Override
    public String activeGeneration(String processor, String defaultGeneration) {
        return next.activeGeneration(processor, defaultGeneration);
    }

    @Override
    public Generations generations(String processor) {
        return next.generations(processor);
    }

    @Override
    public void startBuilding(String processor, String generation) {
        next.startBuilding(processor, generation);
    }

    @Override
    public void stopBuilding(String processor, String generation) {
        next.stopBuilding(processor, generation);
    }

    @Override
    public boolean activate(String processor, String expectedActive, String generation) {
        return next.activate(processor, expectedActive, generation);
    }

    @Override
    public void discard(String processor, String generation) {
        next.discard(processor, generation);
    }

    @Override
    public void forEach(String processor, String generation, Consumer<ProcessorState> action) {
        next.forEach(processor, generation, action);
    }
}
