package dev.playback.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.examples.ledger.FeeRule;
import dev.playback.examples.ledger.Ledger;
import dev.playback.examples.ledger.LedgerEvent;
import dev.playback.examples.ledger.Payouts;
import dev.playback.examples.ledger.PayoutsProcessor;
import dev.playback.examples.ledger.PayoutsState;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.model.gateway.Hashes;
import dev.playback.model.gateway.QueryKey;
import dev.playback.model.gateway.RecordedQuery;
import dev.playback.testkit.History;
import dev.playback.testkit.ProcessorFixture;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code playback bench testkit}: an in-memory replay through the test kit ({@link ProcessorFixture#replay}) of the
 * {@code payouts} processor (fee rule v2, the live gateway on in-memory ports): {@code events} generated ledger events
 * over {@code accounts} accounts, each payout with its recorded FX answer as an archive holds it, or the events of an
 * archive file. Prints the events/s of the replay (and of reading the archive), and checks the generated history's total
 * balance against the sum of its amounts, counted apart.
 */
public final class TestkitBenchmark {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    /** Each account after its opening: a deposit of 100.00, a withdrawal of 10.00 and a payout of 20.00, over and over. */
    private static final String DEPOSIT = "100.00";
    private static final String WITHDRAWAL = "10.00";
    private static final String PAYOUT = "20.00";
    private final PrintStream out;

    public TestkitBenchmark(PrintStream out) {
        this.out = out;
    }

    /** Replays {@code archive} if given, else a generated history of {@code events} over {@code accounts}; 0 when the check holds. */
    public int run(int events, int accounts, Path archive) {
        History history;
        BigDecimal expected = null;
        if (archive != null) {
            long t0 = System.nanoTime();
            history = History.fromArchive(archive);
            double read = (System.nanoTime() - t0) / 1e9;
            out.printf(Locale.ROOT, "read %s: %,d events, %,d recorded answers in %.2f s = %,.0f events/s%n", archive,
                    history.events().size(), history.answers().size(), read, history.events().size() / read);
        } else {
            Generated g = generate(events, accounts);
            history = g.history();
            expected = g.totalBalance();
            out.printf(Locale.ROOT, "generated %,d ledger events over %,d accounts (%,d payouts, each with its recorded FX answer)%n",
                    history.events().size(), accounts, history.answers().size());
        }
        ProcessorFixture<PayoutsState> fixture = ProcessorFixture.of(new PayoutsProcessor(FeeRule.V2)).upcasting(new Ledger().eventTypes());
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        ProcessorFixture.Replayed<PayoutsState> replayed = fixture.replay(history);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        out.printf(Locale.ROOT, "replay through payouts (v2), in memory, one thread: %,d events in %.2f s = %,.0f events/s "
                        + "(its CPU time %.2f s = %,.0f events per CPU second); %,d aggregates, %,d bank commands%n",
                replayed.events(), seconds, replayed.events() / seconds, cpu, replayed.events() / cpu, replayed.states().size(), replayed.commands());
        if (expected == null) return 0;
        BigDecimal total = replayed.states().values().stream().map(s -> s.ledger().balance()).reduce(BigDecimal.ZERO, BigDecimal::add);
        boolean equal = total.compareTo(expected) == 0;
        out.println("check: total balance " + total.toPlainString() + (equal ? " equals " : " differs from ") + "the sum of the amounts, "
                + expected.toPlainString());
        return equal ? 0 : 1;
    }

    private record Generated(History history, BigDecimal totalBalance) {
    }

    /** Ledger events round-robin over the accounts, and the total balance they leave, counted from the amounts apart. */
    static Generated generate(int events, int accounts) {
        List<EventEnvelope> out = new ArrayList<>(events);
        List<RecordedQuery> answers = new ArrayList<>();
        int[] perAccount = new int[accounts];
        long deposits = 0;
        long withdrawals = 0;
        long payouts = 0;
        JsonNode rateRequest = NODES.objectNode().put("from", "EUR").put("to", "USD");
        String rateHash = Hashes.request(rateRequest);
        for (int i = 0; i < events; i++) {
            int a = i % accounts;
            String account = "acc-" + a;
            int n = perAccount[a]++;
            String id = account + "-" + n;
            Instant at = T0.plusSeconds(i);
            if (n == 0) {
                out.add(event(id, account, LedgerEvent.ACCOUNT_OPENED, NODES.objectNode().put("owner", "Owner " + a).put("currency", "EUR"), at));
                continue;
            }
            switch (n % 3) {
                case 1 -> {
                    out.add(event(id, account, LedgerEvent.MONEY_DEPOSITED, NODES.objectNode().put("amount", DEPOSIT), at));
                    deposits++;
                }
                case 2 -> {
                    out.add(event(id, account, LedgerEvent.MONEY_WITHDRAWN, NODES.objectNode().put("amount", WITHDRAWAL), at));
                    withdrawals++;
                }
                default -> {
                    out.add(event(id, account, LedgerEvent.PAYOUT_REQUESTED, NODES.objectNode().put("amount", PAYOUT)
                            .put("targetCurrency", "USD").put("beneficiary", "Beneficiary " + a), at));
                    answers.add(new RecordedQuery(new QueryKey(PayoutsProcessor.NAME, id, Payouts.FX_RATE_SITE, rateHash), rateRequest,
                            NODES.objectNode().put("rate", "1.0850"), "live"));
                    payouts++;
                }
            }
        }
        BigDecimal total = new BigDecimal(DEPOSIT).multiply(BigDecimal.valueOf(deposits))
                .subtract(new BigDecimal(WITHDRAWAL).multiply(BigDecimal.valueOf(withdrawals)))
                .subtract(new BigDecimal(PAYOUT).multiply(BigDecimal.valueOf(payouts)));
        return new Generated(new History(out, answers, List.of()), total);
    }

    private static EventEnvelope event(String id, String account, String type, ObjectNode payload, Instant at) {
        return new EventEnvelope(id, account, type, LedgerEvent.MONEY_DEPOSITED.equals(type) ? 2 : 1, null, null, at, at, payload, null,
                EventMetadata.NONE);
    }
}
