package dev.playback.tools.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.Disposition;
import dev.playback.model.gateway.LoggedCommand;
import dev.playback.model.gateway.QueryKey;
import dev.playback.model.gateway.RecordedQuery;
import dev.playback.model.store.Appender;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link StackComparison}: two stacks filled the same way are equal, with every event, answer and log entry counted; one
 * field of one event, one answer, one log entry or one missing event or aggregate is a difference that names it, also
 * beyond the first page of a long aggregate.
 */
class StackComparisonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");
    /** Three accounts of 4 events, one of 12 (longer than the test's page of 5). */
    private static final List<String> ACCOUNTS = List.of("a-1", "a-2", "a-3", "long");
    private static final int PAGE = 5;

    private static int length(String account) {
        return account.equals("long") ? 12 : 4;
    }

    /** A stack holding the accounts' events (each event passed through {@code change}), one answer and one command per payout. */
    private static MemoryStack stack(UnaryOperator<EventEnvelope> change) {
        MemoryStack s = new MemoryStack();
        List<EventEnvelope> events = new ArrayList<>();
        for (String account : ACCOUNTS) {
            for (int v = 1; v <= length(account); v++) {
                Instant at = T0.plusSeconds(60L * v);
                ObjectNode payload = JSON.createObjectNode().put("amount", v + ".25");
                String type = v == length(account) ? "PayoutRequested" : "MoneyDeposited";
                events.add(change.apply(new EventEnvelope(account + "-" + v, account, type, 1, null, null, at.minusSeconds(5), at, payload, null, null)));
            }
            String payout = account + "-" + length(account);
            s.queries().put(new RecordedQuery(new QueryKey("payouts", payout, new CallSite("fx", "rate"), "hash-" + account),
                    JSON.createObjectNode().put("from", "EUR").put("to", "USD"), JSON.createObjectNode().put("rate", "1.0825"), "live"));
            s.commands.append(new LoggedCommand("payouts", payout, new CallSite("bank", "payout"), 0, Disposition.SENT,
                    JSON.createObjectNode().put("payoutId", payout).put("amount", "7.49"), "key-" + account, null));
        }
        new Appender(s.log).append(events, T0);
        return s;
    }

    private static MemoryStack same() {
        return stack(e -> e);
    }

    @Test
    void two_stacks_holding_the_same_events_answers_and_log_entries_are_equal_and_everything_is_counted() {
        StackComparison.Outcome o = StackComparison.compare(same(), same(), 2, PAGE);

        assertTrue(o.equal(), o.differences().toString());
        assertEquals(4, o.aggregates());
        assertEquals(3 * 4 + 12, o.events());
        assertEquals(4, o.queries());
        assertEquals(4, o.commands());
    }

    @Test
    void an_event_with_another_recorded_at_is_a_difference_naming_its_aggregate_version_and_field() {
        MemoryStack target = stack(e -> e.eventId().equals("a-2-3")
                ? new EventEnvelope(e.eventId(), e.aggregateId(), e.type(), 1, null, null, e.occurredAt(), e.recordedAt().plusMillis(1),
                e.payload(), null, null) : e);

        StackComparison.Outcome o = StackComparison.compare(same(), target, 2, PAGE);

        assertEquals(List.of("aggregate a-2 version 3 (event a-2-3): recordedAt differ"), o.differences());
    }

    @Test
    void payload_and_occurred_at_differences_beyond_the_first_page_of_a_long_aggregate_are_found() {
        MemoryStack target = stack(e -> e.eventId().equals("long-11")
                ? new EventEnvelope(e.eventId(), e.aggregateId(), e.type(), 1, null, null, e.occurredAt().plusSeconds(1), e.recordedAt(),
                JSON.createObjectNode().put("amount", "11.26"), null, null) : e);

        StackComparison.Outcome o = StackComparison.compare(same(), target, 1, PAGE);

        assertEquals(List.of("aggregate long version 11 (event long-11): occurredAt, payload differ"), o.differences());
    }

    @Test
    void a_stream_that_ends_early_and_an_aggregate_on_one_side_only_are_differences() {
        MemoryStack target = stack(e -> e);
        MemoryStack source = stack(e -> e);
        new Appender(source.log).append(List.of(new EventEnvelope("long-13", "long", "MoneyDeposited", 1, null, null, T0, T0,
                JSON.createObjectNode().put("amount", "1.00"), null, null)), T0);
        new Appender(target.log).append(List.of(new EventEnvelope("extra-1", "extra", "MoneyDeposited", 1, null, null, T0, T0,
                JSON.createObjectNode().put("amount", "1.00"), null, null)), T0);

        StackComparison.Outcome o = StackComparison.compare(source, target, 2, PAGE);

        assertEquals(List.of("aggregate extra: in the target, not in the source", "aggregate long: the source ends at version 13, the target at 12"),
                o.differences().stream().sorted().toList());
        assertEquals(3 * 4 + 12, o.events());
    }

    @Test
    void an_answer_recorded_differently_or_not_at_all_in_the_target_is_a_difference() {
        MemoryStack source = same();
        MemoryStack target = new MemoryStack();
        MemoryStack full = same();
        new Appender(target.log).append(full.log.all().values().stream().flatMap(List::stream)
                .map(e -> new EventEnvelope(e.eventId(), e.aggregateId(), e.type(), e.schemaVersion(), null, null, e.occurredAt(),
                        e.recordedAt(), e.payload(), null, null)).toList(), T0);
        full.commands.all().forEach(target.commands::append);
        for (RecordedQuery q : full.recorded.values()) {
            if (q.key().eventId().equals("a-1-4")) continue;
            boolean changed = q.key().eventId().equals("a-3-4");
            target.queries().put(changed ? new RecordedQuery(q.key(), q.request(), JSON.createObjectNode().put("rate", "1.0900"), "live") : q);
        }

        StackComparison.Outcome o = StackComparison.compare(source, target, 2, PAGE);

        assertEquals(3, o.differenceCount(), o.differences().toString());
        List<String> sorted = o.differences().stream().sorted().toList();
        assertEquals("event a-1-4: 1 recorded answers in the source, 0 in the target", sorted.get(0));
        assertEquals("recorded query queries/payouts/a-1-4/fx.rate/hash-a-1.json: no answer in the target", sorted.get(1));
        assertTrue(sorted.get(2).startsWith("recorded query queries/payouts/a-3-4/fx.rate/hash-a-3.json: the target answers {\"rate\":\"1.0900\"}"),
                sorted.get(2));
    }

    @Test
    void a_command_log_entry_that_differs_is_a_difference_naming_the_processor_and_event() {
        MemoryStack source = same();
        MemoryStack target = same();
        source.commands.append(new LoggedCommand("payouts", "a-2-4", new CallSite("bank", "payout"), 1, Disposition.SENT,
                JSON.createObjectNode().put("payoutId", "a-2-4").put("amount", "-0.10"), "key-a-2-correction", "fix"));

        StackComparison.Outcome o = StackComparison.compare(source, target, 2, PAGE);

        assertEquals(1, o.differenceCount());
        assertTrue(o.differences().get(0).startsWith("command log of payouts for event a-2-4: the source holds ["), o.differences().toString());
        assertFalse(o.equal());
    }

    @Test
    void beyond_the_kept_differences_the_others_are_counted() {
        MemoryStack target = stack(e -> new EventEnvelope(e.eventId(), e.aggregateId(), e.type(), 2, null, null, e.occurredAt(), e.recordedAt(),
                e.payload(), null, null));

        StackComparison.Outcome o = StackComparison.compare(same(), target, 2, PAGE);

        assertEquals(3 * 4 + 12, o.differenceCount());
        assertEquals(StackComparison.KEPT, o.differences().size());
        assertTrue(o.differences().stream().allMatch(d -> d.endsWith(": schemaVersion differ")), o.differences().toString());
    }
}
