package dev.onebox.template;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** One entry of a function's or state machine's {@code Events}, by type. */
public sealed interface EventSource {
    /** The event's key in {@code Events}. */
    String name();

    /** A {@code Kinesis} event: an event source mapping, with AWS's defaults for the properties left out. */
    record Kinesis(String name, String streamArn, String streamName, StartingPosition startingPosition,
                   Optional<Instant> startingPositionTimestamp, int batchSize, Duration maximumBatchingWindow,
                   boolean bisectBatchOnFunctionError, int maximumRetryAttempts, int maximumRecordAgeInSeconds,
                   int parallelizationFactor, boolean reportBatchItemFailures, Optional<OnFailure> onFailure,
                   boolean enabled) implements EventSource {
        public static final int UNLIMITED = -1;

        /** The same mapping with ReportBatchItemFailures turned on. */
        public Kinesis withReportBatchItemFailures() {
            return new Kinesis(name, streamArn, streamName, startingPosition, startingPositionTimestamp, batchSize,
                    maximumBatchingWindow, bisectBatchOnFunctionError, maximumRetryAttempts, maximumRecordAgeInSeconds,
                    parallelizationFactor, true, onFailure, enabled);
        }
    }

    /** Where a Kinesis mapping sends records it discards: {@code type} is S3, SQS or SNS. */
    record OnFailure(String type, String destinationArn) {
    }

    /** Where to start reading a shard that has no checkpoint yet. */
    enum StartingPosition { TRIM_HORIZON, LATEST, AT_TIMESTAMP }

    /**
     * An {@code Api} (REST API) or {@code HttpApi} event: one route; {@code method} is upper case ({@code ANY} matches
     * all). The API resource it names (RestApiId, ApiId) and its authorization are not read here.
     */
    record Api(String name, String path, String method) implements EventSource {
    }

    /** A {@code Schedule} or {@code ScheduleV2} event. */
    record Schedule(String name, String type, String scheduleExpression, Optional<String> input, boolean enabled,
                    Map<String, Object> properties) implements EventSource {
    }

    /** An {@code EventBridgeRule} (or {@code CloudWatchEvent}) event: an event pattern on a bus. */
    record EventBridgeRule(String name, Map<String, Object> pattern, String eventBusName, Optional<String> input,
                           boolean enabled, Map<String, Object> properties) implements EventSource {
    }

    /** Any other event type, kept with its resolved properties for whoever runs it. */
    record Other(String name, String type, Map<String, Object> properties) implements EventSource {
    }

}
