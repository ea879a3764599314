package dev.onebox.sfn.asl;

/**
 * A Step Functions error raised while running a state: an error name (what {@code ErrorEquals}
 * matches) and a cause. Cheap to throw: no stack trace is captured.
 */
public class SfnException extends RuntimeException {
    private final String error;
    private final String cause;

    public SfnException(String error, String cause) {
        super(error + ": " + cause, null, false, false);
        this.error = error;
        this.cause = cause;
    }

    /** An error raised because of another exception (e.g. an AWS SDK error), kept as the Java cause. */
    public SfnException(String error, String cause, Throwable source) {
        super(error + ": " + cause, source, false, false);
        this.error = error;
        this.cause = cause;
    }

    public String error() {
        return error;
    }

    public String cause() {
        return cause;
    }

    public static SfnException runtime(String cause) {
        return new SfnException(Errors.RUNTIME, cause);
    }

    public static SfnException query(String cause) {
        return new SfnException(Errors.QUERY_EVALUATION, cause);
    }

    public static SfnException intrinsic(String cause) {
        return new SfnException(Errors.INTRINSIC_FAILURE, cause);
    }
}
