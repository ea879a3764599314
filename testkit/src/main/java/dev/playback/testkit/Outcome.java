package dev.playback.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.Disposition;
import dev.playback.model.gateway.LoggedCommand;
import org.opentest4j.AssertionFailedError;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The "then" of a test: what the processor did for each event under test (the {@code when} events) and its state after
 * each event (the {@code given} ones too). Every {@code expect…} returns this outcome, so expectations chain; a failed one
 * throws an {@link AssertionFailedError} that names the event and the field or command that differs.
 */
public final class Outcome<S> {
    /** A query the processor asked while handling an event, and the answer it got. */
    public record Query(CallSite site, JsonNode request, JsonNode response) {
    }

    /** A command the processor sent while handling event {@code eventId} (a compensation of a reversal included). */
    public record Command(String eventId, CallSite site, JsonNode command) {
    }

    /** One event applied: the event (with its version), whether it was given (history) and what followed from it. */
    public record Step<S>(EventEnvelope event, boolean given, S state, List<Query> queries, List<Command> commands) {
    }

    /** The event under test whose handling threw, and what it threw. */
    private record Failure(EventEnvelope event, RuntimeException error) {
    }

    private final Run.Target<S> processor;
    private final List<Step<S>> steps;
    private final Failure failure;
    private final List<LoggedCommand> recorded;

    Outcome(Run.Target<S> processor, List<Step<S>> steps, EventEnvelope failed, RuntimeException error, List<LoggedCommand> recorded) {
        this.processor = processor;
        this.steps = List.copyOf(steps);
        this.failure = failed == null ? null : new Failure(failed, error);
        this.recorded = List.copyOf(recorded);
    }

    /** Every event applied, the given ones first, in order. */
    public List<Step<S>> steps() {
        return steps;
    }

    /** The processor's state right after event {@code eventId}. */
    public S stateAfter(String eventId) {
        return step(eventId).state();
    }

    /** The commands the events under test sent, in order. */
    public List<Command> commands() {
        noFailure();
        List<Command> out = new ArrayList<>();
        for (Step<S> s : steps) if (!s.given()) out.addAll(s.commands());
        return out;
    }

    /** The state after {@code eventId}, as the processor encodes it, equals {@code expectedJson} field by field. */
    public Outcome<S> expectState(String eventId, String expectedJson) {
        return expectState(eventId, parse(expectedJson));
    }

    public Outcome<S> expectState(String eventId, JsonNode expected) {
        Step<S> step = step(eventId);
        JsonNode actual = processor.encode(step.state());
        List<String> differences = JsonDifferences.of(expected, actual);
        if (!differences.isEmpty()) {
            throw new AssertionFailedError("state of processor " + processor.name() + " after event " + describe(step.event()) + " differs:\n  "
                    + String.join("\n  ", differences), expected, actual);
        }
        return this;
    }

    /**
     * One field of the state after {@code eventId}, as the processor encodes it: {@code path} is a dotted path
     * ({@code payouts.p-1.net}; a field name holding a dot cannot be reached this way), {@code expected} its text.
     */
    public Outcome<S> expectStateField(String eventId, String path, String expected) {
        Step<S> step = step(eventId);
        JsonNode node = processor.encode(step.state());
        StringBuilder reached = new StringBuilder();
        for (String name : path.split("\\.")) {
            node = node.path(name);
            reached.append(reached.isEmpty() ? "" : ".").append(name);
            if (node.isMissingNode()) {
                throw new AssertionFailedError("state of processor " + processor.name() + " after event " + describe(step.event())
                        + " has no field " + reached + " (looking for " + path + ")");
            }
        }
        if (!node.isValueNode() || !node.asText().equals(expected)) {
            throw new AssertionFailedError("state of processor " + processor.name() + " after event " + describe(step.event()) + ": field "
                    + path + " expected " + expected + ", was " + (node.isValueNode() ? node.asText() : node.toString()), expected,
                    node.isValueNode() ? node.asText() : node.toString());
        }
        return this;
    }

    /** Your own assertions on the state after {@code eventId}. */
    public Outcome<S> expectState(String eventId, Consumer<S> assertions) {
        assertions.accept(stateAfter(eventId));
        return this;
    }

    /** The events under test sent exactly {@code expected} to {@code site}, in this order (other sites not looked at). */
    public Outcome<S> expectCommands(CallSite site, JsonNode... expected) {
        compareCommands("the events under test", true, site, List.of(expected), commands().stream().filter(c -> c.site().equals(site)).toList());
        return this;
    }

    /** Event {@code eventId} sent exactly {@code expected} to {@code site}, in this order. */
    public Outcome<S> expectCommandsOf(String eventId, CallSite site, JsonNode... expected) {
        Step<S> step = step(eventId);
        compareCommands("event " + describe(step.event()), false, site, List.of(expected), step.commands().stream().filter(c -> c.site().equals(site)).toList());
        return this;
    }

    /** The events under test sent no command anywhere. */
    public Outcome<S> expectNoCommands() {
        List<Command> sent = commands();
        if (!sent.isEmpty()) {
            Command first = sent.get(0);
            throw new AssertionFailedError("expected no commands from the events under test, but " + sent.size() + " were sent, the first by event "
                    + describe(step(first.eventId()).event()) + " to " + first.site().id() + ": " + first.command());
        }
        return this;
    }

    /**
     * Each event under test sent what live processing sent for it, as the command log of its archive records it (the
     * entries {@code SENT} by this processor, per call site in the order logged): the check that new logic, or a
     * refactoring, does what production did. An archive with corrections ({@code diff} replays) is compared with its live
     * sends only.
     */
    public Outcome<S> expectCommandsAsRecorded() {
        noFailure();
        for (Step<S> step : steps) {
            if (step.given()) continue;
            List<LoggedCommand> live = recorded.stream().filter(c -> c.processor().equals(processor.name())
                    && c.eventId().equals(step.event().eventId()) && c.disposition() == Disposition.SENT).toList();
            java.util.Set<CallSite> sites = new java.util.LinkedHashSet<>();
            live.forEach(c -> sites.add(c.site()));
            step.commands().forEach(c -> sites.add(c.site()));
            for (CallSite site : sites) {
                compareCommands("event " + describe(step.event()), false, site,
                        live.stream().filter(c -> c.site().equals(site)).map(LoggedCommand::command).toList(),
                        step.commands().stream().filter(c -> c.site().equals(site)).toList());
            }
        }
        return this;
    }

    /** Event {@code eventId} asked {@code site} with {@code request} (and got an answer). */
    public Outcome<S> expectQueried(String eventId, CallSite site, JsonNode request) {
        Step<S> step = step(eventId);
        if (step.queries().stream().noneMatch(q -> q.site().equals(site) && q.request().equals(request))) {
            throw new AssertionFailedError("event " + describe(step.event()) + " did not ask " + site.id() + " " + request + "; it asked "
                    + step.queries().stream().map(q -> q.site().id() + " " + q.request()).toList());
        }
        return this;
    }

    /** Handling event {@code eventId} threw a {@code type}; returns it for further checks. */
    public <T extends Throwable> T expectFailure(String eventId, Class<T> type) {
        if (failure == null) throw new AssertionFailedError("expected event " + eventId + " to fail with " + type.getSimpleName() + ", but every event applied");
        if (!failure.event().eventId().equals(eventId) || !type.isInstance(failure.error())) {
            throw new AssertionFailedError("expected event " + eventId + " to fail with " + type.getSimpleName() + ", but event "
                    + describe(failure.event()) + " failed with " + failure.error(), failure.error());
        }
        return type.cast(failure.error());
    }

    /** {@code byEvent}: name the event that sent the command in a failure ({@code who} is more than one event). */
    private void compareCommands(String who, boolean byEvent, CallSite site, List<JsonNode> expected, List<Command> sent) {
        List<JsonNode> actual = sent.stream().map(Command::command).toList();
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            JsonNode e = i < expected.size() ? expected.get(i) : null;
            JsonNode a = i < actual.size() ? actual.get(i) : null;
            if (e == null || a == null) {
                throw new AssertionFailedError(who + " sent " + actual.size() + " commands to " + site.id() + ", expected " + expected.size()
                        + (a == null ? "; missing: " + e : "; not expected: " + a + sender(byEvent, sent.get(i))),
                        expected, actual);
            }
            List<String> differences = JsonDifferences.of(e, a);
            if (!differences.isEmpty()) {
                throw new AssertionFailedError("command " + (i + 1) + " of " + actual.size() + " that " + who + " sent to " + site.id()
                        + sender(byEvent, sent.get(i)) + " differs:\n  " + String.join("\n  ", differences), e, a);
            }
        }
    }

    private String sender(boolean byEvent, Command c) {
        return byEvent ? " (by event " + describe(step(c.eventId()).event()) + ")" : "";
    }

    private Step<S> step(String eventId) {
        noFailure();
        for (Step<S> s : steps) if (s.event().eventId().equals(eventId)) return s;
        throw new AssertionFailedError("no event " + eventId + " was applied; the events were "
                + steps.stream().map(s -> s.event().eventId()).toList());
    }

    private void noFailure() {
        if (failure != null) {
            throw new AssertionFailedError("event " + describe(failure.event()) + " failed in processor " + processor.name() + ": "
                    + failure.error(), failure.error());
        }
    }

    private static JsonNode parse(String json) {
        try {
            return EventCodec.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the expected state is not JSON: " + e.getOriginalMessage() + ": " + json, e);
        }
    }

    /** {@code p-1 (PayoutRequested, aggregate acc-1, version 3)}: how failures name an event. */
    static String describe(EventEnvelope e) {
        return e.eventId() + " (" + e.type() + ", aggregate " + e.aggregateId() + ", version " + e.version() + ")";
    }
}
