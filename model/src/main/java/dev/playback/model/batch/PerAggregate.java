package dev.playback.model.batch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A batch per aggregate: its items grouped by aggregate ({@link #group}, the one grouping of the core, the handlers and
 * the adapters) and fanned out, one aggregate's items in order, aggregates in parallel ({@link #forEach}). And the one
 * thread pool policy of the handlers ({@link #workers}): fixed size, daemon threads named by function, so that a
 * container never waits for them to exit.
 */
public final class PerAggregate {
    private PerAggregate() {
    }

    /** The items grouped by aggregate: groups in the order their aggregate first appears, items in batch order. */
    public static <T> Map<String, List<T>> group(Collection<T> items, Function<T, String> aggregateOf) {
        Map<String, List<T>> groups = new LinkedHashMap<>();
        for (T item : items) groups.computeIfAbsent(aggregateOf.apply(item), k -> new ArrayList<>()).add(item);
        return groups;
    }

    /**
     * Runs {@code task} for every group on {@code executor} and returns when all have finished. A task that throws
     * does not stop the others; the first such exception is thrown once they all have finished (tasks that must go on
     * after a failure catch and report it themselves).
     */
    public static <T> void forEach(Map<String, List<T>> groups, Executor executor, BiConsumer<String, List<T>> task) {
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (var group : groups.entrySet()) {
            work.add(CompletableFuture.runAsync(() -> task.accept(group.getKey(), group.getValue()), executor));
        }
        RuntimeException first = null;
        for (CompletableFuture<Void> w : work) {
            try {
                w.join();
            } catch (CompletionException e) {
                if (first == null) first = e.getCause() instanceof RuntimeException r ? r : e;
                else first.addSuppressed(e.getCause());
            }
        }
        if (first != null) throw first;
    }

    /** A fixed pool of {@code threads} daemon threads named {@code name}: the pool of one function's handler. */
    public static ExecutorService workers(String name, int threads) {
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
