package dev.playback.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.tools.client.PlaybackApi;
import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.model.gateway.Compensation;
import dev.playback.model.gateway.GatewayProcessor;
import dev.playback.examples.ledger.AccountBalance;
import dev.playback.examples.ledger.Amount;
import dev.playback.examples.ledger.BalancesProjection;
import dev.playback.examples.ledger.FeeRule;
import dev.playback.examples.ledger.Ledger;
import dev.playback.examples.ledger.LedgerEvent;
import dev.playback.model.processor.Reversals;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code playback reverse EVENT_ID --reason R [--dry-run] [--api URL]}: appends an {@code EventReversed}
 * through the normal ingest path (POST /events, guarded by the aggregate's current version). Before that it
 * folds the aggregate's history with the domain's rules to refuse what the processors would reject (an event
 * reversed twice, an account opening, an unknown event); an event older than what the state remembers is
 * planned as the processors will do it, by rebuilding the account without it. {@code --dry-run} prints the balance change and the
 * compensations the processors with external effects decide from their state ({@link GatewayProcessor#compensations}),
 * and commits nothing. The API URL comes from {@code --api},
 * {@code --aws --stack NAME} (the deployed stack's {@code ApiUrl} output), or {@code PLAYBACK_API} (printed by
 * {@code playback local}), in that order. {@code --aws} signs every request with SigV4 (the SDK's default credentials and region), as
 * the deployed API's IAM authorization requires.
 */
public final class ReverseCommand {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final PlaybackApi api;
    private final PrintStream out;
    private final EventCatalog catalog = Ledger.catalog();
    private final BalancesProjection balances = new BalancesProjection();
    /** The domain's processors with external effects: each decides what a reversal causes (the fee rule plays no part). */
    private final List<GatewayProcessor<?>> effectful = List.of(Ledger.payouts(FeeRule.V2));

    public ReverseCommand(PlaybackApi api, PrintStream out) {
        this.api = api;
        this.out = out;
    }

    /** {@code playback reverse}: exit code 0 done (or dry run), 1 refused, 2 usage error. */
    @Command(name = "reverse", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
            description = {"Appends a compensating EventReversed for EVENT_ID through the HTTP API (POST /events, guarded by the "
                    + "account's current version), after checking it with the domain's rules; --dry-run prints the balance change "
                    + "and the compensations and commits nothing.",
                    "The API URL comes from --api, else --aws --stack NAME (the stack's ApiUrl output), else $PLAYBACK_API "
                            + "(printed by 'playback local'). --aws signs every request with SigV4."})
    public static final class Cli implements Callable<Integer> {
        @Parameters(paramLabel = "EVENT_ID", description = "the event to reverse")
        String eventId;
        @Option(names = "--reason", paramLabel = "R", required = true, description = "why (kept in the reversal event)")
        String reason;
        @Option(names = "--dry-run", description = "print what the reversal would do; commit nothing")
        boolean dryRun;
        @Mixin
        ApiOptions target;
        @Spec
        CommandSpec spec;
        private final Streams streams;

        public Cli(Streams streams) {
            this.streams = streams;
        }

        @Override
        public Integer call() throws InterruptedException {
            if (reason.isBlank()) throw Usage.error(spec, "option --reason needs a non-empty value");
            PlaybackApi client = target.api(spec);
            Outcome o = new ReverseCommand(client, streams.out()).reverse(eventId, reason, dryRun);
            if (o instanceof Outcome.Refused r) {
                streams.err().println("playback reverse: " + r.reason());
                return Usage.FAILED;
            }
            return Usage.OK;
        }
    }

    /** What {@link #reverse} did. */
    public sealed interface Outcome {
        record Refused(String reason) implements Outcome {
        }

        record Planned(String aggregateId, BigDecimal balanceBefore, BigDecimal balanceAfter, List<Compensation> compensations) implements Outcome {
        }

        record Appended(String reversalEventId, String aggregateId, long version) implements Outcome {
        }
    }

    public Outcome reverse(String eventId, String reason, boolean dryRun) throws InterruptedException {
        PlaybackApi.Answer found = api.event(eventId);
        if (found.status() == 404) return refused("event " + eventId + " is not in the events table (unknown, or not appended yet)");
        if (found.status() != 200) return refused("GET /events/" + eventId + " answered " + found.status() + ": " + found.body());
        if ("rejected".equals(found.body().path("status").asText())) {
            return refused("event " + eventId + " was rejected (" + found.body().path("reason").asText() + "); it has no effect to reverse");
        }
        EventEnvelope target = EventCodec.fromJson(found.body());
        String aggregateId = target.aggregateId();
        List<EventEnvelope> history = history(aggregateId);
        List<EventEnvelope> upcast = history.stream().map(catalog::upcast).toList();
        AccountBalance before = Reversals.fold(balances, aggregateId, balances.initial(aggregateId), List.of(), upcast);
        long version = history.isEmpty() ? 0 : history.get(history.size() - 1).version();
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("reversedEventId", eventId).put("reason", reason);
        EventEnvelope planned = new EventEnvelope("dry-run", aggregateId, LedgerEvent.EVENT_REVERSED, 1, version + 1, version,
                target.occurredAt(), null, payload, null, EventMetadata.NONE);
        catalog.require(LedgerEvent.EVENT_REVERSED).validate(payload);
        // Where the state no longer remembers the reversed event's effect, the account is rebuilt without it.
        AccountBalance after = Reversals.fold(balances, aggregateId, before, upcast, List.of(planned));
        if (after.rejectedCount() > before.rejectedCount()) {
            return refused(after.rejected().get(after.rejected().size() - 1).reason().replace("dry-run", "this reversal"));
        }
        List<Compensation> compensations = compensations(aggregateId, eventId);
        if (dryRun) {
            out.println("dry run: reversing " + target.type() + " " + eventId + " of " + aggregateId + " (at version " + version + ")");
            out.println("  balance " + Amount.format(before.balance()) + " -> " + Amount.format(after.balance()) + " " + nullToEmpty(before.currency()));
            if (compensations.isEmpty()) out.println("  compensations: none");
            for (Compensation c : compensations) out.println("  compensation to " + c.site() + ": " + c.command());
            out.println("  nothing committed");
            return new Outcome.Planned(aggregateId, before.balance(), after.balance(), compensations);
        }
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("aggregateId", aggregateId).put("type", LedgerEvent.EVENT_REVERSED).put("expectedVersion", version);
        event.set("payload", payload);
        event.putObject("metadata").put("causationId", eventId).put("actor", "playback-reverse");
        PlaybackApi.Answer posted = api.postEvents(event);
        if (posted.status() != 202) return refused("POST /events answered " + posted.status() + ": " + posted.body());
        String reversalId = posted.body().path("eventIds").get(0).asText();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            PlaybackApi.Answer a = api.event(reversalId);
            if (a.status() == 200 && "rejected".equals(a.body().path("status").asText())) {
                return refused("reversal " + reversalId + " was rejected: " + a.body().path("reason").asText()
                        + " (the account changed meanwhile; try again)");
            }
            if (a.status() == 200) {
                out.println("reversed " + eventId + " of " + aggregateId + ": " + reversalId + " appended at version " + a.body().path("version").asLong());
                out.println("  balance " + Amount.format(before.balance()) + " -> " + Amount.format(after.balance()) + " " + nullToEmpty(before.currency()));
                for (Compensation c : compensations) out.println("  compensation to " + c.site() + ": " + c.command());
                return new Outcome.Appended(reversalId, aggregateId, a.body().path("version").asLong());
            }
            Thread.sleep(100);
        }
        out.println("reversal " + reversalId + " accepted; not appended within " + WAIT.toSeconds() + " s (check GET /events/" + reversalId + ")");
        return new Outcome.Appended(reversalId, aggregateId, -1);
    }

    /**
     * What the processors with external effects say the reversal causes ({@link GatewayProcessor#compensations}), each
     * from its stored state of the aggregate; a processor with no state of it causes nothing.
     */
    private List<Compensation> compensations(String aggregateId, String eventId) {
        List<Compensation> out = new ArrayList<>();
        for (GatewayProcessor<?> p : effectful) out.addAll(compensations(p, aggregateId, eventId));
        return out;
    }

    private <S> List<Compensation> compensations(GatewayProcessor<S> processor, String aggregateId, String eventId) {
        PlaybackApi.Answer state = api.get("/aggregates/" + aggregateId + "?processor=" + processor.name());
        if (state.status() == 404) return List.of();
        if (state.status() != 200) {
            throw new IllegalStateException("GET state of " + aggregateId + " in " + processor.name() + " answered " + state.status() + ": " + state.body());
        }
        return processor.compensations(processor.decode(state.body().path("state")), eventId);
    }

    private List<EventEnvelope> history(String aggregateId) {
        List<EventEnvelope> out = new ArrayList<>();
        long from = 1;
        while (true) {
            PlaybackApi.Answer a = api.get("/aggregates/" + aggregateId + "/events?fromVersion=" + from);
            if (a.status() == 404) return out;
            if (a.status() != 200) throw new IllegalStateException("GET history of " + aggregateId + " answered " + a.status() + ": " + a.body());
            for (JsonNode e : a.body().path("events")) out.add(EventCodec.fromJson(e));
            if (!a.body().has("nextFromVersion")) return out;
            from = a.body().get("nextFromVersion").asLong();
        }
    }

    private static Outcome refused(String reason) {
        return new Outcome.Refused(reason);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

}
