package dev.onebox.events;

import dev.onebox.events.pattern.InvalidEventPatternException;
import dev.onebox.events.schedule.InvalidScheduleExpressionException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Wiring the local EventBridge as the runtime does. */
class LocalEventBridgeTest {
    private static final EventBusSettings INLINE = EventBusSettings.defaults()
            .withDeliveryExecutor(Runnable::run).withRetry(RetryPolicy.immediate(1));

    @Test
    void registersTemplateRulesAndSchedulesAndFiresNightlyVerificationOnDemand() throws Exception {
        RecordingInvoker invoker = new RecordingInvoker();
        try (LocalEventBridge events = LocalEventBridge.start(invoker, INLINE, 0)) {
            events.register(
                    List.of(new Rule("ReplayRequested", "{\"source\":[\"playback\"],\"detail-type\":[\"ReplayRequested\"]}",
                            List.of(Target.of("PartialReplay", "arn:aws:states:us-east-1:000000000000:stateMachine:PartialReplay")))),
                    List.of(new Schedule("NightlyVerification", "cron(0 3 * * ? *)",
                            List.of(Target.of("Verify", "arn:aws:states:us-east-1:000000000000:stateMachine:Verify")), true)));
            assertEquals("127.0.0.1", events.endpoint().getHost());
            assertTrue(events.scheduler().nextFireTime("NightlyVerification").isPresent());

            events.scheduler().fireNow("NightlyVerification");
            assertEquals("arn:aws:states:us-east-1:000000000000:stateMachine:Verify", invoker.calls().get(0).targetArn());
        }
    }

    @Test
    void aBadRuleOrScheduleRegistersNothing() throws Exception {
        try (LocalEventBridge events = LocalEventBridge.start(new RecordingInvoker(), INLINE, 0)) {
            Rule good = new Rule("Good", "{\"source\":[\"playback\"]}", List.of());
            InvalidEventPatternException badRule = assertThrows(InvalidEventPatternException.class, () -> events.register(
                    List.of(good, new Rule("Bad", "{\"source\":[{\"numeric\":[\"<\",\"x\"]}]}", List.of())), List.of()));
            assertTrue(badRule.getMessage().contains("(in rule Bad)"), badRule.getMessage());

            InvalidScheduleExpressionException badSchedule = assertThrows(InvalidScheduleExpressionException.class, () -> events.register(
                    List.of(good), List.of(new Schedule("Nightly", "cron(0 3 * *)", List.of(), true))));
            assertTrue(badSchedule.getMessage().contains("(in schedule Nightly)"), badSchedule.getMessage());

            IllegalArgumentException noBus = assertThrows(IllegalArgumentException.class, () -> events.register(
                    List.of(good, new Rule("OnBus", "replay-requests", "{\"source\":[\"playback\"]}", List.of(), true)), List.of()));
            assertTrue(noBus.getMessage().contains("Rule OnBus: event bus replay-requests does not exist"), noBus.getMessage());

            assertEquals(List.of(), events.bus().rules());
            assertEquals(List.of(), events.bus().schedules());
        }
    }
}
