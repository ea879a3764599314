package dev.playback.lambdas.replay;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.Optional;

/**
 * A DynamoDB, Kinesis or S3 call of the replay function failed in a way a later attempt can fix (throttling, a
 * 5xx, a timeout or a broken connection) after the SDK's own retries. The state machines retry this error (its
 * class name is the error name Lambda reports) with backoff before their Catch ends the replay, so a short outage
 * slows a replay down instead of failing it. Every action of the replay function may run again: publishing resumes
 * from the checkpoints, the other actions are idempotent.
 */
public final class TransientFailure extends RuntimeException {
    /** The error name the state machines retry: the class name, as Lambda's Java runtime reports it. */
    public static final String ERROR = TransientFailure.class.getName();

    TransientFailure(String action, SdkException cause) {
        super("action '" + action + "' failed on a call that may succeed when tried again: " + cause.getMessage(), cause);
    }

    /** The SDK failure in {@code error}'s cause chain, when a later attempt can fix it. */
    static Optional<SdkException> transientCause(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AwsServiceException a) {
                return a.isThrottlingException() || a.statusCode() >= 500 ? Optional.of(a) : Optional.empty();
            }
            if (t instanceof SdkClientException c) return Optional.of(c);
        }
        return Optional.empty();
    }
}
