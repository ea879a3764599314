package dev.playback.examples.external;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local partner bank. {@code POST /payouts} with {@code {payoutId, beneficiary, currency, amount}} and an
 * {@code Idempotency-Key} header records the payout (201), or answers 200 with the first one for a key it has
 * seen (never recording it twice). {@code GET /payouts} lists every payout received, in order, the net
 * amount per payout id ({@code netByPayout}), and how many deliveries repeated a key already seen
 * ({@code repeatedDeliveries}). Kept in {@code bank.json} under the data directory when there is one.
 */
public final class PartnerBank extends IdempotentCommands<PartnerBank.Received> {
    /** One payout as received. {@code amount} is negative for corrections and compensations. */
    public record Received(long seq, String idempotencyKey, String payoutId, String beneficiary, String currency, BigDecimal amount) {
    }

    public PartnerBank(Path file) throws IOException {
        super("partner-bank", "/payouts", "payouts", List.of("payoutId", "beneficiary", "currency", "amount"), List.of("amount"), file);
    }

    public List<Received> payouts() {
        return received();
    }

    public Map<String, BigDecimal> netPerPayout() {
        Map<String, BigDecimal> net = new LinkedHashMap<>();
        for (Received r : received()) net.merge(r.payoutId(), r.amount(), BigDecimal::add);
        return net;
    }

    @Override
    Received read(long seq, String idempotencyKey, JsonNode n) {
        return new Received(seq, idempotencyKey, n.path("payoutId").asText(), n.path("beneficiary").asText(),
                n.path("currency").asText(), new BigDecimal(n.path("amount").asText()));
    }

    @Override
    ObjectNode json(Received r) {
        ObjectNode o = JsonFileState.JSON.createObjectNode();
        o.put("seq", r.seq()).put("idempotencyKey", r.idempotencyKey()).put("payoutId", r.payoutId())
                .put("beneficiary", r.beneficiary()).put("currency", r.currency()).put("amount", r.amount().toPlainString());
        return o;
    }

    @Override
    void summarise(ObjectNode answer) {
        ObjectNode net = answer.putObject("netByPayout");
        netPerPayout().forEach((k, v) -> net.put(k, v.toPlainString()));
    }
}
