package dev.playback.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventType;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.GatewayProcessor;
import dev.playback.model.gateway.Hashes;
import dev.playback.model.gateway.QueryKey;
import dev.playback.model.gateway.QuerySite;
import dev.playback.model.gateway.RecordedQuery;
import dev.playback.model.processor.Processor;
import org.opentest4j.AssertionFailedError;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Given-when-then tests of one processor, in memory:
 * <pre>{@code
 * ProcessorFixture.of(new PayoutsProcessor(FeeRule.V2))
 *         .answering(Payouts.FX_RATE, new RateRequest("EUR", "USD"), json("{\"rate\":\"1.0850\"}"))
 *         .given(opened, deposited)
 *         .when(payout)
 *         .expectCommands(Payouts.BANK_PAYOUT_SITE, json("{\"payoutId\":\"p-1\", … \"amount\":\"107.42\"}"))
 *         .expectStateField("p-1", "payouts.p-1.fee", "1.08");
 * }</pre>
 * The given events build the history (their commands are not expected); the when events are under test. Events without a
 * version get 1, 2, 3, … per aggregate. A processor with external effects gets the live gateway on in-memory ports: its
 * queries are answered by {@link #answering} or by the answers an archive or fixture file recorded (a query without one
 * fails at once, naming it: {@link MissingAnswer}), its commands are captured, and a reversal compensates what this run sent.
 * Each {@code given} or {@code when} starts from nothing: one fixture serves many tests.
 */
public final class ProcessorFixture<S> {
    private final Run.Target<S> processor;
    private final List<RecordedQuery> answers = new ArrayList<>();
    private EventCatalog catalog = new EventCatalog(List.of());

    private ProcessorFixture(Run.Target<S> processor) {
        this.processor = processor;
    }

    /** A fixture for a processor without external effects (a projection). */
    public static <S> ProcessorFixture<S> of(Processor<S> processor) {
        return new ProcessorFixture<>(new Run.Target<>(processor, null));
    }

    /** A fixture for a processor with external effects. */
    public static <S> ProcessorFixture<S> of(GatewayProcessor<S> processor) {
        return new ProcessorFixture<>(new Run.Target<>(null, processor));
    }

    /** Upcasts events of older payload schemas with these types' upcasters before they are applied (as the projector does). */
    public ProcessorFixture<S> upcasting(Collection<? extends EventType> eventTypes) {
        this.catalog = new EventCatalog(eventTypes);
        return this;
    }

    /** Answers the query {@code request} at {@code site} with {@code response}, for every event that asks it. */
    public ProcessorFixture<S> answering(CallSite site, JsonNode request, JsonNode response) {
        answers.add(new RecordedQuery(new QueryKey(null, null, site, Hashes.request(request)), request, response, "fixture"));
        return this;
    }

    /** The same for a typed query site: the request is written as the processor writes it. */
    public <Q> ProcessorFixture<S> answering(QuerySite<Q, ?> site, Q request, JsonNode response) {
        return answering(site.site(), site.request().apply(request), response);
    }

    /** The history: applied first, their effects not under test. */
    public Given given(EventEnvelope... events) {
        return given(History.of(List.of(events)));
    }

    public Given given(List<EventEnvelope> events) {
        return given(History.of(events));
    }

    /** The history of a fixture file or an archive; its recorded answers answer the queries of its events. */
    public Given given(History history) {
        return new Given(history);
    }

    /** Events under test, with no history. */
    public Outcome<S> when(EventEnvelope... events) {
        return given().when(events);
    }

    /** The events of a fixture file or an archive under test, their queries answered from its recorded answers. */
    public Outcome<S> when(History history) {
        return given().when(history);
    }

    /**
     * Runs every event of {@code history} and keeps only each aggregate's last state and the count of commands: for
     * large archives (a benchmark, or a check that new logic applies to all of production's events without failing).
     * A failing event throws, naming it.
     */
    public Replayed<S> replay(History history) {
        Run<S> run = new Run<>(processor, catalog, all(history.answers()), false);
        for (EventEnvelope e : history.events()) {
            try {
                run.apply(e, false);
            } catch (RuntimeException x) {
                throw new AssertionFailedError("event " + Outcome.describe(run.current()) + " failed in processor " + processor.name() + ": " + x, x);
            }
        }
        return new Replayed<>(run.states(), history.events().size(), run.commandCount());
    }

    /** What a {@link #replay} leaves: each aggregate's state after its last event, the events applied, the commands sent. */
    public record Replayed<S>(java.util.Map<String, S> states, long events, long commands) {
        public Replayed {
            states = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(states));
        }
    }

    private List<RecordedQuery> all(List<RecordedQuery> recorded) {
        List<RecordedQuery> out = new ArrayList<>(recorded);
        out.addAll(answers);
        return out;
    }

    /** The history applied; {@link #when} runs the events under test after it. */
    public final class Given {
        private final History history;

        private Given(History history) {
            this.history = history;
        }

        public Outcome<S> when(EventEnvelope... events) {
            return when(History.of(List.of(events)));
        }

        public Outcome<S> when(List<EventEnvelope> events) {
            return when(History.of(events));
        }

        public Outcome<S> when(History underTest) {
            List<RecordedQuery> recorded = new ArrayList<>(history.answers());
            recorded.addAll(underTest.answers());
            Run<S> run = new Run<>(processor, catalog, all(recorded), true);
            List<Outcome.Step<S>> steps = new ArrayList<>();
            for (EventEnvelope e : history.events()) {
                try {
                    steps.add(run.apply(e, true));
                } catch (RuntimeException x) {
                    throw new AssertionFailedError("given event " + Outcome.describe(run.current()) + " failed in processor "
                            + processor.name() + ": " + x, x);
                }
            }
            for (EventEnvelope e : underTest.events()) {
                try {
                    steps.add(run.apply(e, false));
                } catch (RuntimeException x) {
                    return new Outcome<>(processor, steps, run.current(), x, underTest.commands());
                }
            }
            return new Outcome<>(processor, steps, null, null, underTest.commands());
        }
    }
}
