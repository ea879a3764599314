package dev.onebox.emulators;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** At JVM exit the emulators' hook leaves the stopping to an owner that closes them in its own hook, within the grace. */
class EmulatorsExitTest {
    @Test
    void theHookStopsNothingWhenTheOwnerClosedTheEmulatorsWithinTheGrace() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        AtomicInteger stops = new AtomicInteger();
        Thread owner = new Thread(closed::countDown);   // the owner's hook: its mappings closed, then the emulators

        owner.start();
        boolean ran = Emulators.closeUnlessClosedWithin(closed, Duration.ofMinutes(1), stops::incrementAndGet);
        owner.join();

        assertFalse(ran);
        assertEquals(0, stops.get());
    }

    @Test
    void theHookStopsTheEmulatorsItselfWhenNoOwnerClosedThemWithinTheGrace() {
        CountDownLatch neverClosed = new CountDownLatch(1);
        AtomicInteger stops = new AtomicInteger();

        boolean ran = Emulators.closeUnlessClosedWithin(neverClosed, Duration.ofMillis(50), stops::incrementAndGet);

        assertTrue(ran);
        assertEquals(1, stops.get());
    }
}
