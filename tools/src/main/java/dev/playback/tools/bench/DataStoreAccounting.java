package dev.playback.tools.bench;

import dev.onebox.template.FunctionResource;
import dev.playback.lambdas.aws.dynamodb.CountingStateStore;
import dev.playback.lambdas.processor.ProcessorHandler;
import dev.playback.tools.LocalOptions;
import dev.playback.tools.LocalStack;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmarks' data-store accounting: every processor function of the local stack gets its data store wrapped in a
 * {@link CountingStateStore} counting into one tally, per processor and group of accounts: the long accounts (ids starting
 * {@value #LONG_PREFIX}, {@value #LONG_EVENTS} events loaded before the run) apart from the new ones. Printed as AWS
 * charges it: a write unit per started KB of each item written, a read unit per started 4 KB read strongly consistent.
 */
final class DataStoreAccounting {
    /** The functions whose handler is the processor function (checked against the template after the start). */
    static final List<String> PROCESSOR_FUNCTIONS = List.of("ProjectionFunction", "PayoutsFunction", "InvoicingFunction");
    /** The ids of the long accounts start with this. */
    static final String LONG_PREFIX = "long-";
    /** Events of each long account, loaded before the run. */
    static final int LONG_EVENTS = 10_000;
    static final String NEW = "accounts opened in this run";
    static final String LONG = String.format(Locale.ROOT, "accounts with %,d events", LONG_EVENTS);

    final CountingStateStore.Tally tally = new CountingStateStore.Tally(id -> id.startsWith(LONG_PREFIX) ? LONG : NEW);

    /** {@code options} with every processor function's data store counted. */
    LocalOptions counted(LocalOptions options) {
        for (String function : PROCESSOR_FUNCTIONS) options = options.withHandler(function, env -> new ProcessorHandler(env, tally::counting));
        return options;
    }

    /** Throws naming a function of the stack that runs the processor handler and is not counted. */
    static void checkEveryProcessorFunctionCounted(LocalStack stack) {
        for (FunctionResource f : stack.template().functions().values()) {
            if (f.handlerClass().startsWith(ProcessorHandler.class.getName()) && !PROCESSOR_FUNCTIONS.contains(f.logicalId())) {
                throw new IllegalStateException("function " + f.logicalId() + " runs " + ProcessorHandler.class.getSimpleName()
                        + " but its data store is not counted: add it to DataStoreAccounting.PROCESSOR_FUNCTIONS");
            }
        }
    }

    /** The tally's counts of {@code group}, per live event of it ({@code events}), one line per processor. */
    String describe(String group, long events) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "data store per processor, %s (%,d events; AWS accounting: "
                + "1 write unit per started KB of each item written, 1 read unit per started 4 KB read strongly consistent):", group, events));
        boolean any = false;
        for (Map.Entry<CountingStateStore.Key, CountingStateStore.Counts> e : tally.counts().entrySet()) {
            if (!e.getKey().group().equals(group)) continue;
            any = true;
            CountingStateStore.Counts c = e.getValue();
            out.append(String.format(Locale.ROOT, "%n  %-14s write units/event %7.3f  writes/event %6.3f  units/write %6.2f  item mean %,8.0f B"
                            + "  largest %,8d B  read units/event %7.3f", e.getKey().processor(), c.writeUnits() / (double) events,
                    c.writes() / (double) events, c.writes() == 0 ? 0.0 : c.writeUnits() / (double) c.writes(),
                    c.writes() == 0 ? 0.0 : c.writtenBytes() / (double) c.writes(), c.largestItemBytes(), c.readUnits() / events));
        }
        if (!any) out.append(" nothing written or read");
        return out.toString();
    }
}
