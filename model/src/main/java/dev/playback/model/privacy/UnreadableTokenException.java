package dev.playback.model.privacy;

/**
 * A personal-data token that is malformed or does not authenticate under its subject's key: it was altered after
 * the ingest made it (or made with another key under the same subject). Names the token; never holds plaintext.
 */
public final class UnreadableTokenException extends RuntimeException {
    private final String token;

    public UnreadableTokenException(String token, String reason) {
        super("personal-data token " + token + " " + reason);
        this.token = token;
    }

    public UnreadableTokenException(String token, String reason, Throwable cause) {
        super("personal-data token " + token + " " + reason, cause);
        this.token = token;
    }

    public String token() {
        return token;
    }
}
