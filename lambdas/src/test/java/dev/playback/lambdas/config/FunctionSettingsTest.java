package dev.playback.lambdas.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

class FunctionSettingsTest {
    private static final String FX_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:playback/fx-AbCdEf";
    private static final String BANK_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:playback/bank-GhIjKl";
    private static final Map<String, String> SECRETS = Map.of(FX_ARN, "Bearer fx-token-1", BANK_ARN, "Basic YmFuazpzZWNyZXQ=\n");

    private final List<String> read = new ArrayList<>();

    private String secret(String id) {
        read.add(id);
        String value = SECRETS.get(id);
        if (value == null) {
            throw ResourceNotFoundException.builder().message("Secrets Manager can't find the specified secret.").build();
        }
        return value;
    }

    private FunctionSettings settings(Map<String, String> variables) {
        return new FunctionSettings(new Environment(variables), "PayoutsFunction", this::secret);
    }

    @Test
    void theSecretsNamedByTheEnvironmentAreReadOnceEach() {
        FunctionSettings settings = settings(Map.of("FX_CREDENTIALS_SECRET", FX_ARN, "BANK_CREDENTIALS_SECRET", BANK_ARN));

        assertEquals(Optional.of("Bearer fx-token-1"), settings.secret("FX_CREDENTIALS_SECRET"));
        assertEquals(Optional.of("Basic YmFuazpzZWNyZXQ="), settings.secret("BANK_CREDENTIALS_SECRET"));
        assertEquals(Optional.of("Bearer fx-token-1"), settings.secret("FX_CREDENTIALS_SECRET"));
        assertEquals(List.of(FX_ARN, BANK_ARN), read);
    }

    @Test
    void emptyVariablesMeanNoSecretAndNoSecretsManagerCall() {
        FunctionSettings settings = FunctionSettings.withSecretsManager(
                new Environment(Map.of("FX_CREDENTIALS_SECRET", "", "BANK_URL", "http://127.0.0.1:1")), "PayoutsFunction",
                () -> { throw new AssertionError("no Secrets Manager client may be built without a secret to read"); });

        assertEquals(Optional.empty(), settings.secret("FX_CREDENTIALS_SECRET"));
        assertEquals(Optional.empty(), settings.secret("BANK_CREDENTIALS_SECRET"));
    }

    @Test
    void aMissingSecretIsNamedWithItsVariable() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> settings(Map.of("BANK_CREDENTIALS_SECRET", "playback/no-such-secret")).secret("BANK_CREDENTIALS_SECRET"));

        assertTrue(e.getMessage().startsWith("BANK_CREDENTIALS_SECRET names the secret playback/no-such-secret, which cannot be read: "
                + "Secrets Manager can't find the specified secret."), e.getMessage());
    }

    @Test
    void aMissingVariableIsNamedWithItsFunction() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> settings(Map.of("FX_URL", " ")).require("FX_URL"));

        assertEquals("PayoutsFunction: missing environment variable FX_URL", e.getMessage());
    }
}
