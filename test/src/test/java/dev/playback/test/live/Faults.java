package dev.playback.test.live;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault injection into the SDK calls of the pump and the processors: registered for every client of the test JVM
 * as a global interceptor ({@code software/amazon/awssdk/global/handlers/execution.interceptors}), inert until a
 * test arms it. It fails, with the service's throttling error at random and its internal error (500) during an
 * outage, both of which the SDK retries before giving up:
 * <ul>
 *   <li>DynamoDB calls made on the threads of hosted Lambda invocations and of the pump's and processors' pools
 *       (the test's own clients and the local runtime's pollers are left alone);</li>
 *   <li>Kinesis PutRecord(s) to the playback stream (the pump's feed; ingest's writes to the event stream are left
 *       alone so clients keep getting 202s);</li>
 * </ul>
 * a fraction of them at random ({@link #transientRate}), or all of a kind during an outage window (all DynamoDB
 * calls, only those on the data store's table, or the Kinesis calls).
 */
public final class Faults implements ExecutionInterceptor {
    private static final Set<String> FAULTED_THREADS = Set.of("local-lambda-invocation", "pump-append", "events-table-writer",
            "projection", "payouts");

    private static volatile double transientRate;
    private static volatile long dynamoOutageUntil;
    private static volatile long kinesisOutageUntil;
    private static volatile long dataTableOutageUntil;
    private static volatile String dataTable;
    private static volatile String playbackStream;
    static final AtomicLong TRANSIENT = new AtomicLong();
    static final AtomicLong DYNAMO_OUTAGE = new AtomicLong();
    static final AtomicLong KINESIS_OUTAGE = new AtomicLong();
    /** Calls that failed after all of the SDK's retries, because of an outage. */
    static final AtomicLong DYNAMO_CALLS_FAILED = new AtomicLong();
    static final AtomicLong KINESIS_CALLS_FAILED = new AtomicLong();

    static void arm(String playbackStreamName, String dataTableName, double rate) {
        playbackStream = playbackStreamName;
        dataTable = dataTableName;
        transientRate = rate;
    }

    static void disarm() {
        transientRate = 0;
        dynamoOutageUntil = 0;
        kinesisOutageUntil = 0;
        dataTableOutageUntil = 0;
        playbackStream = null;
    }

    static void dynamoOutage(Duration length) {
        dynamoOutageUntil = System.nanoTime() + length.toNanos();
    }

    /** Only the data store's table: the processors fail while the pump goes on publishing to them. */
    static void dataTableOutage(Duration length) {
        dataTableOutageUntil = System.nanoTime() + length.toNanos();
    }

    static void endDataTableOutage() {
        dataTableOutageUntil = 0;
    }

    static void kinesisOutage(Duration length) {
        kinesisOutageUntil = System.nanoTime() + length.toNanos();
    }

    static String counts() {
        return "failed attempts: transient " + TRANSIENT.get() + ", DynamoDB outage " + DYNAMO_OUTAGE.get() + ", Kinesis outage "
                + KINESIS_OUTAGE.get() + "; calls failed after the SDK's retries: DynamoDB " + DYNAMO_CALLS_FAILED.get() + ", Kinesis "
                + KINESIS_CALLS_FAILED.get();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (playbackStream == null) return;
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        SdkRequest request = context.request();
        if (service != null && service.toLowerCase(java.util.Locale.ROOT).startsWith("dynamodb") && faultedThread()) {
            if (System.nanoTime() < dynamoOutageUntil || (System.nanoTime() < dataTableOutageUntil && touches(request, dataTable))) {
                DYNAMO_OUTAGE.incrementAndGet();
                throw DynamoDbException.builder().message("injected DynamoDB outage (" + operation + ")").statusCode(500)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalServerError").serviceName("DynamoDB").build()).build();
            }
            if (ThreadLocalRandom.current().nextDouble() < transientRate) {
                TRANSIENT.incrementAndGet();
                throw DynamoDbException.builder().message("injected transient DynamoDB fault (" + operation + ")").statusCode(400)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").serviceName("DynamoDB").build()).build();
            }
        }
        if (service != null && service.equalsIgnoreCase("kinesis") && toPlaybackStream(request)) {
            if (System.nanoTime() < kinesisOutageUntil) {
                KINESIS_OUTAGE.incrementAndGet();
                throw KinesisException.builder().message("injected Kinesis outage (" + operation + ")").statusCode(500)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalFailure").serviceName("Kinesis").build()).build();
            }
            if (ThreadLocalRandom.current().nextDouble() < transientRate) {
                TRANSIENT.incrementAndGet();
                throw KinesisException.builder().message("injected transient Kinesis fault (" + operation + ")").statusCode(400)
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException").serviceName("Kinesis").build()).build();
            }
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        String message = String.valueOf(context.exception().getMessage());
        if (message.contains("injected DynamoDB outage")) DYNAMO_CALLS_FAILED.incrementAndGet();
        if (message.contains("injected Kinesis outage")) KINESIS_CALLS_FAILED.incrementAndGet();
    }

    private static boolean faultedThread() {
        String name = Thread.currentThread().getName();
        return FAULTED_THREADS.contains(name);
    }

    @SuppressWarnings("rawtypes")
    private static boolean touches(SdkRequest request, String table) {
        Optional<String> name = request.getValueForField("TableName", String.class);
        if (name.isPresent()) return name.get().equals(table);
        return request.getValueForField("RequestItems", Map.class).map(items -> items.containsKey(table)).orElse(false);
    }

    private static boolean toPlaybackStream(SdkRequest request) {
        String stream = playbackStream;
        if (request instanceof PutRecordsRequest r) return stream.equals(r.streamName());
        if (request instanceof PutRecordRequest r) return stream.equals(r.streamName());
        return false;
    }
}
