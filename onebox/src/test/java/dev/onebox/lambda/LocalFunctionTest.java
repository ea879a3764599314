package dev.onebox.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onebox.template.FunctionResource;
import dev.onebox.template.SampleApp;
import dev.onebox.template.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LocalFunctionTest {
    private static final AwsEndpoints ENDPOINTS = new AwsEndpoints(URI.create("http://127.0.0.1:4567"),
            URI.create("http://127.0.0.1:4568"), URI.create("http://127.0.0.1:4569"));
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Echoes its environment and the function name of its context. */
    public static final class EnvironmentEcho implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        private final Map<String, String> environment;

        public EnvironmentEcho(Map<String, String> environment) {
            this.environment = environment;
        }

        @Override
        public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
            return Map.of("env", environment, "input", input, "function", context.getFunctionName(),
                    "requestId", context.getAwsRequestId(), "remaining", context.getRemainingTimeInMillis() > 0);
        }
    }

    /** Has only a no-arg constructor; answers with the ScheduledEvent's detail-type. */
    public static final class NoArgScheduled implements RequestHandler<ScheduledEvent, String> {
        @Override
        public String handleRequest(ScheduledEvent event, Context context) {
            context.getLogger().log("scheduled " + event.getDetailType());
            return event.getDetailType() + "@" + event.getTime().getYear();
        }
    }

    /** A stream handler that upper-cases the JSON it is given. */
    public static final class Shouting implements RequestStreamHandler {
        @Override
        public void handleRequest(InputStream in, OutputStream out, Context context) throws IOException {
            out.write(new String(in.readAllBytes(), StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Always fails. */
    public static final class Failing implements RequestHandler<Object, Object> {
        @Override
        public Object handleRequest(Object input, Context context) {
            throw new IllegalArgumentException("bad input " + input);
        }
    }

    /** Released by the test that ran it; waits at most a minute, far longer than the function's timeout, unless interrupted. */
    public static final class Sleepy implements RequestHandler<Object, String> {
        static final CountDownLatch RELEASE = new CountDownLatch(1);

        @Override
        public String handleRequest(Object input, Context context) {
            try {
                return RELEASE.await(60, TimeUnit.SECONDS) ? "released" : "woke";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
    }

    /** Waits until two invocations run at once. */
    public static final class Rendezvous implements RequestHandler<Object, Integer> {
        static final CountDownLatch BOTH = new CountDownLatch(2);

        @Override
        public Integer handleRequest(Object input, Context context) {
            BOTH.countDown();
            try {
                return BOTH.await(30, TimeUnit.SECONDS) ? System.identityHashCode(this) : -1;
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static LocalFunction function(Class<?> handler, Map<String, String> environment) {
        return LocalFunction.reflective("Fn", "arn:aws:lambda:us-east-1:000000000000:function:Fn", 60, 512,
                handler.getName(), "handleRequest", environment, LocalFunctionTest.class.getClassLoader());
    }

    /** Takes 40 ms of wall time per invocation. */
    public static final class Slow implements RequestHandler<Object, String> {
        @Override
        public String handleRequest(Object input, Context context) {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(40);
            while (System.nanoTime() < until) Thread.onSpinWait();
            return "done";
        }
    }

    @Test
    void gbSecondsAddUpEachInvocationsWallTimeTimesItsMemorySize() {
        LocalFunction fn = function(Slow.class, Map.of());
        assertEquals(0.0, fn.gbSeconds());
        fn.invoke(Map.of());
        fn.invoke(Map.of());
        assertEquals(512, fn.memorySize());
        // at least 2 x 40 ms at 0.5 GB, and not seconds of it (a unit slip would give 40)
        assertTrue(fn.gbSeconds() >= 2 * 0.040 * 0.5, "gbSeconds " + fn.gbSeconds());
        assertTrue(fn.gbSeconds() < 5.0 * 0.5, "gbSeconds " + fn.gbSeconds());
        LocalFunction failing = function(Failing.class, Map.of());
        assertThrows(FunctionError.class, () -> failing.invoke(Map.of()));
        assertTrue(failing.gbSeconds() > 0, "a failed invocation is billed too");
    }

    @Test
    void aHandlerGetsItsEnvironmentThroughItsMapConstructorAndAGenericInputFromJson() throws Exception {
        LocalFunction fn = function(EnvironmentEcho.class, Map.of("TABLE", "EventsTable"));

        JsonNode result = fn.invokeJson(JSON.readTree("{\"a\":1}"));

        assertEquals("EventsTable", result.at("/env/TABLE").asText());
        assertEquals(1, result.at("/input/a").asInt());
        assertEquals("Fn", result.get("function").asText());
        assertTrue(result.get("remaining").asBoolean());
        assertEquals(1, fn.invocations());
    }

    @Test
    void theTemplatesEnvironmentIsCompletedWithTheLocalStack() {
        Template template = SampleApp.load();
        FunctionResource shipper = template.function("ShipperFunction");

        Map<String, String> env = LocalFunctions.environment(shipper, ENDPOINTS, Map.of("STAGE", "prod"),
                Map.of("EXTRA", "x"));

        assertEquals("OrdersTable", env.get("ORDERS_TABLE"));
        assertEquals("prod", env.get("STAGE"));
        assertEquals("x", env.get("EXTRA"));
        assertEquals("us-east-1", env.get("AWS_REGION"));
        assertEquals("http://127.0.0.1:4567", env.get("AWS_ENDPOINT_URL_DYNAMODB"));
        assertEquals("http://127.0.0.1:4568", env.get("AWS_ENDPOINT_URL_KINESIS"));
        assertEquals("http://127.0.0.1:4569", env.get("AWS_ENDPOINT_URL_S3"));
        assertEquals("ShipperFunction", env.get("AWS_LAMBDA_FUNCTION_NAME"));
        assertTrue(env.containsKey("AWS_ACCESS_KEY_ID") && env.containsKey("AWS_SECRET_ACCESS_KEY"));
    }

    @Test
    void theRegistryFindsFunctionsByNameOrArnAndNamesWhatIsMissing() {
        Template template = SampleApp.load();
        LocalFunctions functions = LocalFunctions.fromTemplate(template, ENDPOINTS);

        assertEquals(List.of("OrdersApiFunction", "ShipperFunction", "AuditFunction"), List.copyOf(functions.names()));
        assertEquals("ShipperFunction",
                functions.get("arn:aws:lambda:us-east-1:000000000000:function:ShipperFunction").name());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> functions.get("Nope"));
        assertTrue(missing.getMessage().contains("Nope"));
    }

    @Test
    void aNoArgHandlerGetsAScheduledEventBuiltFromJson() throws Exception {
        LocalFunction fn = function(NoArgScheduled.class, Map.of());

        String result = fn.invoke(JSON.readTree("{\"detail-type\":\"Scheduled Event\",\"time\":\"2026-11-26T03:00:00Z\","
                + "\"detail\":{},\"resources\":[\"arn:aws:events:us-east-1:000000000000:rule/Nightly\"]}"), String.class);

        assertEquals("Scheduled Event@2026", result);
    }

    @Test
    void anObjectInputGetsPlainJavaValuesAsTheLambdaJavaRuntimeGivesThem() throws Exception {
        RequestHandler<Object, Object> describe = (in, context) -> in instanceof Map<?, ?> m
                ? m.get("n").getClass().getSimpleName() + " " + m.get("tags").getClass().getSimpleName() : in.getClass().getName();
        LocalFunction fn = new LocalFunction("Describe", "arn:aws:lambda:us-east-1:000000000000:function:Describe", 5, 128,
                "handleRequest", () -> describe);

        JsonNode result = fn.invokeJson(JSON.readTree("{\"n\":5,\"tags\":[\"a\"]}"));

        assertEquals("Integer ArrayList", result.asText());
    }

    @Test
    void aStreamHandlerGetsJsonBytesAndItsOutputIsReadAsJson() throws Exception {
        JsonNode result = function(Shouting.class, Map.of()).invokeJson(JSON.readTree("{\"a\":\"b\"}"));

        assertEquals("B", result.get("A").asText());
    }

    @Test
    void aHandlerErrorBecomesAFunctionErrorWithTheExceptionsTypeAndMessage() {
        LocalFunction fn = function(Failing.class, Map.of());

        FunctionError error = assertThrows(FunctionError.class, () -> fn.invoke(Map.of("x", 1)));

        assertEquals("java.lang.IllegalArgumentException", error.errorType());
        assertEquals("bad input {x=1}", error.errorMessage());
        assertEquals("Fn", error.functionName());
        assertEquals(1, fn.errors());
    }

    @Test
    void aMissingHandlerClassFailsNamingTheClassAndFunction() {
        LocalFunction fn = LocalFunction.reflective("Fn", "arn", 3, 128, "no.such.Handler", "handleRequest", Map.of(),
                getClass().getClassLoader());

        FunctionError error = assertThrows(FunctionError.class, fn::warmUp);

        assertTrue(error.getMessage().contains("no.such.Handler") && error.getMessage().contains("Fn"),
                error.getMessage());
    }

    @Test
    void anInvocationLongerThanTheTimeoutFailsLikeLambda() {
        LocalFunction fn = LocalFunction.reflective("Slow", "arn", 1, 128, Sleepy.class.getName(), "handleRequest",
                Map.of(), getClass().getClassLoader());

        FunctionError error = assertThrows(FunctionError.class, () -> fn.invoke("x"));

        Sleepy.RELEASE.countDown();

        assertEquals("Sandbox.Timedout", error.errorType());
        assertTrue(error.errorMessage().endsWith("Task timed out after 1.00 seconds"), error.errorMessage());
    }

    @Test
    void concurrentInvocationsRunInParallelOnSeparateInstances() throws Exception {
        LocalFunction fn = function(Rendezvous.class, Map.of());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> first = pool.submit(() -> fn.invoke(null, Integer.class));
            Future<Integer> second = pool.submit(() -> fn.invoke(null, Integer.class));

            int a = first.get();
            int b = second.get();

            assertNotEquals(-1, a);
            assertNotEquals(-1, b);
            assertNotEquals(a, b, "each concurrent invocation has its own handler instance");
        } finally {
            pool.shutdownNow();
        }
    }
}
