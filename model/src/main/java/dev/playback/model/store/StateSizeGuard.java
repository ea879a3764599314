package dev.playback.model.store;

import dev.playback.model.metrics.Metrics;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A {@link StateStore} that keeps every processor's state items small: before each save it measures the item the store
 * would write ({@link StateStore#itemBytes}); over the processor's warning size the save goes on, logged (processor,
 * aggregate, size) and counted ({@link Metrics#LARGE_STATES}); over its limit it is refused with {@link StateTooLarge}
 * and nothing is written. Everything else passes through.
 */
public final class StateSizeGuard extends ForwardingStateStore {
    private final Function<String, StateSizeLimits> limits;
    private final Metrics metrics;
    private final Consumer<String> warn;

    /**
     * @param limits  the limits of each processor, by name
     * @param metrics where saves over the warning size are counted, per processor
     * @param warn    takes a line per save over the warning size
     */
    public StateSizeGuard(StateStore next, Function<String, StateSizeLimits> limits, Metrics metrics, Consumer<String> warn) {
        super(next);
        this.limits = limits;
        this.metrics = metrics;
        this.warn = warn;
    }

    @Override
    public boolean save(ProcessorState state, long expectedVersion) {
        check(state, expectedVersion);
        return next.save(state, expectedVersion);
    }

    @Override
    public Optional<Revision> saveRevision(ProcessorState state, long expectedVersion, String expectedToken) {
        check(state, expectedVersion);
        return next.saveRevision(state, expectedVersion, expectedToken);
    }

    private void check(ProcessorState state, long expectedVersion) {
        StateSizeLimits l = limits.apply(state.processor());
        long bytes = next.itemBytes(state);
        if (bytes <= l.warningBytes()) return;
        metrics.count(Metrics.LARGE_STATES, state.processor(), 1);
        if (bytes > l.limitBytes()) {
            StateTooLarge refused = new StateTooLarge(state, expectedVersion, bytes, l.limitBytes());
            warn.accept(refused.getMessage());
            throw refused;
        }
        warn.accept(String.format(Locale.ROOT, "state of aggregate %s for processor %s (generation %s, version %d) is %d bytes, over "
                + "the warning size of %d bytes (refused over %d bytes)", state.aggregateId(), state.processor(), state.generation(),
                state.version(), bytes, l.warningBytes(), l.limitBytes()));
    }
}
