package dev.playback.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.parking.Parked;
import dev.playback.model.parking.Unpark;
import dev.playback.tools.LocalStack;
import dev.playback.tools.cli.ParkingCommands;
import dev.playback.tools.client.PlaybackApi;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parking in the demo: fee rule v3 is deployed (its bug: a payout in a currency without a minimum fee throws), a payout
 * in EUR from an EUR account parks the account for {@code payouts} while the balances projection and every other
 * account go on, its next event is held back; then the fix v4 is deployed and {@code playback unpark} has the processor
 * apply the held events, in order, once.
 */
final class DemoParking {
    private static final String ACCOUNT = "gina";
    private static final Duration IDLE = Duration.ofMinutes(2);
    private final PrintStream out;
    private final LocalStack stack;
    private final PlaybackApi api;

    DemoParking(PrintStream out, LocalStack stack, PlaybackApi api) {
        this.out = out;
        this.stack = stack;
        this.api = api;
    }

    /** Returns whether the account was parked, held back, and after the unpark at its last version with the payout sent once. */
    boolean run() throws Exception {
        out.println("== parking: a processor's bug on one aggregate's event parks that aggregate, the rest flows ==");
        out.println("deployed FeeRule=v3 to " + String.join(", ", stack.updateParameter("FeeRule", "v3"))
                + " (v3: a minimum fee per target currency; EUR has none, and a payout in EUR throws)");
        post("[" + String.join(",",
                Demo.ev(ACCOUNT, "AccountOpened", "{\"owner\":\"Gina\",\"currency\":\"EUR\"}", null, null),
                Demo.ev(ACCOUNT, "MoneyDeposited", "{\"amount\":\"300.00\"}", null, null),
                Demo.ev(ACCOUNT, "PayoutRequested", "{\"amount\":\"40.00\",\"targetCurrency\":\"EUR\",\"beneficiary\":\"Ivan\"}",
                        "demo-park-pay", null)) + "]");
        stack.awaitIdle(IDLE);
        ParkingCommands.Target target = new ParkingCommands.Target(stack.dynamoDb(), stack.kinesis(), stack.s3(),
                stack.physicalName("ParkedTable"), stack.physicalName("EventsTable"), stack.physicalName("EventIdsTable"),
                stack.physicalName("DataTable"), stack.physicalName("PayloadBucket"), stack.physicalName("PlaybackStream"), "local stack");
        List<Parked> parked = target.parked().all();
        out.println("$ playback parked");
        parked.forEach(p -> out.println("  " + ParkingCommands.line(p)));
        post("[" + Demo.ev(ACCOUNT, "MoneyDeposited", "{\"amount\":\"10.00\"}", null, null) + "]");
        stack.awaitIdle(IDLE);
        long heldAt = version("payouts");
        out.printf(Locale.ROOT, "sent: one more deposit to %s; payouts holds it back at version %d, balances applied it (version %d)%n",
                ACCOUNT, heldAt, version("balances"));

        out.println("deployed FeeRule=v4 (the fix: a currency without a minimum takes 0.50) to "
                + String.join(", ", stack.updateParameter("FeeRule", "v4")));
        out.println("$ playback unpark " + ACCOUNT);
        Unpark unpark = target.unpark(IDLE);
        List<Unpark.Outcome> outcomes = unpark.unpark(unpark.select(Optional.of(ACCOUNT), Optional.empty()));
        outcomes.forEach(o -> out.println("  " + ParkingCommands.line(o)));
        JsonNode payouts = api.get("/aggregates/" + ACCOUNT + "?processor=payouts").body();
        long sent = stack.external().bank().payouts().stream().filter(p -> p.payoutId().equals("demo-park-pay")).count();
        String balance = payouts.path("state").path("ledger").path("balance").asText();
        out.printf(Locale.ROOT, "%s in payouts: version %d, balance %s (300.00 − 40.00 + 10.00 = 270.00); demo-park-pay sent %d time(s), net %s%n",
                ACCOUNT, payouts.path("version").asLong(), balance, sent,
                payouts.path("state").path("payouts").path("demo-park-pay").path("net").asText());
        boolean ok = parked.size() == 1 && parked.get(0).aggregateId().equals(ACCOUNT) && heldAt == 2
                && outcomes.size() == 1 && outcomes.get(0) instanceof Unpark.Outcome.Unparked
                && payouts.path("version").asLong() == 4 && "270.00".equals(balance) && sent == 1 && target.parked().all().isEmpty();
        out.println("parking: " + (ok ? "OK" : "FAILED"));
        return ok;
    }

    private long version(String processor) {
        return api.get("/aggregates/" + ACCOUNT + "?processor=" + processor).body().path("version").asLong();
    }

    private void post(String body) {
        PlaybackApi.Answer a = api.postEvents(body);
        if (a.status() != 202) throw new IllegalStateException("the demo's events were refused: " + a.status() + " " + a.body());
    }
}
