package dev.playback.tools.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The lines {@code playback status} and {@code --watch} print for a replay. Every figure shown is known: a field the
 * replay record does not hold yet is left out, the rate needs two samples, and a rebuild whose segment count is not
 * recorded yet is "starting".
 */
public final class ProgressLines {
    /** What the watch prints where a figure is not known yet. */
    static final String UNKNOWN = "—";
    private static final int BAR_WIDTH = 30;

    private ProgressLines() {
    }

    /** Two samples of a watched replay's counts, {@code nanos} apart; the rate is known only from them. */
    public record Sample(long nanos, long published, long applied) {
    }

    /** {@code replay ID: KIND, status S, generation G, processors [..], started T}: only what the record holds. */
    public static String headline(ReplayProgress p) {
        List<String> parts = new ArrayList<>();
        if (present(p.kind())) parts.add(p.kind());
        if (present(p.status())) parts.add("status " + p.status());
        if (present(p.generation())) parts.add("generation " + p.generation());
        if (!p.processors().isEmpty()) parts.add("processors " + String.join(", ", p.processors()));
        if (present(p.startedAt())) parts.add("started " + p.startedAt());
        return "replay " + p.replayId() + ": " + (parts.isEmpty() ? "recorded, no details yet" : String.join(", ", parts));
    }

    /** The counts of a rebuild or verification (published, applied, segments), or of a partial replay (aggregates, events). */
    public static String counts(ReplayProgress p) {
        if ("partial".equals(p.kind())) {
            return String.format(Locale.ROOT, "aggregates read %,d, rebuilt %,d, events %,d", ReplayProgress.num(p.record(), "aggregatesRead").orElse(0L),
                    ReplayProgress.num(p.record(), "rebuilt").orElse(0L), ReplayProgress.num(p.record(), "events").orElse(0L));
        }
        if (p.segments() <= 0) return "starting: the segments are not recorded yet";
        return String.format(Locale.ROOT, "published %,d in %,d batches, applied %,d; segments done %d of %d%s", p.published(), p.batches(),
                p.applied(), p.segmentsDone(), p.segments(), p.batchSize() > 0 ? " (batch size " + p.batchSize() + ")" : "");
    }

    /**
     * The events per second between the first and the last sample: applied, else published; null (not known) with fewer
     * than two samples, half a second or less apart, or before anything was published.
     */
    public static Double rate(Sample first, Sample last) {
        if (first == null || last == null) return null;
        double secs = (last.nanos() - first.nanos()) / 1e9;
        if (secs <= 0.5 || last.published() == 0) return null;
        double applied = (last.applied() - first.applied()) / secs;
        return applied > 0 ? applied : Math.max(0, (last.published() - first.published()) / secs);
    }

    /**
     * The watch's progress line: a bar and percentage when the events table's total is known ({@code total} > 0), the
     * status, the counts, the rate ({@code rate} null: "—"), an ETA when both are known, the segments, the seconds so far.
     * Before the replay function recorded the segments it says "starting".
     */
    public static String watch(ReplayProgress p, long total, Double rate, double elapsed) {
        if (!p.exists() || p.segments() <= 0) {
            return String.format(Locale.ROOT, "replay %s starting, %.0f s  ", p.replayId(), elapsed);
        }
        long done = Math.max(p.applied(), 0);
        String pct = "";
        String eta = "";
        int filled = 0;
        if (total > 0) {
            double f = Math.min(1.0, (double) done / total);
            filled = (int) Math.round(f * BAR_WIDTH);
            pct = String.format(Locale.ROOT, " %3.0f%%", f * 100);
            if (rate != null && rate > 0) {
                long left = (long) Math.max(0, (total - done) / rate);
                eta = String.format(Locale.ROOT, ", ETA %d:%02d", left / 60, left % 60);
            }
        }
        String bar = "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "]";
        String perSecond = rate == null ? UNKNOWN : String.format(Locale.ROOT, "%,.0f", rate);
        return String.format(Locale.ROOT, "%s%s %s published %,d, applied %,d%s, %s events/s%s, segments %d/%d done, %.0f s  ",
                bar, pct, present(p.status()) ? p.status() : "STARTING", p.published(), p.applied(),
                total > 0 ? " of " + String.format(Locale.ROOT, "%,d", total) : "", perSecond, eta, p.segmentsDone(), p.segments(), elapsed);
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }
}
