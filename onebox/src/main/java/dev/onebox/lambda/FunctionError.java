package dev.onebox.lambda;

/**
 * A hosted function failed: its handler threw, or could not be created. {@code errorType} and {@code errorMessage}
 * are what Lambda reports for a Java function (the exception's class name and message); the cause is the original.
 */
public final class FunctionError extends RuntimeException {
    private final String functionName;
    private final String errorType;
    private final String errorMessage;

    public FunctionError(String functionName, String errorType, String errorMessage, Throwable cause) {
        super("Function " + functionName + " failed: " + errorType + ": " + errorMessage, cause);
        this.functionName = functionName;
        this.errorType = errorType;
        this.errorMessage = errorMessage;
    }

    static FunctionError of(String functionName, Throwable cause) {
        return new FunctionError(functionName, cause.getClass().getName(), String.valueOf(cause.getMessage()), cause);
    }

    public String functionName() {
        return functionName;
    }

    public String errorType() {
        return errorType;
    }

    public String errorMessage() {
        return errorMessage;
    }
}
