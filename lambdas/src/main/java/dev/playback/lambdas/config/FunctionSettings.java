package dev.playback.lambdas.config;

import dev.playback.model.domain.Settings;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A domain's {@link Settings} in a function: its environment variables, and secrets read from AWS Secrets Manager
 * (a variable names a secret by ARN or name; its {@code SecretString} is the value), each read once per container.
 * Secret values never appear in the environment, in logs or in an error message.
 */
public final class FunctionSettings implements Settings {
    private final Environment env;
    private final String function;
    private final Function<String, String> secretString;
    private final Map<String, Optional<String>> secrets = new ConcurrentHashMap<>();

    /**
     * @param function     the function's name, for errors
     * @param secretString secret id → its SecretString
     */
    public FunctionSettings(Environment env, String function, Function<String, String> secretString) {
        this.env = env;
        this.function = function;
        this.secretString = secretString;
    }

    /** Secrets from Secrets Manager; the client is built at the first secret read, and only then. */
    public static FunctionSettings withSecretsManager(Environment env, String function, Supplier<SecretsManagerClient> client) {
        Map<String, SecretsManagerClient> made = new ConcurrentHashMap<>();
        return new FunctionSettings(env, function,
                id -> made.computeIfAbsent("client", k -> client.get()).getSecretValue(b -> b.secretId(id)).secretString());
    }

    @Override
    public String require(String name) {
        return env.optional(name).orElseThrow(() -> new IllegalStateException(function + ": missing environment variable " + name));
    }

    @Override
    public Optional<String> optional(String name) {
        return env.optional(name);
    }

    @Override
    public Optional<String> secret(String name) {
        return secrets.computeIfAbsent(name, this::read);
    }

    private Optional<String> read(String variable) {
        Optional<String> id = env.optional(variable);
        if (id.isEmpty()) return Optional.empty();
        String value;
        try {
            value = secretString.apply(id.get());
        } catch (SecretsManagerException e) {
            throw new IllegalStateException(variable + " names the secret " + id.get() + ", which cannot be read: " + e.getMessage(), e);
        }
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(variable + " names the secret " + id.get()
                    + ", which has no SecretString (store the value as text)");
        }
        return Optional.of(value.strip());
    }
}
