package dev.playback.examples.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.playback.model.domain.Settings;
import dev.playback.model.gateway.CallSite;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpExternalSystemsTest {
    private PartnerServer partner;

    @BeforeEach
    void start() {
        partner = new PartnerServer((path, body) -> path.equals("/refusing/payouts")
                ? new PartnerServer.Answer(422, "{\"error\":\"account of Alice Example closed\"}")
                : new PartnerServer.Answer(200, "{\"rate\":\"1.0850\"}"));
    }

    @AfterEach
    void stop() {
        partner.close();
    }

    /** Settings from fixed variables, and secrets by the variable that names them. */
    private static Settings settings(Map<String, String> variables, Map<String, String> secrets) {
        return new Settings() {
            @Override
            public String require(String name) {
                return optional(name).orElseThrow(() -> new IllegalStateException("missing " + name));
            }

            @Override
            public Optional<String> optional(String name) {
                return Optional.ofNullable(variables.get(name));
            }

            @Override
            public Optional<String> secret(String name) {
                return Optional.ofNullable(secrets.get(name));
            }
        };
    }

    @Test
    void eachSystemGetsTheAuthorizationHeaderItsSecretHolds() throws Exception {
        URI base = partner.url();
        HttpExternalSystems systems = Ledger.externalSystems(settings(
                Map.of(Ledger.FX_URL, base.resolve("/fx").toString(), Ledger.BANK_URL, base.resolve("/bank").toString()),
                Map.of(Ledger.FX_SECRET, "Bearer fx-token-1", Ledger.BANK_SECRET, "Basic YmFuazpzZWNyZXQ=")));
        ObjectMapper json = new ObjectMapper();

        systems.query(new CallSite("fx", "rate"), json.readTree("{\"from\":\"EUR\",\"to\":\"USD\"}"));
        systems.send(new CallSite("bank", "payout"), json.readTree("{\"payoutId\":\"p-1\"}"), "k-1");

        assertEquals(List.of("GET /fx/rates Bearer fx-token-1", "POST /bank/payouts Basic YmFuazpzZWNyZXQ="), partner.seen());
    }

    @Test
    void withoutCredentialsNoAuthorizationHeaderIsSent() throws Exception {
        URI base = partner.url();

        new HttpExternalSystems(base.resolve("/fx"), base.resolve("/bank"))
                .query(new CallSite("fx", "rate"), new ObjectMapper().readTree("{\"from\":\"EUR\",\"to\":\"USD\"}"));

        assertEquals(List.of("GET /fx/rates null"), partner.seen());
    }

    @Test
    void aBankRefusalDoesNotRepeatTheBanksAnswer() throws Exception {
        URI base = partner.url();
        HttpExternalSystems systems = new HttpExternalSystems(base.resolve("/fx"), base.resolve("/refusing"));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> systems.send(new CallSite("bank", "payout"),
                new ObjectMapper().readTree("{\"payoutId\":\"p-1\",\"beneficiary\":\"Alice Example\"}"), "k-1"));

        assertTrue(e.getMessage().startsWith("partner bank answered 422 to POST " + base + "/refusing/payouts (key k-1"), e.getMessage());
        assertTrue(!e.getMessage().contains("Alice"), e.getMessage());
    }

    @Test
    void payoutsIsBuiltWithTheFeeRuleItsSettingsName() {
        var declared = new Ledger().effectfulProcessors().get(0);

        PayoutsProcessor built = (PayoutsProcessor) declared.build(settings(Map.of(Ledger.FEE_RULE, "v2"), Map.of()));

        assertEquals(FeeRule.V2, built.feeRule());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> declared.build(settings(Map.of(Ledger.FEE_RULE, "v5"), Map.of())));
        assertEquals("unknown fee rule 'v5'; expected v1, v2, v3 or v4", e.getMessage());
    }
}
