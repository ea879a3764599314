package dev.onebox.events;

import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * How the local event bus behaves.
 *
 * @param account          the account in ARNs and envelopes (local default 000000000000)
 * @param region           the region in ARNs and envelopes (us-east-1)
 * @param clock            ingestion time of events, time of scheduled events
 * @param deliveryExecutor runs deliveries; null = the bus's own single delivery thread (deliveries in order,
 *                         off the caller's thread, as on AWS). Tests pass {@code Runnable::run} to deliver
 *                         within the PutEvents call.
 * @param retry            retries of failing targets
 */
public record EventBusSettings(String account, String region, Clock clock, Executor deliveryExecutor, RetryPolicy retry) {
    public EventBusSettings {
        if (account == null || !account.matches("\\d{12}")) {
            throw new IllegalArgumentException("EventBusSettings.account must be 12 digits, found " + account);
        }
        if (region == null || region.isBlank()) {
            throw new IllegalArgumentException("EventBusSettings.region must not be empty");
        }
        if (clock == null || retry == null) {
            throw new IllegalArgumentException("EventBusSettings.clock and retry are required");
        }
    }

    public static EventBusSettings defaults() {
        return new EventBusSettings("000000000000", "us-east-1", Clock.systemUTC(), null, RetryPolicy.defaults());
    }

    public EventBusSettings withClock(Clock c) {
        return new EventBusSettings(account, region, c, deliveryExecutor, retry);
    }

    public EventBusSettings withDeliveryExecutor(Executor e) {
        return new EventBusSettings(account, region, clock, e, retry);
    }

    public EventBusSettings withRetry(RetryPolicy r) {
        return new EventBusSettings(account, region, clock, deliveryExecutor, r);
    }
}
