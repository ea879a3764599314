package dev.playback.examples.subscriptions;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import dev.playback.model.processor.Processor;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.playback.examples.subscriptions.Events.invoiceRequested;
import static dev.playback.examples.subscriptions.Events.planChanged;
import static dev.playback.examples.subscriptions.Events.started;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The size of the subscriptions processors' state items over 10, 1,000, 10,000 and 100,000 events of one subscription
 * (one event every 8 hours: plan changes and a monthly invoice request, now and then a repeated one, which is
 * rejected), folded in memory, encoded and measured in bytes. The states keep bounded lists (the latest 100 prices,
 * 120 invoices, 100 reversals and 5 rejections): their size stops growing once those are full (by 20,000 events here).
 * They are not yet down to what deciding the next invoice needs: their reversals still come from the state.
 */
class StateSizeTest {
    static final int[] LENGTHS = {10, 1_000, 10_000, 20_000, 100_000};
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static EventEnvelope event(int i) {
        Instant t = T0.plusSeconds(8L * 3600 * i);
        YearMonth month = YearMonth.from(t.atZone(ZoneOffset.UTC));
        if (i == 1) return started("e-1", t.toString(), "basic", "30.00");
        if (i % 90 == 0) return invoiceRequested("e-" + i, t.toString(), month.toString());
        if (i % 1001 == 0) return invoiceRequested("e-" + i, t.toString(), month.toString());
        return planChanged("e-" + i, t.toString(), "plan-" + (i % 7), (20 + i % 7) + ".00");
    }

    private static <S> Map<Integer, Integer> sizes(Processor<S> processor) {
        Map<Integer, Integer> out = new LinkedHashMap<>();
        S s = processor.initial(Events.SUB);
        int done = 0;
        for (int n : LENGTHS) {
            for (int i = done + 1; i <= n; i++) s = processor.apply(s, event(i).withVersion(i));
            done = n;
            out.put(n, processor.encode(s).toString().getBytes(StandardCharsets.UTF_8).length);
        }
        return out;
    }

    @Test
    void theSubscriptionsStateStopsGrowingOnceItsListsAreFull() {
        Map<Integer, Integer> sizes = sizes(new SubscriptionsProjection());
        System.out.println("state item of subscriptions (bytes) by events of the subscription: " + sizes);
        assertEquals(sizes.get(20_000), sizes.get(100_000), 100, "flat once the lists are full");
    }

    @Test
    void theInvoicingStateStopsGrowingOnceItsListsAreFull() {
        FakeTaxAndInvoices external = new FakeTaxAndInvoices().rate("DE", "2000-01-01", "0.19");
        GatewayBinding<InvoicingState> invoicing = new GatewayBinding<>(new InvoicingProcessor(Proration.V2),
                new GatewayPorts(external, new InMemoryQueryRecords(), new InMemoryCommandLog()), GatewayRun.live(), new GatewayReport());
        Map<Integer, Integer> sizes = sizes(invoicing);
        System.out.println("state item of invoicing (bytes) by events of the subscription: " + sizes);
        assertEquals(sizes.get(20_000), sizes.get(100_000), 100, "flat once the lists are full");
    }
}
