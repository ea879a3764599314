package dev.playback.model.domain;

import java.util.Optional;

/**
 * What a domain reads from the function it runs in: its environment variables (set in its template entries) and
 * secrets. Implemented by the handlers (on AWS: the function's environment and Secrets Manager).
 */
public interface Settings {
    /** The value of a variable; throws naming the variable and the function when it is missing or blank. */
    String require(String name);

    /** The value of a variable, empty when it is missing or blank. */
    Optional<String> optional(String name);

    /**
     * The secret that the variable {@code name} names (on AWS the ARN of a Secrets Manager secret, read once when the
     * function starts); empty when the variable is unset, an error naming it when the secret cannot be read.
     */
    Optional<String> secret(String name);
}
