package dev.playback.examples.subscriptions;

import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.gateway.memory.InMemoryCommandLog;
import dev.playback.model.gateway.memory.InMemoryQueryRecords;
import dev.playback.model.processor.EventNotes;
import dev.playback.model.processor.Processor;
import dev.playback.model.processor.Reversing;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static dev.playback.examples.subscriptions.Events.invoiceRequested;
import static dev.playback.examples.subscriptions.Events.planChanged;
import static dev.playback.examples.subscriptions.Events.reversed;
import static dev.playback.examples.subscriptions.Events.started;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The size of the subscriptions processors' state items over 10, 1,000, 10,000 and 100,000 events of one subscription
 * (one event a day: every 20th a plan change, every 1,001st the reversal of the month's first invoice request, the
 * others an invoice request for the month before, the first of each month accepted and the repeats rejected), folded in memory
 * with the toolkit deciding the reversals, encoded and measured in bytes: what deciding the next event needs, flat and
 * under 2 KB whatever the length.
 */
class StateSizeTest {
    static final int[] LENGTHS = {10, 1_000, 10_000, 100_000};
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final int LIMIT = 2_048;

    static EventEnvelope event(int i) {
        Instant t = T0.plusSeconds(86_400L * (i - 1));
        YearMonth before = YearMonth.from(t.atZone(ZoneOffset.UTC)).minusMonths(1);
        if (i == 1) return started("e-1", t.toString(), "basic", "30.00");
        if (i % 1001 == 0) return reversed("e-" + i, t.toString(), "e-" + monthsInvoice(i, t));
        if (i % 20 == 0) return planChanged("e-" + i, t.toString(), "plan-" + (i % 7), (20 + i % 7) + ".00");
        return invoiceRequested("e-" + i, t.toString(), before.toString());
    }

    private static boolean invoiceRequest(int i) {
        return i != 1 && i % 1001 != 0 && i % 20 != 0;
    }

    /** The first invoice request of the month of day {@code i} (accepted), or the latest before day {@code i}. */
    private static int monthsInvoice(int i, Instant t) {
        int first = (int) java.time.temporal.ChronoUnit.DAYS.between(T0, t.atZone(ZoneOffset.UTC).withDayOfMonth(1).toInstant()) + 1;
        int j = first;
        while (j < i && !invoiceRequest(j)) j++;
        if (j >= i) for (j = i - 1; !invoiceRequest(j); j--) ;
        return j;
    }

    private static <S> Map<Integer, Integer> sizes(Processor<S> processor) {
        Map<Integer, Integer> out = new LinkedHashMap<>();
        Map<String, EventEnvelope> seen = new HashMap<>();
        Reversing<S> reversing = new Reversing<>(processor, id -> Optional.ofNullable(seen.get(id)), EventNotes.inMemory(), 0);
        S s = processor.initial(Events.SUB);
        int done = 0;
        for (int n : LENGTHS) {
            for (int i = done + 1; i <= n; i++) {
                EventEnvelope e = event(i).withVersion(i);
                seen.put(e.eventId(), e);
                s = reversing.apply(s, e);
            }
            done = n;
            out.put(n, processor.encode(s).toString().getBytes(StandardCharsets.UTF_8).length);
        }
        return out;
    }

    private static void assertFlatUnderTwoKilobytes(Map<Integer, Integer> sizes) {
        for (var e : sizes.entrySet()) assertTrue(e.getValue() < LIMIT, e.getKey() + " events: " + e.getValue() + " bytes, not under 2 KB");
        assertEquals(sizes.get(1_000), sizes.get(100_000), 100, "flat from 1,000 events on");
    }

    @Test
    void theSubscriptionsStateStaysUnderTwoKilobytesWhateverTheLength() {
        SubscriptionsProjection projection = new SubscriptionsProjection();
        Map<Integer, Integer> sizes = sizes(projection);
        System.out.println("state item of subscriptions (bytes) by events of the subscription: " + sizes);
        assertFlatUnderTwoKilobytes(sizes);
    }

    @Test
    void theInvoicingStateStaysUnderTwoKilobytesWhateverTheLength() {
        FakeTaxAndInvoices external = new FakeTaxAndInvoices().rate("DE", "2000-01-01", "0.19");
        GatewayBinding<InvoicingState> invoicing = new GatewayBinding<>(new InvoicingProcessor(Proration.V2),
                new GatewayPorts(external, new InMemoryQueryRecords(), new InMemoryCommandLog()), GatewayRun.live(), new GatewayReport());
        Map<Integer, Integer> sizes = sizes(invoicing);
        System.out.println("state item of invoicing (bytes) by events of the subscription: " + sizes);
        assertFlatUnderTwoKilobytes(sizes);
    }
}
