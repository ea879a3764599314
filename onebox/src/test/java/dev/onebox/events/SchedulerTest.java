package dev.onebox.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onebox.events.schedule.InvalidScheduleExpressionException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Schedules on a hand-moved clock: nothing sleeps. */
class SchedulerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERIFY_SM = "arn:aws:states:us-east-1:000000000000:stateMachine:NightlyVerification";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T17:20:30Z"));
    private final RecordingInvoker invoker = new RecordingInvoker();
    private final EventBus bus = new EventBus(invoker, EventBusSettings.defaults().withClock(clock)
            .withDeliveryExecutor(Runnable::run).withRetry(RetryPolicy.immediate(2)));
    private final Scheduler scheduler = new Scheduler(bus);

    private Schedule nightly(boolean enabled, Target target) {
        return new Schedule("NightlyVerification", "cron(0 3 * * ? *)", List.of(target), enabled);
    }

    @Test
    void nightlyScheduleFiresAtThreeUtcWithTheScheduledEvent() throws Exception {
        scheduler.add(nightly(true, Target.of("verify", VERIFY_SM)));
        assertEquals(Optional.of(Instant.parse("2026-11-27T03:00:00Z")), scheduler.nextFireTime("NightlyVerification"));

        clock.set(Instant.parse("2026-11-27T02:59:59Z"));
        assertEquals(List.of(), scheduler.runDue());
        assertEquals(List.of(), invoker.calls());

        clock.set(Instant.parse("2026-11-27T03:00:00Z"));
        List<Scheduler.Firing> fired = scheduler.runDue();
        assertEquals(1, fired.size());
        assertEquals(Instant.parse("2026-11-27T03:00:00Z"), fired.get(0).time());

        assertEquals(1, invoker.calls().size());
        assertEquals(VERIFY_SM, invoker.calls().get(0).targetArn());
        JsonNode event = JSON.readTree(invoker.calls().get(0).input());
        assertEquals("aws.events", event.get("source").asText());
        assertEquals("Scheduled Event", event.get("detail-type").asText());
        assertEquals("2026-11-27T03:00:00Z", event.get("time").asText());
        assertEquals("arn:aws:events:us-east-1:000000000000:rule/NightlyVerification", event.get("resources").get(0).asText());
        assertEquals(JSON.createObjectNode(), event.get("detail"));
        assertEquals(fired.get(0).eventId(), event.get("id").asText());

        assertEquals(List.of(), scheduler.runDue(), "fires once per fire time");
        assertEquals(Optional.of(Instant.parse("2026-11-28T03:00:00Z")), scheduler.nextFireTime("NightlyVerification"));
    }

    @Test
    void targetInputReplacesTheScheduledEvent() {
        scheduler.add(nightly(true, Target.withInput("verify", VERIFY_SM, "{\"mode\":\"shadow\"}")));
        clock.set(Instant.parse("2026-11-27T03:00:00Z"));
        scheduler.runDue();
        assertEquals("{\"mode\":\"shadow\"}", invoker.calls().get(0).input());
    }

    @Test
    void missedFireTimesFireOnceForTheLatest() {
        scheduler.add(new Schedule("Every5", "rate(5 minutes)", List.of(Target.of("t", "arn:t")), true));
        clock.advance(Duration.ofMinutes(23));
        List<Scheduler.Firing> fired = scheduler.runDue();
        assertEquals(1, fired.size());
        assertEquals(Instant.parse("2026-11-26T17:40:30Z"), fired.get(0).time());
        assertEquals(Optional.of(Instant.parse("2026-11-26T17:45:30Z")), scheduler.nextFireTime("Every5"));
    }

    @Test
    void disabledScheduleDoesNotFireButFireNowDoes() throws Exception {
        scheduler.add(nightly(false, Target.of("verify", VERIFY_SM)));
        clock.set(Instant.parse("2026-11-27T03:00:00Z"));
        assertEquals(List.of(), scheduler.runDue());
        assertEquals(List.of(), invoker.calls());

        clock.set(Instant.parse("2026-11-27T09:30:00Z"));
        String id = scheduler.fireNow("NightlyVerification");
        assertEquals(1, invoker.calls().size());
        JsonNode event = JSON.readTree(invoker.calls().get(0).input());
        assertEquals(id, event.get("id").asText());
        assertEquals("2026-11-27T09:30:00Z", event.get("time").asText());
        assertEquals("Scheduled Event", event.get("detail-type").asText());
    }

    @Test
    void fireNowOfAnUnknownScheduleNamesIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> scheduler.fireNow("Nope"));
        assertTrue(e.getMessage().contains("Nope"), e.getMessage());
    }

    @Test
    void failingScheduledDeliveryIsRetriedAndRecorded() {
        invoker.failFirst(5);
        scheduler.add(nightly(true, Target.of("verify", VERIFY_SM)));
        scheduler.fireNow("NightlyVerification");
        assertEquals(2, invoker.calls().size());
        assertEquals("NightlyVerification", bus.failedDeliveries().get(0).source());
    }

    @Test
    void invalidExpressionNamesTheSchedule() {
        InvalidScheduleExpressionException e = assertThrows(InvalidScheduleExpressionException.class,
                () -> scheduler.add(new Schedule("Bad", "cron(0 3 * * * *)", List.of(), true)));
        assertTrue(e.getMessage().contains("cron(0 3 * * * *)") && e.getMessage().contains("(in schedule Bad)"), e.getMessage());
        assertEquals(List.of(), bus.schedules());
    }

    @Test
    void schedulesAreListedOnTheBusAndCanBeRemoved() {
        scheduler.add(nightly(true, Target.of("verify", VERIFY_SM)));
        assertEquals("cron(0 3 * * ? *)", bus.schedule("NightlyVerification").orElseThrow().expression());
        assertTrue(scheduler.remove("NightlyVerification"));
        assertEquals(List.of(), bus.schedules());
        assertEquals(Optional.empty(), scheduler.nextFireTime("NightlyVerification"));
    }

    @Test
    void startedThreadFiresWhatIsDue() throws Exception {
        java.util.concurrent.CountDownLatch delivered = new java.util.concurrent.CountDownLatch(1);
        bus.onDelivery(d -> delivered.countDown());
        scheduler.add(new Schedule("Every1", "rate(1 minute)", List.of(Target.of("t", "arn:t")), true));
        clock.advance(Duration.ofMinutes(1)); // due now: the thread's first pass fires it, nothing waits for real time
        scheduler.start();
        try {
            assertTrue(delivered.await(30, java.util.concurrent.TimeUnit.SECONDS), "the scheduler thread never fired the due schedule");
        } finally {
            scheduler.close();
        }
        assertEquals("arn:t", invoker.calls().get(0).targetArn());
    }

    @Test
    void startedThreadStopsOnClose() throws Exception {
        scheduler.add(nightly(true, Target.of("verify", VERIFY_SM)));
        scheduler.start();
        scheduler.close();
        assertThrows(IllegalStateException.class, scheduler::start);
        assertEquals(List.of(), invoker.calls());
    }
}
