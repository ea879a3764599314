package dev.playback.lambdas.aws.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.playback.lambdas.config.Environment;
import dev.playback.model.gateway.CallSite;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

class ExternalCredentialsTest {
    private static final String FX_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:playback/fx-AbCdEf";
    private static final String BANK_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:playback/bank-GhIjKl";
    private static final Map<String, String> SECRETS = Map.of(FX_ARN, "Bearer fx-token-1", BANK_ARN, "Basic YmFuazpzZWNyZXQ=\n");

    private final List<String> read = new ArrayList<>();
    private PartnerServer partner;

    private String secret(String id) {
        read.add(id);
        String value = SECRETS.get(id);
        if (value == null) {
            throw ResourceNotFoundException.builder().message("Secrets Manager can't find the specified secret.").build();
        }
        return value;
    }

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

    @Test
    void theSecretsNamedByTheEnvironmentAreReadOnce() {
        ExternalCredentials credentials = ExternalCredentials.from(
                new Environment(Map.of("FX_CREDENTIALS_SECRET", FX_ARN, "BANK_CREDENTIALS_SECRET", BANK_ARN)), this::secret);

        assertEquals(Optional.of("Bearer fx-token-1"), credentials.fx());
        assertEquals(Optional.of("Basic YmFuazpzZWNyZXQ="), credentials.bank());
        assertEquals(List.of(FX_ARN, BANK_ARN), read);
    }

    @Test
    void emptyVariablesMeanNoCredentialsAndNoSecretsManagerCall() {
        ExternalCredentials credentials = ExternalCredentials.fromSecretsManager(
                new Environment(Map.of("FX_CREDENTIALS_SECRET", "", "BANK_URL", "http://127.0.0.1:1")),
                () -> { throw new AssertionError("no Secrets Manager client may be built without a secret to read"); });

        assertEquals(ExternalCredentials.NONE, credentials);
    }

    @Test
    void aMissingSecretIsNamedWithItsVariable() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ExternalCredentials.from(
                new Environment(Map.of("BANK_CREDENTIALS_SECRET", "playback/no-such-secret")), this::secret));

        assertTrue(e.getMessage().startsWith("BANK_CREDENTIALS_SECRET names the secret playback/no-such-secret, which cannot be read: "
                + "Secrets Manager can't find the specified secret."), e.getMessage());
    }

    @Test
    void eachSystemGetsItsOwnAuthorizationHeader() throws Exception {
        URI base = partner.url();
        HttpExternalSystems systems = new HttpExternalSystems(base.resolve("/fx"), base.resolve("/bank"),
                new ExternalCredentials(Optional.of("Bearer fx-token-1"), Optional.of("Basic YmFuazpzZWNyZXQ=")));
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
}
