package dev.onebox.sfn.tasks;

import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import dev.onebox.sfn.LocalStepFunctions;
import dev.onebox.sfn.SfnServiceException;
import dev.onebox.sfn.asl.Errors;
import dev.onebox.sfn.asl.Interpreter;
import dev.onebox.sfn.asl.Json;
import dev.onebox.sfn.asl.SfnException;
import dev.onebox.sfn.asl.TaskCall;
import dev.onebox.sfn.asl.TaskDispatcher;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs Task resources: Lambda (plain ARN and lambda:invoke), DynamoDB (optimized and
 * aws-sdk), Kinesis, S3 and EventBridge through the configured SDK clients, and
 * states:startExecution (plain, .sync, .sync:2). Handles .waitForTaskToken and TimeoutSeconds.
 */
public final class ResourceDispatcher implements TaskDispatcher {
    private static final String STATES = "arn:aws:states:::";

    private final LocalStepFunctions service;
    private final LambdaFunctions lambdas;
    private final TaskClients clients;

    public ResourceDispatcher(LocalStepFunctions service, LambdaFunctions lambdas, TaskClients clients) {
        this.service = service;
        this.lambdas = lambdas;
        this.clients = clients;
    }

    @Override
    public Object execute(TaskCall call) {
        if (call.waitForTaskToken()) {
            LocalStepFunctions.TaskTokenWait wait = service.registerToken(call.taskToken());
            Object submitted;
            try {
                submitted = withTimeout(call, () -> invoke(call, base(call.resource())));
            } catch (RuntimeException e) {
                service.forgetToken(call.taskToken());
                throw e;
            }
            submitted(call, submitted);
            return service.awaitToken(call.taskToken(), wait, call.timeoutSeconds(), call.heartbeatSeconds(), call.run());
        }
        return withTimeout(call, () -> invoke(call, base(call.resource())));
    }

    /** TaskSubmitted: the request was accepted and the task now waits (token or child execution). */
    private static void submitted(TaskCall call, Object output) {
        if (call.run().history.recording()) {
            String resource = call.resource().substring(call.resource().indexOf(":::") + 3);
            int colon = resource.startsWith("aws-sdk:") ? resource.lastIndexOf(':') : resource.indexOf(':');
            call.run().history.add("TaskSubmitted", Json.object("resourceType", resource.substring(0, colon),
                    "resource", resource.substring(colon + 1), "output", Json.lazy(output)));
        } else {
            call.run().history.count(1);
        }
    }

    private static String base(String resource) {
        return resource.endsWith(".waitForTaskToken")
                ? resource.substring(0, resource.length() - ".waitForTaskToken".length()) : resource;
    }

    private interface Invocation {
        Object run();
    }

    private Object withTimeout(TaskCall call, Invocation inv) {
        if (call.timeoutSeconds() == null || call.waitForTaskToken() || call.run().threads == null) {
            return inv.run();
        }
        Future<Object> f = call.run().threads.submit(inv::run);
        try {
            return f.get(call.timeoutSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new SfnException(Errors.TIMEOUT, null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new SfnException(Errors.TASK_FAILED, String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Interpreter.Stopped();
        }
    }

    private Object invoke(TaskCall call, String resource) {
        if (resource.startsWith("arn:aws:lambda:")) {
            return payloadValue(invokeLambda(call, resource, Json.write(call.parameters())));
        }
        if (!resource.startsWith(STATES)) {
            throw new SfnException(Errors.RUNTIME, "Unsupported resource '" + call.resource() + "' in state '" + call.stateName() + "'");
        }
        String rest = resource.substring(STATES.length());
        Map<?, ?> params = call.parameters() instanceof Map<?, ?> m ? m : Map.of();
        if (rest.equals("lambda:invoke")) {
            return lambdaInvoke(call, params);
        }
        if (rest.startsWith("states:startExecution")) {
            return startExecution(call, rest.substring("states:startExecution".length()), params);
        }
        if (rest.equals("events:putEvents")) {
            return sdk("EventBridge", clients.eventBridge(), "putEvents", eventsParams(params), "EventBridge");
        }
        if (rest.equals("s3:getObject") || rest.equals("s3:listObjectsV2") || rest.equals("s3:putObject")) {
            // a DISTRIBUTED Map's ItemReader and ResultWriter
            return s3(rest.substring(3), params);
        }
        if (rest.startsWith("dynamodb:")) {
            String op = rest.substring("dynamodb:".length());
            if (!List.of("getItem", "putItem", "updateItem", "deleteItem").contains(op)) {
                throw new SfnException(Errors.RUNTIME, "Unsupported DynamoDB integration '" + op + "'");
            }
            try {
                return withSdkMetadata(sdk("DynamoDB", clients.dynamoDb(), op, params, "DynamoDB"));
            } catch (SfnException e) {
                throw optimizedDynamoDbError(e);
            }
        }
        if (rest.startsWith("aws-sdk:")) {
            String[] parts = rest.split(":");
            if (parts.length != 3) {
                throw new SfnException(Errors.RUNTIME, "Invalid aws-sdk resource '" + call.resource() + "'");
            }
            String svc = parts[1];
            String op = parts[2];
            switch (svc) {
                case "dynamodb":
                    return sdk("DynamoDb", clients.dynamoDb(), op, params, "DynamoDB");
                case "kinesis":
                    return sdk("Kinesis", clients.kinesis(), op, params, "Kinesis");
                case "eventbridge":
                    return sdk("EventBridge", clients.eventBridge(), op, params, "EventBridge");
                case "s3":
                    return s3(op, params);
                default:
                    throw new SfnException(Errors.RUNTIME, "The service '" + svc + "' of resource '" + call.resource()
                            + "' is not available locally (supported: dynamodb, kinesis, s3, eventbridge)");
            }
        }
        throw new SfnException(Errors.RUNTIME, "Unsupported resource '" + call.resource() + "' in state '" + call.stateName() + "'");
    }

    // ------------------------------------------------------------ Lambda

    private String invokeLambda(TaskCall call, String nameOrArn, String payload) {
        LambdaFunctions.LambdaFunction f = lambdas.resolve(nameOrArn).orElseThrow(() -> {
            String arn = nameOrArn.startsWith("arn:") ? nameOrArn : functionArn(call, nameOrArn);
            return new SfnException("Lambda.ResourceNotFoundException", "Function not found: " + arn
                    + " (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: "
                    + UUID.randomUUID() + "; Proxy: null)");
        });
        try {
            return f.invoke(payload);
        } catch (LambdaFunctions.Failure e) {
            Map<String, Object> cause = new LinkedHashMap<>();
            cause.put("errorMessage", e.errorMessage());
            cause.put("errorType", e.errorType());
            cause.put("stackTrace", e.stackTrace());
            throw new SfnException(e.errorType(), Json.write(cause));
        } catch (RuntimeException e) {
            LambdaFunctions.Failure x = LambdaFunctions.Failure.of(e);
            throw new SfnException(x.errorType(), Json.write(Json.object("errorMessage", x.errorMessage(),
                    "errorType", x.errorType(), "stackTrace", x.stackTrace())));
        }
    }

    private Object lambdaInvoke(TaskCall call, Map<?, ?> params) {
        Object fn = params.get("FunctionName");
        if (!(fn instanceof String name)) {
            throw new SfnException(Errors.RUNTIME, "The lambda:invoke parameters need a 'FunctionName' string");
        }
        Object payload = params.containsKey("Payload") ? params.get("Payload") : Map.of();
        // As Step Functions does: a string that is JSON text is sent as that text, anything else as JSON.
        String payloadJson = payload instanceof String text && isJson(text) ? text : Json.write(payload);
        String out = invokeLambda(call, name, payloadJson);
        String requestId = UUID.randomUUID().toString();
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("Connection", "keep-alive");
        headers.put("Content-Type", "application/json");
        headers.put("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)));
        headers.put("X-Amz-Executed-Version", "$LATEST");
        headers.put("x-amzn-Remapped-Content-Length", "0");
        headers.put("x-amzn-RequestId", requestId);
        Map<String, Object> all = new LinkedHashMap<>();
        headers.forEach((k, v) -> all.put(k, List.of(v)));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("ExecutedVersion", "$LATEST");
        result.put("Payload", payloadValue(out));
        result.put("SdkHttpMetadata", Json.object("AllHttpHeaders", all, "HttpHeaders", headers, "HttpStatusCode", 200));
        result.put("SdkResponseMetadata", Json.object("RequestId", requestId));
        result.put("StatusCode", 200);
        return result;
    }

    private static boolean isJson(String text) {
        try {
            Json.parse(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A function's response: JSON when it is JSON text, otherwise the text itself. */
    private static Object payloadValue(String out) {
        try {
            return Json.parse(out);
        } catch (IllegalArgumentException e) {
            return out;
        }
    }

    /** arn:aws:lambda:REGION:ACCOUNT:function:NAME, region and account taken from the state machine's ARN. */
    private static String functionArn(TaskCall call, String name) {
        String[] parts = call.run().stateMachineArn.split(":");
        String region = parts.length > 4 ? parts[3] : "us-east-1";
        String account = parts.length > 4 ? parts[4] : "123456789012";
        return "arn:aws:lambda:" + region + ":" + account + ":function:" + name;
    }

    // ------------------------------------------------------------ states:startExecution

    private Object startExecution(TaskCall call, String pattern, Map<?, ?> params) {
        Object arn = params.get("StateMachineArn");
        if (!(arn instanceof String smArn)) {
            throw new SfnException(Errors.RUNTIME, "The states:startExecution parameters need a 'StateMachineArn' string");
        }
        Object input = params.get("Input");
        String inputJson = input == null ? "{}" : input instanceof String s ? s : Json.write(input);
        String name = params.get("Name") instanceof String n ? n : null;
        ExecutionDescription started;
        try {
            started = service.startExecution(smArn, name, inputJson);
        } catch (SfnServiceException e) {
            throw new SfnException("StepFunctions." + e.code() + "Exception", e.getMessage());
        }
        if (pattern.isEmpty()) {
            return Json.object("ExecutionArn", started.executionArn(), "StartDate", started.startDate().toString());
        }
        submitted(call, Json.object("ExecutionArn", started.executionArn(), "StartDate", started.startDate().toString()));
        ExecutionDescription done = service.awaitExecution(started.executionArn(), Duration.ofMillis(100));
        while (done.status() == ExecutionStatus.RUNNING) {
            if (call.run().stopped()) {
                service.stopExecution(started.executionArn(), "States.Aborted", "The parent execution was stopped");
                throw new Interpreter.Stopped();
            }
            done = service.awaitExecution(started.executionArn(), Duration.ofMillis(100));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ExecutionArn", done.executionArn());
        boolean v2 = pattern.equals(".sync:2");
        out.put("Input", v2 ? Json.parse(done.input()) : done.input());
        out.put("InputDetails", Json.object("Included", true));
        out.put("Name", done.name());
        if (done.output() != null) {
            out.put("Output", v2 ? Json.parse(done.output()) : done.output());
            out.put("OutputDetails", Json.object("Included", true));
        }
        out.put("RedriveCount", 0);
        out.put("RedriveStatus", "NOT_REDRIVABLE");
        out.put("StartDate", done.startDate().toString());
        out.put("StateMachineArn", done.stateMachineArn());
        out.put("Status", done.status().name());
        if (done.stopDate() != null) {
            out.put("StopDate", done.stopDate().toString());
        }
        if (done.status() != ExecutionStatus.SUCCEEDED) {
            if (done.error() != null) {
                out.put("Error", done.error());
            }
            if (done.cause() != null) {
                out.put("Cause", done.cause());
            }
            throw new SfnException(Errors.TASK_FAILED, Json.write(out));
        }
        return out;
    }

    // ------------------------------------------------------------ SDK integrations

    private static Map<?, ?> eventsParams(Map<?, ?> params) {
        Map<String, Object> p = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : params.entrySet()) {
            p.put(String.valueOf(e.getKey()), e.getValue());
        }
        if (p.get("Entries") instanceof List<?> entries) {
            List<Object> fixed = new java.util.ArrayList<>();
            for (Object o : entries) {
                if (o instanceof Map<?, ?> m && m.get("Detail") != null && !(m.get("Detail") instanceof String)) {
                    Map<String, Object> c = new LinkedHashMap<>();
                    m.forEach((k, v) -> c.put(String.valueOf(k), v));
                    c.put("Detail", Json.write(m.get("Detail")));
                    fixed.add(c);
                } else {
                    fixed.add(o);
                }
            }
            p.put("Entries", fixed);
        }
        return p;
    }

    private static Object withSdkMetadata(Object r) {
        if (r instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> out = new LinkedHashMap<>((Map<String, Object>) m);
            String requestId = UUID.randomUUID().toString();
            out.put("SdkHttpMetadata", Json.object("HttpHeaders", Json.object("Content-Type", "application/x-amz-json-1.0",
                    "x-amzn-RequestId", requestId), "HttpStatusCode", 200));
            out.put("SdkResponseMetadata", Json.object("RequestId", requestId));
            return out;
        }
        return r;
    }

    /** Calls {@code operation} on an SDK client by reflection; errors become "Prefix.ErrorCode". */
    private Object sdk(String errorPrefix, Object client, String operation, Map<?, ?> params, String serviceName) {
        if (client == null) {
            throw new SfnException(Errors.RUNTIME, "No " + serviceName + " client is configured for the local Step Functions "
                    + "executor (TaskClients." + serviceName.toLowerCase() + " is absent)");
        }
        Method method = operationMethod(client.getClass(), operation);
        if (method == null) {
            throw new SfnException(Errors.RUNTIME, "The " + serviceName + " API has no operation '" + operation + "'");
        }
        Object request;
        try {
            SdkPojo builder = (SdkPojo) method.getParameterTypes()[0].getMethod("builder").invoke(null);
            request = SdkJson.build(builder, params);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new SfnException(Errors.RUNTIME, "Invalid parameters for " + serviceName + "." + operation + ": " + e.getMessage());
        } catch (ReflectiveOperationException e) {
            throw new SfnException(Errors.RUNTIME, "Cannot build the request of " + serviceName + "." + operation + ": " + e);
        }
        try {
            return SdkJson.toJson(method.invoke(client, request));
        } catch (InvocationTargetException e) {
            throw sdkError(errorPrefix, e.getCause());
        } catch (IllegalAccessException e) {
            throw new SfnException(Errors.RUNTIME, e.toString());
        }
    }

    /** The operation method as declared by the client's public interface (implementations are not public). */
    private static Method operationMethod(Class<?> type, String operation) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (!java.lang.reflect.Modifier.isPublic(i.getModifiers())) {
                    continue;
                }
                for (Method m : i.getMethods()) {
                    if (m.getName().equals(operation) && m.getParameterCount() == 1
                            && SdkPojo.class.isAssignableFrom(m.getParameterTypes()[0])) {
                        return m;
                    }
                }
            }
        }
        return null;
    }

    /** The optimized DynamoDB integration words causes as the AWS SDK for Java v1 did. */
    private static SfnException optimizedDynamoDbError(SfnException e) {
        if (e.getCause() instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
            String code = ase.awsErrorDetails().errorCode();
            String message = ase.awsErrorDetails().errorMessage() != null ? ase.awsErrorDetails().errorMessage() : ase.getMessage();
            return new SfnException(e.error(), message + " (Service: AmazonDynamoDBv2; Status Code: " + ase.statusCode()
                    + "; Error Code: " + code + "; Request ID: " + ase.requestId() + "; Proxy: null)");
        }
        return e;
    }

    private static SfnException sdkError(String prefix, Throwable t) {
        if (t instanceof AwsServiceException ase && ase.awsErrorDetails() != null && ase.awsErrorDetails().errorCode() != null) {
            String code = ase.awsErrorDetails().errorCode();
            if (code.contains("#")) {
                code = code.substring(code.indexOf('#') + 1);
            }
            if (!code.endsWith("Exception")) {
                code = code + "Exception";
            }
            return new SfnException(prefix + "." + code, ase.getMessage(), ase);
        }
        if (t instanceof SdkException se) {
            return new SfnException(prefix + ".SdkClientException", se.getMessage());
        }
        return new SfnException(Errors.TASK_FAILED, String.valueOf(t));
    }

    private Object s3(String op, Map<?, ?> params) {
        if (clients.s3() == null) {
            return sdk("S3", null, op, params, "S3");
        }
        try {
            if (op.equals("getObject")) {
                GetObjectRequest req = (GetObjectRequest) SdkJson.build((SdkPojo) GetObjectRequest.builder(), params);
                var bytes = clients.s3().getObjectAsBytes(req);
                GetObjectResponse resp = bytes.response();
                @SuppressWarnings("unchecked")
                Map<String, Object> out = (Map<String, Object>) SdkJson.toJson(resp);
                out.put("Body", bytes.asUtf8String());
                return out;
            }
            if (op.equals("putObject")) {
                Map<String, Object> p = new LinkedHashMap<>();
                params.forEach((k, v) -> p.put(String.valueOf(k), v));
                Object body = p.remove("Body");
                PutObjectRequest req = (PutObjectRequest) SdkJson.build((SdkPojo) PutObjectRequest.builder(), p);
                String text = body == null ? "" : body instanceof String s ? s : Json.write(body);
                return SdkJson.toJson(clients.s3().putObject(req, RequestBody.fromString(text)));
            }
        } catch (SdkException e) {
            throw sdkError("S3", e);
        } catch (IllegalArgumentException e) {
            throw new SfnException(Errors.RUNTIME, "Invalid parameters for S3." + op + ": " + e.getMessage());
        }
        return sdk("S3", clients.s3(), op, params, "S3");
    }
}
