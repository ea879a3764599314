package dev.onebox.sfn.tasks;

import java.util.List;
import java.util.Optional;

/**
 * Resolves a function name or ARN (with or without qualifier) to something invokable.
 * The local runtime registers its handlers here; tests register fakes.
 */
@FunctionalInterface
public interface LambdaFunctions {
    Optional<LambdaFunction> resolve(String nameOrArn);

    /** An invokable function: a JSON payload in, a JSON result out, or a {@link Failure}. */
    @FunctionalInterface
    interface LambdaFunction {
        String invoke(String payloadJson) throws Failure;
    }

    /** A function error as the Lambda Java runtime reports it (errorType = exception class name). */
    final class Failure extends Exception {
        private final String errorType;
        private final String errorMessage;
        private final List<String> stackTrace;

        public Failure(String errorType, String errorMessage, List<String> stackTrace) {
            super(errorType + ": " + errorMessage, null, false, false);
            this.errorType = errorType;
            this.errorMessage = errorMessage;
            this.stackTrace = List.copyOf(stackTrace);
        }

        /** The failure for an exception thrown by a handler. */
        public static Failure of(Throwable t) {
            return new Failure(t.getClass().getName(), t.getMessage(),
                    java.util.Arrays.stream(t.getStackTrace()).limit(20).map(StackTraceElement::toString).toList());
        }

        public String errorType() {
            return errorType;
        }

        public String errorMessage() {
            return errorMessage;
        }

        public List<String> stackTrace() {
            return stackTrace;
        }
    }

    /** No functions: every Lambda task fails with Lambda.ResourceNotFoundException. */
    static LambdaFunctions none() {
        return name -> Optional.empty();
    }

    /** The function name inside an ARN ("arn:aws:lambda:r:a:function:Name[:qualifier]") or the name itself. */
    static String functionName(String nameOrArn) {
        if (nameOrArn == null) {
            return null;
        }
        String s = nameOrArn;
        int i = s.indexOf(":function:");
        if (i >= 0) {
            s = s.substring(i + ":function:".length());
            int q = s.indexOf(':');
            if (q >= 0) {
                s = s.substring(0, q);
            }
        } else if (s.contains(":")) {
            s = s.substring(0, s.indexOf(':'));
        }
        return s;
    }
}
