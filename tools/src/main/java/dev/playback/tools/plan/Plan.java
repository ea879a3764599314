package dev.playback.tools.plan;

import java.io.PrintStream;
import java.util.Comparator;
import java.util.Locale;

/** What a replay will do and cost before it starts: its scope, the model's prediction and the priced breakdown. */
public record Plan(Scope scope, ReplayMachineModel.Settings settings, ReplayMachineModel.Prediction prediction, CostBreakdown cost) {

    public static Plan of(Scope scope, ReplayMachineModel.Settings settings, PriceList prices) {
        ReplayMachineModel.Prediction p = ReplayMachineModel.predict(scope, settings, prices);
        return new Plan(scope, settings, p, CostBreakdown.of(p.counts(), prices));
    }

    public double costPerMillionEvents() {
        return scope.events() == 0 ? 0 : cost.totalUsd() * 1_000_000.0 / scope.events();
    }

    public void print(PrintStream out) {
        ReplayMachineModel.Prediction p = prediction;
        out.printf(Locale.ROOT, "plan: %s of %,d events over %,d aggregates (%s; mean event %,.0f bytes)%n", scope.shape().command(),
                scope.events(), scope.aggregates(), scope.source(), scope.eventBytes());
        if (scope.shape() == Scope.ReplayShape.PARTIAL) {
            out.printf(Locale.ROOT, "  %,d aggregates per child execution, %d processor(s)%n", settings.aggregatesPerChild(), settings.processors());
        } else {
            out.printf(Locale.ROOT, "  %,d segments, %,d playback shards, batches of %,d, %d functions reading the playback stream, %d processor(s)%n",
                    settings.segments(), settings.shards(), settings.batchSize(), settings.consumers(), settings.processors());
            out.printf(Locale.ROOT, "  %,.0f pages, %,.0f playback records, %,.0f publish calls, %,.0f execution(s), %,.0f drain checks%n",
                    p.pages(), p.records(), p.publishCalls(), p.executions(), p.drainWaits());
        }
        out.printf(Locale.ROOT, "duration: %s, bounded by %s%n", duration(p.seconds()), p.slowest().name());
        p.bounds().stream().sorted(Comparator.comparingDouble(ReplayMachineModel.Bound::seconds).reversed())
                .forEach(b -> out.printf(Locale.ROOT, "  %-80s %s%n", b.name(), duration(b.seconds())));
        for (String w : p.warnings()) out.println("warning: " + w);
        out.println("cost:");
        cost.print(out, "  ");
        out.printf(Locale.ROOT, "  per million events: %,.4f USD; per aggregate: %,.8f USD%n", costPerMillionEvents(),
                scope.aggregates() == 0 ? 0 : cost.totalUsd() / scope.aggregates());
    }

    /** 2 h 46 min, 12 min 5 s, 7.5 s. */
    static String duration(double seconds) {
        if (seconds < 60) return String.format(Locale.ROOT, "%.1f s", seconds);
        long s = Math.round(seconds);
        if (s < 3600) return String.format(Locale.ROOT, "%d min %d s", s / 60, s % 60);
        return String.format(Locale.ROOT, "%d h %d min", s / 3600, (s % 3600) / 60);
    }
}
