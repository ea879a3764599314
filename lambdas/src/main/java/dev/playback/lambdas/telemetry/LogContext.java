package dev.playback.lambdas.telemetry;

import com.amazonaws.services.lambda.runtime.Context;
import org.slf4j.MDC;

import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The correlation keys of the handlers' log lines, in SLF4J's MDC (the JSON encoder writes them with every line,
 * {@code mdc}): {@value #FUNCTION} and {@value #REQUEST_ID} for the invocation, and what applies of
 * {@value #AGGREGATE_ID}, {@value #EVENT_ID}, {@value #REPLAY_ID}, {@value #GENERATION}, {@value #PROCESSOR},
 * {@value #EXECUTION_ARN}. Ids only: never a payload or a personal field. The MDC is per thread: work handed to a
 * pool carries the keys through {@link #carrying}.
 */
public final class LogContext {
    public static final String FUNCTION = "function";
    public static final String REQUEST_ID = "requestId";
    public static final String AGGREGATE_ID = "aggregateId";
    public static final String EVENT_ID = "eventId";
    public static final String REPLAY_ID = "replayId";
    public static final String GENERATION = "generation";
    public static final String PROCESSOR = "processor";
    public static final String EXECUTION_ARN = "executionArn";

    private LogContext() {
    }

    /** One invocation's keys, removed again when it is closed (a container runs invocation after invocation). */
    public static final class Invocation implements AutoCloseable {
        private final Map<String, String> before;

        private Invocation(Map<String, String> before) {
            this.before = before;
        }

        @Override
        public void close() {
            if (before == null) MDC.clear();
            else MDC.setContextMap(before);
        }
    }

    /** Starts an invocation: the function's name and the request id of {@code context} (none without a context). */
    public static Invocation start(Context context) {
        Invocation invocation = new Invocation(MDC.getCopyOfContextMap());
        MDC.clear();
        if (context != null) {
            put(FUNCTION, context.getFunctionName());
            put(REQUEST_ID, context.getAwsRequestId());
        }
        return invocation;
    }

    /** Sets {@code key} for the following lines of this thread; a null value removes it. */
    public static void put(String key, String value) {
        if (value == null) MDC.remove(key);
        else MDC.put(key, value);
    }

    /** Runs {@code task} with {@code key} set to {@code value}, restoring what it was after. */
    public static void with(String key, String value, Runnable task) {
        String was = MDC.get(key);
        put(key, value);
        try {
            task.run();
        } finally {
            put(key, was);
        }
    }

    /** The keys of this thread, for a line that is not a log line (the metrics' properties). */
    public static Map<String, String> current() {
        Map<String, String> keys = MDC.getCopyOfContextMap();
        return keys == null ? Map.of() : keys;
    }

    /** {@code executor}, each task running with the keys its submitter had when it submitted it. */
    public static Executor carrying(Executor executor) {
        return task -> {
            Map<String, String> keys = MDC.getCopyOfContextMap();
            executor.execute(() -> {
                Map<String, String> before = MDC.getCopyOfContextMap();
                if (keys == null) MDC.clear();
                else MDC.setContextMap(keys);
                try {
                    task.run();
                } finally {
                    if (before == null) MDC.clear();
                    else MDC.setContextMap(before);
                }
            });
        };
    }
}
