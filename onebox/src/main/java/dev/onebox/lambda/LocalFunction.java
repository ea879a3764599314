package dev.onebox.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.joda.time.DateTime;

/**
 * One hosted function. Like Lambda, every concurrent invocation gets its own handler instance (an execution
 * environment): idle instances are reused, a new one is created when all are busy. An instance is created with the
 * handler's public {@code (Map<String, String> environment)} constructor, or its no-arg constructor if it has none.
 *
 * <p>The handler method (from {@code Handler: package.Class::method}) may take {@code (input, Context)},
 * {@code (input)} or {@code (InputStream, OutputStream, Context)}. An input that is not already of the method's type is
 * converted with Jackson (a {@code Map} or {@code JsonNode} becomes a {@code ScheduledEvent}, a POJO, ...).
 */
public final class LocalFunction {
    /** Runs invocations so that a function's Timeout can be enforced; threads are daemons, made as needed. */
    private static final ExecutorService RUNNER = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "local-lambda-invocation");
        thread.setDaemon(true);
        return thread;
    });
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);

    private final String name;
    private final String arn;
    private final int timeoutSeconds;
    private final int memorySize;
    private final String methodName;
    private volatile Supplier<Object> factory;
    /** Makes the factory for an environment; null when the function was given a fixed factory. */
    private final java.util.function.Function<Map<String, String>, Supplier<Object>> configurable;
    private volatile Map<String, String> environment;
    /** The configuration each live instance was made with; instances of an older one are dropped, not reused. */
    private final Map<Object, Long> madeWith = new java.util.IdentityHashMap<>();
    private long configuration;
    private final ConcurrentLinkedDeque<Object> idle = new ConcurrentLinkedDeque<>();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    /** Wall time of the invocations, each rounded up to the millisecond as Lambda bills it. */
    private final AtomicLong billedMillis = new AtomicLong();
    private volatile Method method;

    /**
     * @param factory creates one handler instance; called again whenever all instances are busy
     * @param methodName the handler method's name ({@code handleRequest} for {@code RequestHandler}s)
     */
    public LocalFunction(String name, String arn, int timeoutSeconds, int memorySize, String methodName,
                         Supplier<Object> factory) {
        this.name = name;
        this.arn = arn;
        this.timeoutSeconds = timeoutSeconds;
        this.memorySize = memorySize;
        this.methodName = methodName;
        this.factory = factory;
        this.configurable = null;
        this.environment = null;
    }

    /**
     * A function whose handler instances are made for an environment, which {@link #updateEnvironment} can
     * change later (as Lambda's UpdateFunctionConfiguration does).
     */
    public LocalFunction(String name, String arn, int timeoutSeconds, int memorySize, String methodName,
                         Map<String, String> environment, java.util.function.Function<Map<String, String>, Supplier<Object>> factoryFor) {
        this.name = name;
        this.arn = arn;
        this.timeoutSeconds = timeoutSeconds;
        this.memorySize = memorySize;
        this.methodName = methodName;
        this.environment = Map.copyOf(environment);
        this.configurable = factoryFor;
        this.factory = factoryFor.apply(this.environment);
    }

    /** The environment its handler instances get (null when it was given a fixed factory). */
    public Map<String, String> environment() {
        return environment;
    }

    /**
     * Changes environment variables, like Lambda's UpdateFunctionConfiguration: invocations that start afterwards
     * run on new handler instances made with the new environment; running ones finish on their old instance.
     */
    public void updateEnvironment(Map<String, String> changes) {
        if (configurable == null) {
            throw new IllegalStateException("function " + name + " was hosted with a fixed handler factory; its environment cannot change");
        }
        synchronized (madeWith) {
            Map<String, String> next = new java.util.LinkedHashMap<>(environment);
            next.putAll(changes);
            environment = Map.copyOf(next);
            factory = configurable.apply(environment);
            configuration++;
        }
    }

    /** A function whose handler is created by reflection from {@code handlerClass} with {@code environment}. */
    public static LocalFunction reflective(String name, String arn, int timeoutSeconds, int memorySize,
                                           String handlerClass, String methodName, Map<String, String> environment,
                                           ClassLoader loader) {
        return new LocalFunction(name, arn, timeoutSeconds, memorySize, methodName, environment,
                env -> () -> instantiate(name, handlerClass, env, loader));
    }

    public String name() {
        return name;
    }

    public String arn() {
        return arn;
    }

    /** How many times the function was invoked, and how many of those failed. */
    public long invocations() {
        return invocations.get();
    }

    public long errors() {
        return errors.get();
    }

    /** The function's MemorySize, MB. */
    public int memorySize() {
        return memorySize;
    }

    /**
     * GB-seconds of the invocations so far, as Lambda bills them (duration rounded up to the millisecond, times MemorySize
     * in GB): measured here as the local wall time of each invocation, from its start to its result, error or timeout.
     */
    public double gbSeconds() {
        return billedMillis.get() / 1000.0 * memorySize / 1024.0;
    }

    /** Creates one instance now, so a handler that cannot be built fails at startup rather than at the first event. */
    public void warmUp() {
        Object handler = borrow();
        release(handler);
    }

    /**
     * Invokes the function; {@code input} is converted to the handler's input type. Like Lambda, an invocation that
     * runs longer than the function's Timeout fails ({@code Sandbox.Timedout}); its handler instance is dropped and its
     * thread interrupted.
     */
    public Object invoke(Object input) {
        invocations.incrementAndGet();
        long started = System.nanoTime();
        try {
            return invokeOnce(input);
        } finally {
            billedMillis.addAndGet((System.nanoTime() - started + 999_999) / 1_000_000);
        }
    }

    private Object invokeOnce(Object input) {
        Object handler;
        try {
            handler = borrow();
        } catch (FunctionError e) {
            errors.incrementAndGet();
            throw e;
        }
        String requestId = UUID.randomUUID().toString();
        Context context = new LocalContext(requestId, name, arn, memorySize,
                System.currentTimeMillis() + timeoutSeconds * 1000L);
        Future<Object> call = RUNNER.submit(() -> call(handler, method(handler.getClass()), input, context));
        try {
            Object result = call.get(timeoutSeconds, TimeUnit.SECONDS);
            release(handler);
            return result;
        } catch (ExecutionException e) {
            release(handler);
            errors.incrementAndGet();
            Throwable cause = e.getCause();
            if (cause instanceof InvocationTargetException target) {
                logFailure(requestId, target.getCause());
                throw FunctionError.of(name, target.getCause());
            }
            logFailure(requestId, cause);
            throw new FunctionError(name, "Runtime.InvalidInput", "Cannot invoke " + name + ": " + cause.getMessage(),
                    cause);
        } catch (TimeoutException e) {
            call.cancel(true);
            errors.incrementAndGet();
            System.err.println("[" + name + " " + requestId + "] Task timed out after " + timeoutSeconds + " seconds");
            throw new FunctionError(name, "Sandbox.Timedout", requestId + " Task timed out after " + timeoutSeconds
                    + ".00 seconds", e);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            errors.incrementAndGet();
            throw new FunctionError(name, "Runtime.Interrupted", "The invocation of " + name + " was interrupted", e);
        }
    }

    /** Like Lambda's log of an unhandled exception: one line with the error, then its stack trace, on stderr. */
    private void logFailure(String requestId, Throwable error) {
        java.io.StringWriter trace = new java.io.StringWriter();
        error.printStackTrace(new java.io.PrintWriter(trace));
        System.err.print("[" + name + " " + requestId + "] invocation failed: " + trace);
    }

    /** Invokes the function and converts its result to {@code type} (null stays null). */
    public <T> T invoke(Object input, Class<T> type) {
        return convert(invoke(input), type, "the result of " + name);
    }

    /** Invokes the function with JSON in and JSON out, as Step Functions and EventBridge targets do. */
    public JsonNode invokeJson(JsonNode input) {
        Object result = invoke(input);
        return result == null ? null : JSON.valueToTree(result);
    }

    private Object call(Object handler, Method m, Object input, Context context)
            throws InvocationTargetException, IllegalAccessException, IOException {
        Class<?>[] parameters = m.getParameterTypes();
        if (parameters.length == 3 && parameters[0] == InputStream.class) {
            byte[] bytes = input instanceof byte[] b ? b : JSON.writeValueAsBytes(input);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            m.invoke(handler, new ByteArrayInputStream(bytes), out, context);
            return out.size() == 0 ? null : JSON.readTree(out.toByteArray());
        }
        Object argument = convert(input, parameters[0], "the input of " + name);
        return parameters.length == 2 ? m.invoke(handler, argument, context) : m.invoke(handler, argument);
    }

    static <T> T convert(Object value, Class<T> type, String what) {
        if (value instanceof JsonNode json && type == Object.class) {
            // like the Lambda Java runtime for an Object input: plain values (Map, List, String, Integer, ...)
            return type.cast(JSON.convertValue(json, Object.class));
        }
        if (value == null || type.isInstance(value)) {
            return type.cast(value);
        }
        try {
            if (type == ScheduledEvent.class) {
                return type.cast(scheduledEvent(JSON.valueToTree(value)));
            }
            if (value instanceof String text && !type.equals(String.class)) {
                return JSON.readValue(text, type);
            }
            return JSON.convertValue(value, type);
        } catch (IllegalArgumentException | IOException e) {
            throw new IllegalArgumentException("Cannot convert " + what + " to " + type.getName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** ScheduledEvent has a Joda time field that plain Jackson cannot read; build it field by field. */
    private static ScheduledEvent scheduledEvent(JsonNode json) {
        ScheduledEvent event = new ScheduledEvent();
        event.setVersion(json.path("version").asText(null));
        event.setId(json.path("id").asText(null));
        event.setDetailType(json.path("detail-type").asText(null));
        event.setSource(json.path("source").asText(null));
        event.setAccount(json.path("account").asText(null));
        event.setRegion(json.path("region").asText(null));
        if (json.hasNonNull("time")) {
            event.setTime(DateTime.parse(json.get("time").asText()));
        }
        List<String> resources = new ArrayList<>();
        json.path("resources").forEach(r -> resources.add(r.asText()));
        event.setResources(resources);
        @SuppressWarnings("unchecked")
        Map<String, Object> detail = json.hasNonNull("detail") ? JSON.convertValue(json.get("detail"), Map.class) : null;
        event.setDetail(detail);
        return event;
    }

    private Object borrow() {
        Object handler = idle.pollFirst();
        if (handler != null) {
            synchronized (madeWith) {
                Long made = madeWith.get(handler);
                if (made != null && made == configuration) return handler;
                madeWith.remove(handler);
            }
            return borrow();
        }
        try {
            long made;
            Supplier<Object> f;
            synchronized (madeWith) {
                made = configuration;
                f = factory;
            }
            Object fresh = f.get();
            synchronized (madeWith) {
                madeWith.put(fresh, made);
            }
            return fresh;
        } catch (FunctionError e) {
            throw e;
        } catch (RuntimeException e) {
            throw new FunctionError(name, "Runtime.HandlerInitError", "Cannot create the handler of " + name + ": "
                    + e.getMessage(), e);
        }
    }

    private void release(Object handler) {
        synchronized (madeWith) {
            Long made = madeWith.get(handler);
            if (made == null || made != configuration) {
                madeWith.remove(handler);
                return;
            }
        }
        idle.addFirst(handler);
    }

    private Method method(Class<?> type) {
        Method known = method;
        if (known != null && known.getDeclaringClass().isAssignableFrom(type)) {
            return known;
        }
        List<Method> candidates = Arrays.stream(type.getMethods())
                .filter(m -> m.getName().equals(methodName) && !m.isBridge() && !m.isSynthetic()
                        && !Modifier.isStatic(m.getModifiers()))
                .filter(m -> accepts(m.getParameterTypes()))
                .sorted(Comparator.comparing((Method m) -> m.getParameterTypes()[0] == Object.class)
                        .thenComparing(m -> -m.getParameterCount()))
                .toList();
        if (candidates.isEmpty()) {
            throw new IllegalStateException("Handler " + type.getName() + " of " + name + " has no public method "
                    + methodName + "(input, Context), " + methodName + "(input) or " + methodName
                    + "(InputStream, OutputStream, Context)");
        }
        Method chosen = candidates.get(0);
        if (!chosen.trySetAccessible()) {
            throw new IllegalStateException("Handler method " + chosen + " of " + name + " is not accessible");
        }
        method = chosen;
        return chosen;
    }

    private static boolean accepts(Class<?>[] p) {
        return (p.length == 2 && p[1] == Context.class) || p.length == 1
                || (p.length == 3 && p[0] == InputStream.class && p[1] == OutputStream.class && p[2] == Context.class);
    }

    private static Object instantiate(String name, String handlerClass, Map<String, String> environment,
                                      ClassLoader loader) {
        Class<?> type;
        try {
            type = Class.forName(handlerClass, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new FunctionError(name, "Runtime.ClassNotFound", "Handler class " + handlerClass + " of " + name
                    + " cannot be loaded: " + e, e);
        }
        try {
            Constructor<?> withEnvironment = null;
            for (Constructor<?> constructor : type.getConstructors()) {
                if (constructor.getParameterCount() == 1 && constructor.getParameterTypes()[0] == Map.class) {
                    withEnvironment = constructor;
                }
            }
            if (withEnvironment != null) {
                return withEnvironment.newInstance(environment);
            }
            return type.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new FunctionError(name, "Runtime.NoSuchConstructor", "Handler class " + handlerClass + " of " + name
                    + " has neither a public (Map<String, String>) nor a public no-arg constructor", e);
        } catch (InvocationTargetException e) {
            throw new FunctionError(name, "Runtime.HandlerInitError", "The constructor of " + handlerClass + " ("
                    + name + ") failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new FunctionError(name, "Runtime.HandlerInitError", "Cannot create " + handlerClass + " (" + name
                    + "): " + e, e);
        }
    }
}
