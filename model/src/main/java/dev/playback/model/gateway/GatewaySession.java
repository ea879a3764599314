package dev.playback.model.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventEnvelope;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The gateway as one processor sees it while handling one event. Queries are answered at once (from the
 * record, or asked and recorded before use); commands are collected and, at {@link #finish()}, sent,
 * suppressed, corrected or allowed according to the run's mode. Not thread-safe: one per event.
 */
public final class GatewaySession implements Gateway {
    static final String SEND = "send";
    static final String CORRECTION = "correction";

    private record Pending(CallSite site, JsonNode command) {
    }

    private final String processor;
    private final Function<CallSite, CommandRules> rules;
    private final GatewayPorts ports;
    private final GatewayRun run;
    private final GatewayMode mode;
    private final EventEnvelope event;
    private final GatewayReport report;
    private final List<Pending> pending = new ArrayList<>();
    private boolean finished;

    public GatewaySession(String processor, Function<CallSite, CommandRules> rules, GatewayPorts ports, GatewayRun run,
                          EventEnvelope event, GatewayReport report) {
        this.processor = processor;
        this.rules = rules;
        this.ports = ports;
        this.run = run;
        this.mode = run.modeFor(event);
        this.event = event;
        this.report = report;
    }

    @Override
    public JsonNode query(CallSite site, JsonNode request) {
        if (finished) throw new IllegalStateException("gateway session of event " + event.eventId() + " is finished");
        String hash = Hashes.request(request);
        QueryKey key = new QueryKey(processor, event.eventId(), site, hash);
        Optional<RecordedQuery> recorded = ports.records().find(key);
        if (recorded.isPresent()) return recorded.get().response();
        if (mode instanceof GatewayMode.Live) {
            JsonNode response = external(site, request);
            // the first answer recorded for this query is the one every run uses (a concurrent session may have won)
            return ports.records().put(new RecordedQuery(key, request, response, "live")).response();
        }
        if (mode instanceof GatewayMode.Predict) {
            // a what-if records nothing: the answer is asked for this run only (missing records live), and reported
            if (!(run.missing() instanceof MissingRecord.Live)) throw new MissingRecordException(processor, event.eventId(), site, hash);
            JsonNode response = external(site, request);
            report.liveQuery(new GatewayReport.LiveQuery(processor, event.eventId(), site, hash));
            return response;
        }
        boolean allowed = mode instanceof GatewayMode.Allow a && a.allows(site);
        if (allowed || run.missing() instanceof MissingRecord.Live) {
            JsonNode response = external(site, request);
            RecordedQuery kept = ports.records().put(new RecordedQuery(key, request, response, "replay:" + run.replayId()));
            report.liveQuery(new GatewayReport.LiveQuery(processor, event.eventId(), site, hash));
            return kept.response();
        }
        throw new MissingRecordException(processor, event.eventId(), site, hash);
    }

    @Override
    public void send(CallSite site, JsonNode command) {
        if (finished) throw new IllegalStateException("gateway session of event " + event.eventId() + " is finished");
        pending.add(new Pending(site, command.deepCopy()));
    }

    @Override
    public void compensate(CallSite site, String eventId) {
        if (finished) throw new IllegalStateException("gateway session of event " + event.eventId() + " is finished");
        CommandRules r = rules.apply(site);
        Map<String, List<JsonNode>> sent = new TreeMap<>();
        for (LoggedCommand c : received(ports.log().forEvent(processor, eventId))) {
            if (c.site().equals(site)) {
                sent.computeIfAbsent(r.key(c.command()), k -> new ArrayList<>()).add(c.command());
            }
        }
        for (var e : sent.entrySet()) r.correction(e.getValue(), null).ifPresent(c -> pending.add(new Pending(site, c)));
    }

    /** Applies the mode to the collected commands. Idempotent per event: a retry sends nothing twice. */
    public void finish() {
        if (finished) return;
        finished = true;
        if (mode instanceof GatewayMode.Diff) {
            diff(false);
            return;
        }
        if (mode instanceof GatewayMode.Predict) {
            diff(true);
            predictNewSends();
            return;
        }
        if (pending.isEmpty()) return;
        List<LoggedCommand> logged = ports.log().forEvent(processor, event.eventId());
        for (Send p : sends(logged)) {
            int ordinal = p.ordinal();
            String key = p.key();
            boolean sends = mode instanceof GatewayMode.Live || mode instanceof GatewayMode.Allow a && a.allows(p.site());
            boolean reached = p.reached();
            Optional<LoggedCommand> ownSend = logged.stream().filter(c -> c.idempotencyKey().equals(key)
                    && c.disposition() == Disposition.ALLOWED && run.replayId() != null && run.replayId().equals(c.replayId())).findFirst();
            if (sends && ownSend.isPresent()) {
                // this replay sent it before (a resumed or retried run): reported again, not sent again
                report.sentBefore(ownSend.get());
            } else if (sends && !reached) {
                JsonNode command = pendingCommand(logged, p.site(), ordinal, p.command(), key);
                send(p.site(), command, key);
                Disposition d = mode instanceof GatewayMode.Live ? Disposition.SENT : Disposition.ALLOWED;
                LoggedCommand entry = new LoggedCommand(processor, event.eventId(), p.site(), ordinal, d, command, key, run.replayId());
                ports.log().append(entry);
                report.sent(entry);
            } else if (!(mode instanceof GatewayMode.Live)) {
                // not sent: suppressed by the mode, or an allowed gateway that already received it
                LoggedCommand entry = new LoggedCommand(processor, event.eventId(), p.site(), ordinal, Disposition.SUPPRESSED,
                        p.command(), key, run.replayId());
                ports.log().append(entry);
                report.suppressed(entry);
            }
        }
    }

    /**
     * Logs {@code command} as {@link Disposition#PENDING} before it is sent under {@code key}, and returns the command to
     * send: this one, or the one pending from before (a run that crashed between the send and its confirmation, or a
     * concurrent session that logged first). An external system keeps the first command it receives per key, so sending
     * only the command logged first keeps the log true to what the system holds, even when the logic changed between
     * the crash and the retry (a deployment): the confirming entry then records the command that went out, not the one
     * the new logic computed, and a diff replay corrects the difference.
     */
    private JsonNode pendingCommand(List<LoggedCommand> logged, CallSite site, int ordinal, JsonNode command, String key) {
        for (LoggedCommand c : logged) {
            if (c.disposition() == Disposition.PENDING && c.idempotencyKey().equals(key)) return c.command();
        }
        return ports.log().append(new LoggedCommand(processor, event.eventId(), site, ordinal, Disposition.PENDING, command, key,
                run.replayId())).command();
    }

    /**
     * What counts as received by the external systems: the confirmed sends and corrections, and the pending ones not
     * confirmed yet (a send that may have gone out before a crash; its retry sends that very command).
     */
    private static List<LoggedCommand> received(List<LoggedCommand> logged) {
        Set<String> confirmed = new HashSet<>();
        for (LoggedCommand c : logged) if (c.disposition().reachedExternalSystem()) confirmed.add(c.idempotencyKey());
        List<LoggedCommand> out = new ArrayList<>();
        for (LoggedCommand c : logged) {
            if (c.disposition().reachedExternalSystem() || c.disposition() == Disposition.PENDING && !confirmed.contains(c.idempotencyKey())) {
                out.add(c);
            }
        }
        return out;
    }

    /** Whether the entry is a correction (confirmed, or pending under a correction's idempotency key). */
    private boolean isCorrection(LoggedCommand c) {
        return c.disposition() == Disposition.CORRECTION || c.disposition() == Disposition.PENDING
                && c.idempotencyKey().equals(Hashes.idempotencyKey(processor, event.eventId(), c.site(), CORRECTION, c.ordinal()));
    }

    /**
     * Per call site and effect key: what reached the external system for this event (live sends, allowed
     * sends, corrections by other replays, each as the log records it: pending ones count) against what the current
     * logic wants; each difference goes out as one correction. Corrections by this same replay are recomputed
     * identically (same ordinals, same idempotency keys) and found in the log, so a resumed replay reports them without
     * sending them again; one that was pending when the replay crashed goes out as it was logged.
     */
    private void diff(boolean predict) {
        List<LoggedCommand> logged = ports.log().forEvent(processor, event.eventId());
        List<LoggedCommand> received = received(logged);
        Map<String, CallSite> sites = new TreeMap<>();
        for (Pending p : pending) sites.put(p.site().id(), p.site());
        for (LoggedCommand c : received) sites.put(c.site().id(), c.site());
        for (CallSite site : sites.values()) {
            CommandRules r = rules.apply(site);
            Map<String, List<JsonNode>> sent = new TreeMap<>();
            int base = 0;
            for (LoggedCommand c : received) {
                if (!c.site().equals(site)) continue;
                boolean correction = isCorrection(c);
                if (correction && run.replayId().equals(c.replayId())) continue; // this replay's own: recomputed below
                if (correction) base = Math.max(base, c.ordinal() + 1);
                sent.computeIfAbsent(r.key(c.command()), k -> new ArrayList<>()).add(c.command());
            }
            Map<String, JsonNode> wanted = new TreeMap<>();
            for (Pending p : pending) {
                if (!p.site().equals(site)) continue;
                if (wanted.put(r.key(p.command()), p.command()) != null) {
                    throw new IllegalStateException("processor " + processor + " sent two commands with key " + r.key(p.command())
                            + " at " + site.id() + " for event " + event.eventId() + "; a diff replay needs one command per key and event");
                }
            }
            Map<String, Boolean> keys = new TreeMap<>();
            sent.keySet().forEach(k -> keys.put(k, true));
            wanted.keySet().forEach(k -> keys.put(k, true));
            int ordinal = base;
            for (String k : keys.keySet()) {
                Optional<JsonNode> correction = r.correction(sent.getOrDefault(k, List.of()), wanted.get(k));
                if (correction.isEmpty()) continue;
                int n = ordinal++;
                String idem = Hashes.idempotencyKey(processor, event.eventId(), site, CORRECTION, n);
                Optional<LoggedCommand> done = logged.stream()
                        .filter(c -> c.idempotencyKey().equals(idem) && c.disposition().reachedExternalSystem()).findFirst();
                JsonNode command;
                if (done.isPresent()) {
                    command = done.get().command();
                } else if (predict) {
                    // what a diff replay would send now: a command pending under this key goes out as it was logged
                    command = logged.stream().filter(c -> c.disposition() == Disposition.PENDING && c.idempotencyKey().equals(idem))
                            .map(LoggedCommand::command).findFirst().orElse(correction.get());
                } else {
                    command = pendingCommand(logged, site, n, correction.get(), idem);
                    send(site, command, idem);
                    ports.log().append(new LoggedCommand(processor, event.eventId(), site, n, Disposition.CORRECTION, command, idem,
                            run.replayId()));
                }
                Correction c = new Correction(processor, event.eventId(), site, k, n, command, idem, done.isPresent(),
                        sent.getOrDefault(k, List.of()), wanted.get(k));
                if (predict) report.predicted(new GatewayReport.Predicted(c, event.aggregateId(), event.occurredAt(), event.recordedAt()));
                else report.correction(c);
            }
        }
    }

    /**
     * The commands an {@code allow:} replay of their gateway would send for this event: those whose send (same call
     * site and ordinal, so the same idempotency key) has not reached the external system.
     */
    private void predictNewSends() {
        if (pending.isEmpty()) return;
        for (Send p : sends(ports.log().forEvent(processor, event.eventId()))) {
            if (!p.reached()) {
                report.newSend(new GatewayReport.NewSend(processor, event.eventId(), event.aggregateId(), p.site(), p.ordinal(), p.command(),
                        p.key(), event.occurredAt(), event.recordedAt()));
            }
        }
    }

    /** A collected command as a send: its ordinal per call site, its idempotency key, whether a send under it reached outside. */
    private record Send(CallSite site, JsonNode command, int ordinal, String key, boolean reached) {
    }

    /** The collected commands as sends, in order, against what {@code logged} says reached the external systems. */
    private List<Send> sends(List<LoggedCommand> logged) {
        List<Send> out = new ArrayList<>();
        Map<CallSite, Integer> ordinals = new LinkedHashMap<>();
        for (Pending p : pending) {
            int ordinal = ordinals.merge(p.site(), 1, Integer::sum) - 1;
            String key = Hashes.idempotencyKey(processor, event.eventId(), p.site(), SEND, ordinal);
            boolean reached = logged.stream().anyMatch(c -> c.idempotencyKey().equals(key) && c.disposition().reachedExternalSystem());
            out.add(new Send(p.site(), p.command(), ordinal, key, reached));
        }
        return out;
    }

    /** Asks the external system; what its adapter throws comes back as {@link ExternalCallFailed} (retried, never parked). */
    private JsonNode external(CallSite site, JsonNode request) {
        try {
            return ports.external().query(site, request);
        } catch (RuntimeException e) {
            throw new ExternalCallFailed(site, event.eventId(), e);
        }
    }

    /** Sends to the external system; what its adapter throws comes back as {@link ExternalCallFailed}. */
    private void send(CallSite site, JsonNode command, String idempotencyKey) {
        try {
            ports.external().send(site, command, idempotencyKey);
        } catch (RuntimeException e) {
            throw new ExternalCallFailed(site, event.eventId(), e);
        }
    }
}
