package dev.onebox.sfn.tasks;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.type.TypeFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lambda functions run in this JVM: handler instances ({@link RequestHandler} or
 * {@link RequestStreamHandler}) registered by function name, invoked with a minimal
 * {@link Context}. The payload is converted to the handler's input type with Jackson, as the
 * Lambda Java runtime does; an exception becomes a {@link LambdaFunctions.Failure} whose
 * errorType is the exception's class name.
 */
public final class InProcessLambdaFunctions implements LambdaFunctions {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .findAndRegisterModules();

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

    /** Registers a handler instance under a function name. */
    public InProcessLambdaFunctions register(String functionName, Object handler) {
        functions.put(functionName, adapt(functionName, handler));
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

    private LambdaFunction adapt(String name, Object handler) {
        if (handler instanceof LambdaFunction f) {
            return f;
        }
        if (handler instanceof RequestStreamHandler sh) {
            return payload -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try {
                    sh.handleRequest(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, context(name));
                } catch (Throwable t) {
                    throw Failure.of(t);
                }
                String s = out.toString(StandardCharsets.UTF_8);
                return s.isEmpty() ? "null" : s;
            };
        }
        if (handler instanceof RequestHandler<?, ?> rh) {
            JavaType inputType = inputType(handler.getClass());
            @SuppressWarnings("unchecked")
            RequestHandler<Object, Object> h = (RequestHandler<Object, Object>) rh;
            return payload -> {
                Object in;
                try {
                    in = MAPPER.readValue(payload, inputType);
                } catch (Exception e) {
                    throw new Failure("java.lang.RuntimeException", "An error occurred during JSON parsing", java.util.List.of());
                }
                Object out;
                try {
                    out = h.handleRequest(in, context(name));
                } catch (Throwable t) {
                    throw Failure.of(t);
                }
                try {
                    return MAPPER.writeValueAsString(out);
                } catch (Exception e) {
                    throw new Failure("java.lang.RuntimeException", "An error occurred during JSON serialization of response", java.util.List.of());
                }
            };
        }
        throw new IllegalArgumentException("Handler for function " + name + " (" + handler.getClass().getName()
                + ") implements neither RequestHandler nor RequestStreamHandler");
    }

    /** The handler's input type, from its handleRequest(I, Context) method. */
    private static JavaType inputType(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            for (Method m : k.getDeclaredMethods()) {
                if (m.getName().equals("handleRequest") && m.getParameterCount() == 2 && !m.isBridge()
                        && m.getParameterTypes()[1] == Context.class) {
                    Type t = m.getGenericParameterTypes()[0];
                    return TypeFactory.defaultInstance().constructType(t);
                }
            }
        }
        return TypeFactory.defaultInstance().constructType(Object.class);
    }

    private Context context(String functionName) {
        String requestId = UUID.randomUUID().toString();
        return new Context() {
            @Override
            public String getAwsRequestId() {
                return requestId;
            }

            @Override
            public String getLogGroupName() {
                return "/aws/lambda/" + functionName;
            }

            @Override
            public String getLogStreamName() {
                return "local";
            }

            @Override
            public String getFunctionName() {
                return functionName;
            }

            @Override
            public String getFunctionVersion() {
                return "$LATEST";
            }

            @Override
            public String getInvokedFunctionArn() {
                return arnOf(functionName);
            }

            @Override
            public CognitoIdentity getIdentity() {
                return null;
            }

            @Override
            public ClientContext getClientContext() {
                return null;
            }

            @Override
            public int getRemainingTimeInMillis() {
                return 900_000;
            }

            @Override
            public int getMemoryLimitInMB() {
                return 512;
            }

            @Override
            public LambdaLogger getLogger() {
                return new LambdaLogger() {
                    @Override
                    public void log(String message) {
                        System.err.print(message);
                    }

                    @Override
                    public void log(byte[] message) {
                        System.err.print(new String(message, StandardCharsets.UTF_8));
                    }
                };
            }
        };
    }
}
