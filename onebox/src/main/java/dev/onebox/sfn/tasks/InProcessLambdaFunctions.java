package dev.onebox.sfn.tasks;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onebox.lambda.FunctionError;
import dev.onebox.lambda.LocalFunction;
import dev.onebox.lambda.LocalFunctions;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lambda functions run in this JVM for Lambda tasks, hosted by the one Lambda host, {@link LocalFunction}: handler
 * instances ({@link RequestHandler} or {@link RequestStreamHandler}) registered by function name, or the functions of a
 * template ({@link #of(LocalFunctions)}). The payload is converted to the handler's input type with Jackson, as the
 * Lambda Java runtime does; an exception becomes a {@link LambdaFunctions.Failure} whose errorType is the exception's
 * class name.
 */
public final class InProcessLambdaFunctions implements LambdaFunctions {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Registered handlers get Lambda's largest timeout; a template's functions keep their own. */
    private static final int TIMEOUT_SECONDS = 900;
    private static final int MEMORY_SIZE = 512;

    private final Map<String, LambdaFunction> functions = new ConcurrentHashMap<>();
    private final String region;
    private final String accountId;

    public InProcessLambdaFunctions() {
        this("us-east-1", "123456789012");
    }

    public InProcessLambdaFunctions(String region, String accountId) {
        this.region = region;
        this.accountId = accountId;
    }

    /** The hosted functions of a template (by name, or ARN with or without qualifier), as Lambda tasks reach them. */
    public static LambdaFunctions of(LocalFunctions functions) {
        return nameOrArn -> {
            LocalFunction f;
            try {
                f = functions.get(LambdaFunctions.functionName(nameOrArn));
            } catch (IllegalArgumentException unknown) {
                return Optional.empty();
            }
            return Optional.of(invoking(f));
        };
    }

    /** Registers a handler instance under a function name. */
    public InProcessLambdaFunctions register(String functionName, Object handler) {
        if (handler instanceof LambdaFunction f) {
            return register(functionName, f);
        }
        if (!(handler instanceof RequestHandler<?, ?>) && !(handler instanceof RequestStreamHandler)) {
            throw new IllegalArgumentException("Handler for function " + functionName + " (" + handler.getClass().getName()
                    + ") implements neither RequestHandler nor RequestStreamHandler");
        }
        functions.put(functionName, invoking(new LocalFunction(functionName, arnOf(functionName), TIMEOUT_SECONDS,
                MEMORY_SIZE, "handleRequest", () -> handler)));
        return this;
    }

    /** Registers a handler class: instantiated once with its no-arg constructor. */
    public InProcessLambdaFunctions register(String functionName, Class<?> handlerClass) {
        try {
            return register(functionName, handlerClass.getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("Cannot instantiate handler " + handlerClass.getName()
                    + " for function " + functionName + ": " + e, e);
        }
    }

    /** Registers a plain function (for tests). */
    public InProcessLambdaFunctions register(String functionName, LambdaFunction function) {
        functions.put(functionName, function);
        return this;
    }

    /** The ARN a function gets locally, for DefinitionSubstitutions. */
    public String arnOf(String functionName) {
        return "arn:aws:lambda:" + region + ":" + accountId + ":function:" + functionName;
    }

    @Override
    public Optional<LambdaFunction> resolve(String nameOrArn) {
        return Optional.ofNullable(functions.get(LambdaFunctions.functionName(nameOrArn)));
    }

    /** JSON in, JSON out; a function error keeps Lambda's errorType, and the stack trace when the handler threw. */
    private static LambdaFunction invoking(LocalFunction function) {
        return payload -> {
            try {
                return JSON.writeValueAsString(function.invokeJson(JSON.readTree(payload)));
            } catch (FunctionError e) {
                Throwable cause = e.getCause();
                boolean thrown = cause != null && cause.getClass().getName().equals(e.errorType());
                throw thrown ? Failure.of(cause) : new Failure(e.errorType(), e.errorMessage(), List.of());
            } catch (IOException e) {
                throw new Failure("Runtime.InvalidInput", "The payload of " + function.name() + " is not JSON: "
                        + e.getMessage(), List.of());
            }
        };
    }
}
