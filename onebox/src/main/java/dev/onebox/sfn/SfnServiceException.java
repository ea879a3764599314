package dev.onebox.sfn;

/**
 * An API error as Step Functions returns it: {@code code} is the exception name
 * (e.g. "ExecutionDoesNotExist", "InvalidDefinition"), which the API server puts in
 * {@code __type}.
 */
public class SfnServiceException extends RuntimeException {
    private final String code;

    public SfnServiceException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
