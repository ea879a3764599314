package dev.playback.tools.whatif;

import java.util.ArrayList;
import java.util.List;

/**
 * The limits a what-if is held to: at most {@code maxCorrections} corrections, at most {@code maxChanged} changed
 * aggregates (null: no limit), and with {@code failOnChange} none of either.
 */
public record Thresholds(Integer maxCorrections, Integer maxChanged, boolean failOnChange) {
    public static final Thresholds NONE = new Thresholds(null, null, false);

    /** One limit as checked: what it says, and why it was exceeded (null when it held). */
    public record Check(String name, String failure) {
        public boolean passed() {
            return failure == null;
        }
    }

    /** Each limit that is set, checked against {@code report}. */
    public List<Check> check(WhatIfReport report) {
        List<Check> out = new ArrayList<>();
        int corrections = report.corrections().size();
        int changed = report.changedAggregates().size();
        if (maxCorrections != null) {
            out.add(new Check("corrections <= " + maxCorrections, corrections > maxCorrections
                    ? corrections + " corrections, more than --max-corrections " + maxCorrections : null));
        }
        if (maxChanged != null) {
            out.add(new Check("changed aggregates <= " + maxChanged, changed > maxChanged
                    ? changed + " changed aggregates, more than --max-changed " + maxChanged : null));
        }
        if (failOnChange) {
            out.add(new Check("no change", changed + corrections > 0
                    ? changed + " changed aggregates and " + corrections + " corrections (--fail-on-change)" : null));
        }
        return out;
    }

    /** Whether every limit held. */
    public boolean within(WhatIfReport report) {
        return check(report).stream().allMatch(Check::passed);
    }
}
