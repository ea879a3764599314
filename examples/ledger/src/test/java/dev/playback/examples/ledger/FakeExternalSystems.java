package dev.playback.examples.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.ExternalSystems;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An FX service (rates settable) and a partner bank (dedupes on the idempotency key, like the real one)
 * in memory. {@link #crashAfterSends} makes the bank fail every send after that many more accepted ones.
 */
public final class FakeExternalSystems implements ExternalSystems {
    public record Received(String idempotencyKey, JsonNode command) {
    }

    private final Map<String, BigDecimal> rates = new ConcurrentHashMap<>();
    private final Map<String, Received> received = new LinkedHashMap<>();
    public final AtomicInteger queries = new AtomicInteger();
    public final AtomicInteger sendCalls = new AtomicInteger();
    private int sendsLeft = Integer.MAX_VALUE;

    public FakeExternalSystems rate(String from, String to, String rate) {
        rates.put(from + "/" + to, new BigDecimal(rate));
        return this;
    }

    public synchronized void crashAfterSends(int n) {
        sendsLeft = n;
    }

    @Override
    public JsonNode query(CallSite site, JsonNode request) {
        queries.incrementAndGet();
        if (!site.id().equals("fx.rate")) throw new IllegalArgumentException("no such query " + site);
        BigDecimal r = rates.get(request.path("from").asText() + "/" + request.path("to").asText());
        if (r == null) throw new IllegalStateException("no rate for " + request);
        return JsonNodeFactory.instance.objectNode().put("rate", r.toPlainString());
    }

    @Override
    public synchronized void send(CallSite site, JsonNode command, String idempotencyKey) {
        sendCalls.incrementAndGet();
        if (received.containsKey(idempotencyKey)) return;
        if (sendsLeft <= 0) throw new IllegalStateException("bank unreachable (injected crash)");
        sendsLeft--;
        received.put(idempotencyKey, new Received(idempotencyKey, command.deepCopy()));
    }

    public synchronized List<Received> received() {
        return new ArrayList<>(received.values());
    }

    /** Net amount per payout id, as the partner sees it. */
    public synchronized Map<String, BigDecimal> netPerPayout() {
        Map<String, BigDecimal> net = new LinkedHashMap<>();
        for (Received r : received.values()) {
            net.merge(r.command().path("payoutId").asText(), new BigDecimal(r.command().path("amount").asText()), BigDecimal::add);
        }
        return net;
    }
}
