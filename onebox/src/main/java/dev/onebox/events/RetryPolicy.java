package dev.onebox.events;

import java.time.Duration;

/**
 * How often a failing target is called again. The wait before attempt n+1 is {@code firstBackoff * 2^(n-1)};
 * {@code sleeper} does the waiting, so tests can pass one that returns at once.
 */
public record RetryPolicy(int maxAttempts, Duration firstBackoff, Sleeper sleeper) {

    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("RetryPolicy.maxAttempts must be at least 1, found " + maxAttempts);
        }
        if (firstBackoff == null || firstBackoff.isNegative()) {
            throw new IllegalArgumentException("RetryPolicy.firstBackoff must be zero or positive, found " + firstBackoff);
        }
    }

    /** 3 attempts, 200 ms then 400 ms apart, really sleeping. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(3, Duration.ofMillis(200), d -> Thread.sleep(d.toMillis()));
    }

    /** {@code attempts} attempts with no waiting between them (tests). */
    public static RetryPolicy immediate(int attempts) {
        return new RetryPolicy(attempts, Duration.ZERO, d -> { });
    }

    Duration backoffBefore(int nextAttempt) {
        return firstBackoff.multipliedBy(1L << Math.min(20, nextAttempt - 2));
    }
}
