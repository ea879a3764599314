package dev.onebox.sfn.asl;

import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * The time source for Wait states, Retry intervals and timestamps. {@link #system()} sleeps
 * for real; {@link #instant()} is virtual time: a wait completes at once and moves the
 * clock forward, so tests and demos never sleep.
 */
public interface SfnClock {
    Instant now();

    /** Waits for {@code d}, returning early (false) if {@code stopped} becomes true. */
    boolean sleep(Duration d, BooleanSupplier stopped) throws InterruptedException;

    /** Whether waits complete instantly. */
    default boolean virtual() {
        return false;
    }

    static SfnClock system() {
        return new SfnClock() {
            @Override
            public Instant now() {
                return Instant.now();
            }

            @Override
            public boolean sleep(Duration d, BooleanSupplier stopped) throws InterruptedException {
                long nanos = d.compareTo(Duration.ofDays(36_500)) > 0 ? Long.MAX_VALUE / 4 : d.toNanos();
                long end = System.nanoTime() + nanos;
                while (true) {
                    if (stopped.getAsBoolean()) {
                        return false;
                    }
                    long left = end - System.nanoTime();
                    if (left <= 0) {
                        return true;
                    }
                    Thread.sleep(Math.max(1, Math.min(left / 1_000_000, 50)));
                }
            }
        };
    }

    /** Virtual time starting now: waits return immediately and advance the clock. */
    static SfnClock instant() {
        return instant(Instant.now());
    }

    static SfnClock instant(Instant start) {
        java.util.concurrent.atomic.AtomicReference<Duration> offset = new java.util.concurrent.atomic.AtomicReference<>(Duration.ZERO);
        long base = System.nanoTime();
        return new SfnClock() {
            @Override
            public Instant now() {
                return start.plusNanos(System.nanoTime() - base).plus(offset.get());
            }

            @Override
            public boolean sleep(Duration d, BooleanSupplier stopped) {
                if (stopped.getAsBoolean()) {
                    return false;
                }
                if (!d.isNegative()) {
                    offset.accumulateAndGet(d, Duration::plus);
                }
                return true;
            }

            @Override
            public boolean virtual() {
                return true;
            }
        };
    }
}
