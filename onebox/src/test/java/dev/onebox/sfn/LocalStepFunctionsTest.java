package dev.onebox.sfn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.onebox.sfn.asl.HistoryEvent;
import dev.onebox.sfn.asl.Json;
import dev.onebox.sfn.asl.SfnClock;
import dev.onebox.sfn.tasks.TaskClients;
import dev.onebox.sfn.tasks.InProcessLambdaFunctions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service and its task integrations, in process (no network). */
class LocalStepFunctionsTest {
    private LocalStepFunctions sfn;

    @AfterEach
    void close() {
        if (sfn != null) {
            sfn.close();
        }
    }

    private LocalStepFunctions service(InProcessLambdaFunctions functions, TaskClients clients) {
        sfn = LocalStepFunctions.builder().clock(SfnClock.instant()).lambdaFunctions(functions).taskClients(clients).build();
        return sfn;
    }

    record Order(String id, int quantity) {
    }

    /** A typed handler: the payload is converted to its input type as the Java runtime does. */
    public static final class Pricing implements RequestHandler<Order, Map<String, Object>> {
        @Override
        public Map<String, Object> handleRequest(Order order, Context context) {
            return Map.of("id", order.id(), "total", order.quantity() * 5, "function", context.getFunctionName());
        }
    }

    public static final class Shouting implements RequestStreamHandler {
        @Override
        public void handleRequest(InputStream in, OutputStream out, Context context) throws java.io.IOException {
            String s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            out.write(s.toUpperCase().getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void waitsOnVirtualTimeWithoutSleeping() {
        LocalStepFunctions s = service(new InProcessLambdaFunctions(), TaskClients.none());
        Instant before = s.clock().now();
        ExecutionResult r = s.run("""
                {"StartAt": "Long", "States": {
                  "Long": {"Type": "Wait", "Seconds": 31536000, "Next": "Until"},
                  "Until": {"Type": "Wait", "Timestamp": "2999-01-01T00:00:00Z", "End": true}}}""", "{}", WorkflowType.STANDARD);
        assertEquals(ExecutionStatus.SUCCEEDED, r.status());
        assertTrue(Duration.between(before, s.clock().now()).toDays() > 300 * 365);
    }

    @Test
    void aMachineTimeoutEndsTheExecutionTimedOutEvenDuringAWait() {
        LocalStepFunctions s = service(new InProcessLambdaFunctions(), TaskClients.none());
        StateMachine sm = s.createStateMachine("bounded", """
                {"TimeoutSeconds": 60, "StartAt": "Long", "States": {
                  "Long": {"Type": "Wait", "Seconds": 3600, "End": true}}}""", WorkflowType.STANDARD, null);
        ExecutionDescription d = s.startSyncExecution(sm.arn(), null, "{}");
        assertEquals(ExecutionStatus.TIMED_OUT, d.status());
        assertEquals("States.Timeout", d.error());
        List<HistoryEvent> events = s.getExecutionHistory(d.executionArn());
        assertEquals("ExecutionTimedOut", events.get(events.size() - 1).type());
        assertEquals(60, Duration.between(d.startDate(), d.stopDate()).toSeconds());
    }

    @Test
    void substitutesDefinitionPlaceholdersAndInvokesPlainFunctionArns() {
        InProcessLambdaFunctions functions = new InProcessLambdaFunctions().register("Pricing", Pricing.class);
        LocalStepFunctions s = service(functions, TaskClients.none());
        StateMachine sm = s.createStateMachine("pricing", """
                {"StartAt": "Price", "States": {
                  "Price": {"Type": "Task", "Resource": "${PricingFunctionArn}", "End": true}}}""",
                WorkflowType.STANDARD, Map.of("PricingFunctionArn", functions.arnOf("Pricing")));
        assertTrue(sm.definition().contains("arn:aws:lambda:us-east-1:123456789012:function:Pricing"));
        ExecutionDescription d = s.startSyncExecution(sm.arn(), "order-1", "{\"id\":\"o-1\",\"quantity\":3}");
        assertEquals(ExecutionStatus.SUCCEEDED, d.status(), d.cause());
        assertEquals(Map.of("id", "o-1", "total", 15, "function", "Pricing"), Json.parse(d.output()));
        List<String> types = s.getExecutionHistory(d.executionArn()).stream().map(HistoryEvent::type).toList();
        assertEquals(List.of("ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
                "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"), types);
    }

    @Test
    void lambdaInvokeReturnsTheAwsResultShape() {
        InProcessLambdaFunctions functions = new InProcessLambdaFunctions().register("Shout", new Shouting());
        ExecutionResult r = service(functions, TaskClients.none()).run("""
                {"StartAt": "Call", "States": {
                  "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                           "Parameters": {"FunctionName": "Shout", "Payload": {"word": "hi"}}, "End": true}}}""",
                "{}", WorkflowType.EXPRESS);
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) Json.parse(r.output());
        assertEquals(Map.of("WORD", "HI"), out.get("Payload"));
        assertEquals(200, out.get("StatusCode"));
        assertEquals("$LATEST", out.get("ExecutedVersion"));
        assertTrue(out.containsKey("SdkHttpMetadata"));
        assertTrue(out.containsKey("SdkResponseMetadata"));
    }

    @Test
    void jsonataTasksUseArgumentsOutputAndAssign() {
        InProcessLambdaFunctions functions = new InProcessLambdaFunctions().register("Pricing", Pricing.class);
        ExecutionResult r = service(functions, TaskClients.none()).run("""
                {"QueryLanguage": "JSONata", "StartAt": "Price", "States": {
                  "Price": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                            "Arguments": {"FunctionName": "Pricing", "Payload": {"id": "{% $states.input.order %}", "quantity": 2}},
                            "Assign": {"total": "{% $states.result.Payload.total %}"},
                            "Output": {"status": "{% $states.result.StatusCode %}"},
                            "Next": "Report"},
                  "Report": {"Type": "Pass", "Output": {"status": "{% $states.input.status %}", "total": "{% $total %}"}, "End": true}}}""",
                "{\"order\": \"o-9\"}", WorkflowType.STANDARD);
        assertEquals(ExecutionStatus.SUCCEEDED, r.status(), r.cause());
        assertEquals(Map.of("status", 200, "total", 10), Json.parse(r.output()));
    }

    @Test
    void anUnknownFunctionFailsWithLambdasErrorName() {
        ExecutionResult r = service(new InProcessLambdaFunctions(), TaskClients.none()).run("""
                {"StartAt": "Call", "States": {
                  "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                           "Parameters": {"FunctionName": "Nope"}, "End": true}}}""", "{}", WorkflowType.STANDARD);
        assertEquals(ExecutionStatus.FAILED, r.status());
        assertEquals("Lambda.ResourceNotFoundException", r.error());
        assertTrue(r.cause().startsWith("Function not found: arn:aws:lambda:us-east-1:123456789012:function:Nope (Service: AWSLambda; Status Code: 404;"),
                r.cause());
    }

    @Test
    void aThrownRuntimeExceptionIsNamedByItsClass() {
        InProcessLambdaFunctions functions = new InProcessLambdaFunctions()
                .register("Boom", (RequestHandler<Object, Object>) (in, ctx) -> {
                    throw new RuntimeException("boom");
                });
        ExecutionResult r = service(functions, TaskClients.none()).run("""
                {"StartAt": "Call", "States": {
                  "Call": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Boom", "End": true}}}""",
                "{}", WorkflowType.STANDARD);
        assertEquals("java.lang.RuntimeException", r.error());
        assertEquals("boom", ((Map<?, ?>) Json.parse(r.cause())).get("errorMessage"));
    }

    @Test
    void startingTheSameNameTwiceWhileRunningIsIdempotent() {
        InProcessLambdaFunctions functions = new InProcessLambdaFunctions()
                .register("Park", (RequestHandler<Object, Object>) (in, ctx) -> Map.of());
        LocalStepFunctions s = service(functions, TaskClients.none());
        StateMachine sm = s.createStateMachine("waiting", """
                {"StartAt": "Ask", "States": {
                  "Ask": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                          "Parameters": {"FunctionName": "Park", "Payload": {"token.$": "$$.Task.Token"}}, "End": true}}}""",
                WorkflowType.STANDARD, null);
        ExecutionDescription first = s.startExecution(sm.arn(), "once", "{}");
        ExecutionDescription again = s.startExecution(sm.arn(), "once", "{}");
        assertEquals(first.executionArn(), again.executionArn());
        SfnServiceException conflict = assertThrows(SfnServiceException.class, () -> s.startExecution(sm.arn(), "once", "{\"other\":1}"));
        assertEquals("ExecutionAlreadyExists", conflict.code());
        s.stopExecution(first.executionArn(), null, null);
        assertEquals(ExecutionStatus.ABORTED, s.awaitExecution(first.executionArn(), Duration.ofSeconds(10)).status());
    }

    @Test
    void aTaskWhoseClientIsAbsentFailsClearly() {
        ExecutionResult r = service(new InProcessLambdaFunctions(), TaskClients.none()).run("""
                {"StartAt": "Announce", "States": {
                  "Announce": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
                               "Parameters": {"Entries": []}, "End": true}}}""", "{}", WorkflowType.STANDARD);
        assertEquals(ExecutionStatus.FAILED, r.status());
        assertEquals("States.Runtime", r.error());
        assertTrue(r.cause().contains("No EventBridge client is configured"), r.cause());
    }

    @Test
    void stopExecutionAbortsAWaitingExecution() {
        sfn = LocalStepFunctions.builder().clock(SfnClock.system()).build();
        StateMachine sm = sfn.createStateMachine("sleepy", """
                {"StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 3600, "End": true}}}""",
                WorkflowType.STANDARD, null);
        ExecutionDescription d = sfn.startExecution(sm.arn(), null, "{}");
        ExecutionDescription stopped = sfn.stopExecution(d.executionArn(), "Operator", "no longer needed");
        assertEquals(ExecutionStatus.ABORTED, stopped.status());
        List<HistoryEvent> events = sfn.getExecutionHistory(d.executionArn());
        assertEquals("ExecutionAborted", events.get(events.size() - 1).type());
        assertEquals(1, sfn.listExecutions(sm.arn(), ExecutionStatus.ABORTED).size());
    }

    @Test
    void callsDynamoDbThroughTheSdkWithAwsErrorNames() {
        List<Object> requests = new CopyOnWriteArrayList<>();
        DynamoDbClient fake = new DynamoDbClient() {
            @Override
            public GetItemResponse getItem(GetItemRequest r) {
                requests.add(r);
                return GetItemResponse.builder().item(Map.of("id", AttributeValue.fromS(r.key().get("id").s()),
                        "version", AttributeValue.fromN("7"))).build();
            }

            @Override
            public PutItemResponse putItem(PutItemRequest r) {
                requests.add(r);
                throw (ConditionalCheckFailedException) ConditionalCheckFailedException.builder().message("The conditional request failed")
                        .awsErrorDetails(AwsErrorDetails.builder().errorCode("ConditionalCheckFailedException").build()).build();
            }

            @Override
            public String serviceName() {
                return "dynamodb";
            }

            @Override
            public void close() {
            }
        };
        LocalStepFunctions s = service(new InProcessLambdaFunctions(), new TaskClients(fake, null, null, null));
        ExecutionResult r = s.run("""
                {"StartAt": "Get", "States": {
                  "Get": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:getItem",
                          "Parameters": {"TableName": "events", "Key": {"id": {"S.$": "$.id"}}},
                          "ResultSelector": {"version.$": "$.Item.version.N"}, "ResultPath": "$.found", "Next": "Put"},
                  "Put": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                          "Parameters": {"TableName": "events", "Item": {"id": {"S": "x"}}, "ConditionExpression": "attribute_not_exists(id)"},
                          "Catch": [{"ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"], "ResultPath": "$.error", "Next": "Exists"}],
                          "End": true},
                  "Exists": {"Type": "Pass", "End": true}}}""", "{\"id\":\"a-1\"}", WorkflowType.STANDARD);
        assertEquals(ExecutionStatus.SUCCEEDED, r.status(), r.cause());
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) Json.parse(r.output());
        assertEquals(Map.of("version", "7"), out.get("found"));
        assertEquals("DynamoDB.ConditionalCheckFailedException", ((Map<?, ?>) out.get("error")).get("Error"));
        assertTrue(((String) ((Map<?, ?>) out.get("error")).get("Cause")).contains("(Service: AmazonDynamoDBv2; Status Code:"),
                out.toString());
        GetItemRequest get = (GetItemRequest) requests.get(0);
        assertEquals("events", get.tableName());
        assertEquals("a-1", get.key().get("id").s());
        assertEquals("attribute_not_exists(id)", ((PutItemRequest) requests.get(1)).conditionExpression());
    }

    @Test
    void putsKinesisRecordsAndEventBridgeEvents() {
        List<Object> requests = new ArrayList<>();
        KinesisClient kinesis = new KinesisClient() {
            @Override
            public PutRecordsResponse putRecords(PutRecordsRequest r) {
                requests.add(r);
                return PutRecordsResponse.builder().failedRecordCount(0)
                        .records(PutRecordsResultEntry.builder().sequenceNumber("1").shardId("shardId-0").build()).build();
            }

            @Override
            public String serviceName() {
                return "kinesis";
            }

            @Override
            public void close() {
            }
        };
        EventBridgeClient events = new EventBridgeClient() {
            @Override
            public PutEventsResponse putEvents(PutEventsRequest r) {
                requests.add(r);
                return PutEventsResponse.builder().failedEntryCount(0).entries(PutEventsResultEntry.builder().eventId("e-1").build()).build();
            }

            @Override
            public String serviceName() {
                return "events";
            }

            @Override
            public void close() {
            }
        };
        ExecutionResult r = service(new InProcessLambdaFunctions(), new TaskClients(null, kinesis, null, events)).run("""
                {"StartAt": "Put", "States": {
                  "Put": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:kinesis:putRecords",
                          "Parameters": {"StreamName": "playback", "Records": [{"Data.$": "States.JsonToString($.event)", "PartitionKey.$": "$.event.aggregateId"}]},
                          "ResultPath": "$.put", "Next": "Announce"},
                  "Announce": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
                          "Parameters": {"Entries": [{"Source": "playback", "DetailType": "ReplayDone", "Detail": {"replayId": "r-1"}}]},
                          "ResultPath": "$.announced", "End": true}}}""",
                "{\"event\":{\"aggregateId\":\"a-1\",\"type\":\"Created\"}}", WorkflowType.STANDARD);
        assertEquals(ExecutionStatus.SUCCEEDED, r.status(), r.cause());
        PutRecordsRequest put = (PutRecordsRequest) requests.get(0);
        assertEquals("a-1", put.records().get(0).partitionKey());
        assertEquals(Map.of("aggregateId", "a-1", "type", "Created"), Json.parse(put.records().get(0).data().asUtf8String()));
        PutEventsRequest pe = (PutEventsRequest) requests.get(1);
        assertEquals(Map.of("replayId", "r-1"), Json.parse(pe.entries().get(0).detail()));
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) Json.parse(r.output());
        assertEquals(0, ((Map<?, ?>) out.get("put")).get("FailedRecordCount"));
        assertEquals(0, ((Map<?, ?>) out.get("announced")).get("FailedEntryCount"));
    }

    @Test
    void readsAndWritesS3ObjectsAsText() {
        Map<String, String> bucket = new java.util.concurrent.ConcurrentHashMap<>();
        software.amazon.awssdk.services.s3.S3Client s3 = new software.amazon.awssdk.services.s3.S3Client() {
            @Override
            public software.amazon.awssdk.services.s3.model.PutObjectResponse putObject(
                    software.amazon.awssdk.services.s3.model.PutObjectRequest r,
                    software.amazon.awssdk.core.sync.RequestBody body) {
                try (InputStream in = body.contentStreamProvider().newStream()) {
                    bucket.put(r.bucket() + "/" + r.key(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return software.amazon.awssdk.services.s3.model.PutObjectResponse.builder().eTag("\"e1\"").build();
            }

            @Override
            public software.amazon.awssdk.core.ResponseBytes<software.amazon.awssdk.services.s3.model.GetObjectResponse> getObjectAsBytes(
                    software.amazon.awssdk.services.s3.model.GetObjectRequest r) {
                String text = bucket.get(r.bucket() + "/" + r.key());
                if (text == null) {
                    throw (software.amazon.awssdk.services.s3.model.NoSuchKeyException) software.amazon.awssdk.services.s3.model.NoSuchKeyException.builder()
                            .message("The specified key does not exist.")
                            .awsErrorDetails(AwsErrorDetails.builder().errorCode("NoSuchKey").build()).build();
                }
                return software.amazon.awssdk.core.ResponseBytes.fromByteArray(
                        software.amazon.awssdk.services.s3.model.GetObjectResponse.builder().contentLength((long) text.length()).build(),
                        text.getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public String serviceName() {
                return "s3";
            }

            @Override
            public void close() {
            }
        };
        ExecutionResult r = service(new InProcessLambdaFunctions(), new TaskClients(null, null, s3, null)).run("""
                {"StartAt": "Put", "States": {
                  "Put": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:putObject",
                          "Parameters": {"Bucket": "records", "Key": "q-1.json", "Body.$": "$.answer"}, "ResultPath": null, "Next": "Get"},
                  "Get": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
                          "Parameters": {"Bucket": "records", "Key": "q-1.json"},
                          "ResultSelector": {"answer.$": "States.StringToJson($.Body)"}, "Next": "Missing"},
                  "Missing": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
                          "Parameters": {"Bucket": "records", "Key": "nope"},
                          "Catch": [{"ErrorEquals": ["S3.NoSuchKeyException"], "ResultPath": "$.missing", "Next": "Done"}], "End": true},
                  "Done": {"Type": "Pass", "End": true}}}""", "{\"answer\": {\"rate\": 1.5}}", WorkflowType.STANDARD);
        assertEquals(ExecutionStatus.SUCCEEDED, r.status(), r.cause());
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) Json.parse(r.output());
        assertEquals(Map.of("rate", 1.5), out.get("answer"));
        assertEquals("S3.NoSuchKeyException", ((Map<?, ?>) out.get("missing")).get("Error"));
        assertEquals("{\"rate\":1.5}", bucket.get("records/q-1.json"));
    }

    @Test
    void aDistributedMapReadsItsItemsFromS3() {
        Map<String, String> objects = Map.of(
                "in/events.csv", "aggregateId,type\na-1,Created\n\"a-2\",\"Renamed, twice\"\n",
                "in/events.json", "[{\"n\": 1}, {\"n\": 2}, {\"n\": 3}]");
        software.amazon.awssdk.services.s3.S3Client s3 = new software.amazon.awssdk.services.s3.S3Client() {
            @Override
            public software.amazon.awssdk.core.ResponseBytes<software.amazon.awssdk.services.s3.model.GetObjectResponse> getObjectAsBytes(
                    software.amazon.awssdk.services.s3.model.GetObjectRequest r) {
                return software.amazon.awssdk.core.ResponseBytes.fromByteArray(
                        software.amazon.awssdk.services.s3.model.GetObjectResponse.builder().build(),
                        objects.get(r.key()).getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public software.amazon.awssdk.services.s3.model.ListObjectsV2Response listObjectsV2(
                    software.amazon.awssdk.services.s3.model.ListObjectsV2Request r) {
                return software.amazon.awssdk.services.s3.model.ListObjectsV2Response.builder().contents(objects.keySet().stream().sorted()
                        .map(k -> software.amazon.awssdk.services.s3.model.S3Object.builder().key(k).size(10L).build()).toList()).build();
            }

            @Override
            public String serviceName() {
                return "s3";
            }

            @Override
            public void close() {
            }
        };
        LocalStepFunctions s = service(new InProcessLambdaFunctions(), new TaskClients(null, null, s3, null));
        String processor = """
                "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                  "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}""";
        ExecutionResult csv = s.run("""
                {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, %s,
                  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                                 "Parameters": {"Bucket": "b", "Key.$": "$.key"}}}}}""".formatted(processor),
                "{\"key\": \"in/events.csv\"}", WorkflowType.STANDARD);
        assertEquals(List.of(Map.of("aggregateId", "a-1", "type", "Created"), Map.of("aggregateId", "a-2", "type", "Renamed, twice")),
                Json.parse(csv.output()), csv.cause());
        ExecutionResult json = s.run("""
                {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, %s,
                  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON", "MaxItems": 2},
                                 "Parameters": {"Bucket": "b", "Key": "in/events.json"}}}}}""".formatted(processor),
                "{}", WorkflowType.STANDARD);
        assertEquals(List.of(Map.of("n", 1), Map.of("n", 2)), Json.parse(json.output()), json.cause());
        ExecutionResult listing = s.run("""
                {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ItemSelector": {"key.$": "$$.Map.Item.Value.Key"}, %s,
                  "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b", "Prefix": "in/"}}}}}"""
                .formatted(processor), "{}", WorkflowType.STANDARD);
        assertEquals(List.of(Map.of("key", "in/events.csv"), Map.of("key", "in/events.json")), Json.parse(listing.output()), listing.cause());
    }

    @Test
    void parallelBranchesWithTasksRunConcurrentlyAndMapToleratesFailures() {
        InProcessLambdaFunctions functions = new InProcessLambdaFunctions()
                .register("Half", (RequestHandler<Integer, Integer>) (n, ctx) -> {
                    if (n % 2 == 1) {
                        throw new IllegalArgumentException("odd: " + n);
                    }
                    return n / 2;
                });
        ExecutionResult r = service(functions, TaskClients.none()).run("""
                {"StartAt": "Both", "States": {
                  "Both": {"Type": "Parallel", "End": true, "Branches": [
                    {"StartAt": "Halve", "States": {"Halve": {"Type": "Map", "ItemsPath": "$.numbers", "MaxConcurrency": 2,
                       "ToleratedFailureCount": 1,
                       "ItemProcessor": {"StartAt": "H", "States": {"H": {"Type": "Task",
                          "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Half", "End": true}}},
                       "End": true}}},
                    {"StartAt": "Count", "States": {"Count": {"Type": "Pass",
                       "Parameters": {"count.$": "States.ArrayLength($.numbers)"}, "End": true}}}]}}}""",
                "{\"numbers\":[2,4,5,8]}", WorkflowType.STANDARD);
        assertEquals(ExecutionStatus.SUCCEEDED, r.status(), r.cause());
        @SuppressWarnings("unchecked")
        List<Object> out = (List<Object>) Json.parse(r.output());
        List<?> halves = (List<?>) out.get(0);
        assertEquals(1, halves.get(0));
        assertEquals(2, halves.get(1));
        assertEquals("java.lang.IllegalArgumentException", ((Map<?, ?>) halves.get(2)).get("Error"));
        assertEquals(4, halves.get(3));
        assertEquals(Map.of("count", 4), out.get(1));
    }

    @Test
    void aFailingBranchFailsTheParallelWithoutWaitingForItsSiblings() {
        InProcessLambdaFunctions functions = new InProcessLambdaFunctions()
                .register("Park", (RequestHandler<Object, Object>) (in, ctx) -> Map.of());
        LocalStepFunctions s = service(functions, TaskClients.none());
        StateMachine sm = s.createStateMachine("fail-fast", """
                {"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": true, "Branches": [
                  {"StartAt": "Wait", "States": {"Wait": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                     "Parameters": {"FunctionName": "Park", "Payload": {"t.$": "$$.Task.Token"}}, "End": true}}},
                  {"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "Rejected", "Cause": "no"}}}]}}}""",
                WorkflowType.STANDARD, null);
        ExecutionDescription d = s.awaitExecution(s.startExecution(sm.arn(), null, "{}").executionArn(), Duration.ofSeconds(30));
        assertEquals(ExecutionStatus.FAILED, d.status());
        assertEquals("Rejected", d.error());
    }

    @Test
    void aTaskTimeoutFailsWithStatesTimeout() {
        CountDownLatch release = new CountDownLatch(1);   // the function runs until the test has seen the timeout
        InProcessLambdaFunctions functions = new InProcessLambdaFunctions()
                .register("Slow", (RequestHandler<Object, Object>) (in, ctx) -> {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return in;
                });
        ExecutionResult r = service(functions, TaskClients.none()).run("""
                {"StartAt": "Call", "States": {
                  "Call": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Slow",
                           "TimeoutSeconds": 1, "End": true}}}""", "{}", WorkflowType.STANDARD);
        release.countDown();
        assertEquals(ExecutionStatus.FAILED, r.status());
        assertEquals("States.Timeout", r.error());
    }

    @Test
    void distributedMapRunsItemsAsChildExecutionsAndBatches() {
        LocalStepFunctions s = service(new InProcessLambdaFunctions(), TaskClients.none());
        StateMachine sm = s.createStateMachine("fan-out", """
                {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "Label": "Sizes",
                   "ItemBatcher": {"MaxItemsPerBatch": 2, "BatchInput": {"run": "r-1"}},
                   "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                     "StartAt": "Size", "States": {"Size": {"Type": "Pass",
                       "Parameters": {"run.$": "$.BatchInput.run", "n.$": "States.ArrayLength($.Items)"}, "End": true}}},
                   "End": true}}}""", WorkflowType.STANDARD, null);
        ExecutionDescription d = s.startSyncExecution(sm.arn(), "fan", "[1,2,3,4,5]");
        assertEquals(ExecutionStatus.SUCCEEDED, d.status(), d.cause());
        assertEquals(List.of(Map.of("run", "r-1", "n", 2), Map.of("run", "r-1", "n", 2), Map.of("run", "r-1", "n", 1)),
                Json.parse(d.output()));
        List<String> parentEvents = s.getExecutionHistory(d.executionArn()).stream().map(HistoryEvent::type).toList();
        assertTrue(parentEvents.contains("MapRunStarted") && parentEvents.contains("MapRunSucceeded"), parentEvents.toString());
        assertTrue(parentEvents.stream().noneMatch(t -> t.startsWith("Pass")), "items are not the parent's events");
        List<ExecutionDescription> children = s.listExecutions(sm.arn() + "/Sizes", null);
        assertEquals(3, children.size());
        assertTrue(children.stream().allMatch(c -> c.status() == ExecutionStatus.SUCCEEDED));
        assertEquals(4, s.getExecutionHistory(children.get(0).executionArn()).size());
    }

    @Test
    void expressAndStandardQuoteTheSameEventIds() {
        InProcessLambdaFunctions functions = new InProcessLambdaFunctions()
                .register("Echo", (RequestHandler<Object, Object>) (in, ctx) -> in);
        String definition = """
                {"StartAt": "Call", "States": {
                  "Call": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Echo", "Next": "Broken"},
                  "Broken": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $nothing %}", "End": true}}}""";
        LocalStepFunctions s = service(functions, TaskClients.none());
        ExecutionResult standard = s.run(definition, "{}", WorkflowType.STANDARD);
        ExecutionResult express = s.run(definition, "{}", WorkflowType.EXPRESS);
        assertEquals("States.QueryEvaluationError", standard.error());
        assertTrue(standard.cause().contains("(entered at the event id #7)"), standard.cause());
        assertEquals(standard.cause(), express.cause());
    }

    @Test
    void retryIntervalsBackOffUpToMaxDelayOnVirtualTime() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        InProcessLambdaFunctions functions = new InProcessLambdaFunctions()
                .register("Flaky", (RequestHandler<Object, Object>) (in, ctx) -> {
                    if (calls.incrementAndGet() <= 3) {
                        throw new java.io.UncheckedIOException(new java.io.IOException("connection reset"));
                    }
                    return Map.of("ok", true);
                });
        LocalStepFunctions s = service(functions, TaskClients.none());
        Instant before = s.clock().now();
        ExecutionResult r = s.run("""
                {"StartAt": "Call", "States": {
                  "Call": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Flaky",
                           "Parameters": {"attempt.$": "$$.State.RetryCount"},
                           "Retry": [{"ErrorEquals": ["java.io.UncheckedIOException"], "IntervalSeconds": 2,
                                      "BackoffRate": 3, "MaxAttempts": 3, "MaxDelaySeconds": 10}],
                           "End": true}}}""", "{}", WorkflowType.STANDARD);
        assertEquals(ExecutionStatus.SUCCEEDED, r.status(), r.cause());
        assertEquals(4, calls.get());
        long waited = Duration.between(before, s.clock().now()).toSeconds();
        assertTrue(waited >= 18 && waited < 19, "2 + 6 + 10 (capped) seconds, was " + waited);
    }

    @Test
    void expressExecutionsKeepNoHistory() {
        LocalStepFunctions s = service(new InProcessLambdaFunctions(), TaskClients.none());
        StateMachine sm = s.createStateMachine("fast", """
                {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}""", WorkflowType.EXPRESS, Map.of());
        ExecutionDescription d = s.startSyncExecution(sm.arn(), null, "{\"a\":1}");
        assertEquals(ExecutionStatus.SUCCEEDED, d.status());
        assertNotNull(d.stopDate());
        assertThrows(SfnServiceException.class, () -> s.getExecutionHistory(d.executionArn()));
    }
}
