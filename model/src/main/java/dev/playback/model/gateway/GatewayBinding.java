package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.processor.Processor;

/**
 * A {@link GatewayProcessor} as a plain {@link Processor} for one {@link GatewayRun}, so the
 * {@link dev.playback.model.processor.Projector} can keep its state like any projection's: every
 * {@link #apply} opens a {@link GatewaySession} for the event and closes it, applying the run's policy
 * to the commands the event produced. Applying the same event again (a retry) sends nothing twice:
 * commands carry idempotency keys and the log keeps one entry per key.
 */
public final class GatewayBinding<S> implements Processor<S> {
    private final GatewayProcessor<S> processor;
    private final GatewayPorts ports;
    private final GatewayRun run;
    /** Null: nothing is reported (each session reports into a report of its own). */
    private final GatewayReport report;
    /** The gateway every event is handled through, when the caller opens and closes its sessions; null: one session per event. */
    private final Gateway through;

    public GatewayBinding(GatewayProcessor<S> processor, GatewayPorts ports, GatewayRun run, GatewayReport report) {
        this(processor, ports, run, report, null);
    }

    private GatewayBinding(GatewayProcessor<S> processor, GatewayPorts ports, GatewayRun run, GatewayReport report, Gateway through) {
        this.processor = processor;
        this.ports = ports;
        this.run = run;
        this.report = report;
        this.through = through;
    }

    /**
     * {@code processor} handling every event through {@code gateway} as it is: the caller opens the event's session and
     * closes it (a test's recording gateway, for example); {@link #report} stays empty.
     */
    public static <S> GatewayBinding<S> through(GatewayProcessor<S> processor, Gateway gateway) {
        return new GatewayBinding<>(processor, null, null, new GatewayReport(), java.util.Objects.requireNonNull(gateway, "gateway"));
    }

    /** The run id of {@link #recordedAnswers} folds (it names no replay: nothing they do is logged or recorded). */
    static final String RECORDED_ANSWERS = "recorded-answers";

    /**
     * {@code processor} folding from the recorded answers only, for states computed without effects (time travel,
     * snapshots, comparisons): {@code ports} {@link GatewayPorts#readOnly read-only} in {@link GatewayMode#SUPPRESS} with
     * missing records {@link MissingRecord#FAIL}. Every query is answered from the answer recorded when its event was
     * first processed, and one without a record throws {@link MissingRecordException} naming the event and the call
     * site; nothing is asked, sent, logged or recorded. What the gateway did is not reported (each event's session
     * reports into a report of its own, dropped after it), so the binding can be kept and shared.
     */
    public static <S> GatewayBinding<S> recordedAnswers(GatewayProcessor<S> processor, GatewayPorts ports) {
        return new GatewayBinding<>(processor, ports.readOnly(), GatewayRun.replay(RECORDED_ANSWERS, GatewayMode.SUPPRESS, MissingRecord.FAIL),
                null, null);
    }

    /** What the gateway did; always empty for a binding that reports nothing ({@link #recordedAnswers}). */
    public GatewayReport report() {
        return report != null ? report : new GatewayReport();
    }

    @Override
    public String name() {
        return processor.name();
    }

    @Override
    public String logicVersion() {
        return processor.logicVersion();
    }

    @Override
    public S initial(String aggregateId) {
        return processor.initial(aggregateId);
    }

    @Override
    public S apply(S state, EventEnvelope event) {
        return inSession(event, session -> processor.apply(state, event, session));
    }

    /** Runs one event's handling with a gateway session for it, closed (its commands sent, suppressed or corrected) after. */
    private <T> T inSession(EventEnvelope event, java.util.function.Function<Gateway, T> handling) {
        if (through != null) return handling.apply(through);
        GatewaySession session = new GatewaySession(processor.name(), processor::rules, ports, run, event,
                report != null ? report : new GatewayReport());
        T next = handling.apply(session);
        session.finish();
        return next;
    }

    @Override
    public java.util.Optional<String> reverses(EventEnvelope event) {
        return processor.reverses(event);
    }

    @Override
    public S applyAbsorbed(S state, EventEnvelope reversal) {
        return inSession(reversal, session -> processor.applyAbsorbed(state, reversal, session));
    }

    @Override
    public boolean reversalsFromEvents() {
        return processor.reversalsFromEvents();
    }

    @Override
    public dev.playback.model.processor.ReversalOutcome<S> applyReversal(S state, EventEnvelope reversal,
                                                                         dev.playback.model.processor.ReversedEvent target) {
        return inSession(reversal, session -> processor.applyReversal(state, reversal, target, session));
    }

    @Override
    public java.util.Optional<JsonNode> note(S before, S after, EventEnvelope event) {
        return processor.note(before, after, event);
    }

    @Override
    public S applyUnresolvable(S state, EventEnvelope reversal, String reason) {
        return processor.applyUnresolvable(state, reversal, reason);
    }

    @Override
    public JsonNode encode(S state) {
        return processor.encode(state);
    }

    @Override
    public S decode(JsonNode json) {
        return processor.decode(json);
    }
}
