package dev.playback.tools.plan;

/**
 * What a replay covers: {@code events} and {@code aggregates} in scope, the table's {@code totalEvents} and
 * {@code totalAggregates}, the mean stored size of an event, and where the figures come from.
 */
public record Scope(ReplayShape shape, long events, long aggregates, long totalEvents, long totalAggregates, double eventBytes,
                    String source) {
    public Scope {
        if (events < 0 || aggregates < 0) throw new IllegalArgumentException("a scope has no negative counts: events " + events + ", aggregates " + aggregates);
        if (events > 0 && aggregates == 0) throw new IllegalArgumentException("a scope of " + events + " events needs at least one aggregate");
        if (eventBytes <= 0) throw new IllegalArgumentException("the mean event size must be > 0 bytes, not " + eventBytes);
    }

    /** Events per aggregate (0 for an empty scope). */
    public double eventsPerAggregate() {
        return aggregates == 0 ? 0 : (double) events / aggregates;
    }

    /** The three replay machines the planner knows. */
    public enum ReplayShape {
        REBUILD("rebuild"), VERIFY("verify"), PARTIAL("replay");

        private final String command;

        ReplayShape(String command) {
            this.command = command;
        }

        public String command() {
            return command;
        }
    }
}
