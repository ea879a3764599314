package dev.playback.lambdas.aws.gateway;

import dev.playback.lambdas.config.Environment;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@code Authorization} header values the external systems expect, read once (at cold start) from AWS Secrets
 * Manager: {@code FX_CREDENTIALS_SECRET} and {@code BANK_CREDENTIALS_SECRET} name a secret (ARN or name) whose
 * {@code SecretString} is sent as is (e.g. {@code Bearer eyJ...} or {@code Basic ...}). An empty or absent variable
 * means that system takes no credentials (the local fakes). The values never appear in the environment, in logs or in
 * an error message.
 *
 * @param fx   the FX service's Authorization header, if it has one
 * @param bank the partner bank's Authorization header, if it has one
 */
public record ExternalCredentials(Optional<String> fx, Optional<String> bank) {
    public static final String FX_SECRET = "FX_CREDENTIALS_SECRET";
    public static final String BANK_SECRET = "BANK_CREDENTIALS_SECRET";

    public static final ExternalCredentials NONE = new ExternalCredentials(Optional.empty(), Optional.empty());

    /** Reads the secrets {@code env} names with {@code secretString} (secret id → its SecretString). */
    public static ExternalCredentials from(Environment env, Function<String, String> secretString) {
        return new ExternalCredentials(read(env, FX_SECRET, secretString), read(env, BANK_SECRET, secretString));
    }

    /** Reads the secrets {@code env} names from Secrets Manager; no client is built when neither is named. */
    public static ExternalCredentials fromSecretsManager(Environment env, Supplier<SecretsManagerClient> client) {
        if (env.optional(FX_SECRET).isEmpty() && env.optional(BANK_SECRET).isEmpty()) return NONE;
        try (SecretsManagerClient secrets = client.get()) {
            return from(env, id -> secrets.getSecretValue(b -> b.secretId(id)).secretString());
        }
    }

    /** Says which systems have credentials, never the values. */
    @Override
    public String toString() {
        return "ExternalCredentials[fx=" + (fx.isPresent() ? "(secret)" : "none") + ", bank=" + (bank.isPresent() ? "(secret)" : "none") + "]";
    }

    private static Optional<String> read(Environment env, String variable, Function<String, String> secretString) {
        Optional<String> id = env.optional(variable);
        if (id.isEmpty()) return Optional.empty();
        String value;
        try {
            value = secretString.apply(id.get());
        } catch (SecretsManagerException e) {
            throw new IllegalStateException(variable + " names the secret " + id.get() + ", which cannot be read: "
                    + e.getMessage(), e);
        }
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(variable + " names the secret " + id.get()
                    + ", which has no SecretString (store the Authorization header value as text)");
        }
        return Optional.of(value.strip());
    }
}
