package dev.onebox.sfn.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import dev.onebox.sfn.LocalStepFunctions;
import dev.onebox.sfn.LoggingConfiguration;
import dev.onebox.sfn.ResourceArn;
import dev.onebox.sfn.TracingConfiguration;
import dev.onebox.sfn.asl.StateTest;
import dev.onebox.sfn.SfnServiceException;
import dev.onebox.sfn.StateMachine;
import dev.onebox.sfn.WorkflowType;
import dev.onebox.sfn.asl.HistoryEvent;
import dev.onebox.sfn.asl.Json;
import dev.onebox.sfn.asl.MapRun;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The Step Functions API (AWS JSON 1.0 protocol, {@code X-Amz-Target: AWSStepFunctions.*})
 * on a loopback port, so the AWS SDK's SfnClient works against {@link LocalStepFunctions}
 * unchanged: {@code endpointOverride(URI.create("http://127.0.0.1:" + server.port()))}.
 */
public final class SfnApiServer implements AutoCloseable {
    private static final String PREFIX = "AWSStepFunctions.";

    private final LocalStepFunctions sfn;
    private final int requestedPort;
    private HttpServer server;
    private ExecutorService executor;

    /** A server on 127.0.0.1; port 0 picks a free port (see {@link #port()}). */
    public SfnApiServer(LocalStepFunctions sfn, int port) {
        this.sfn = sfn;
        this.requestedPort = port;
    }

    public SfnApiServer start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), 0);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sfn-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /**
     * Client settings for SfnClient against this server: StartSyncExecution is sent by the SDK
     * to the host prefix "sync-", which an IP endpoint cannot carry, so host prefix injection
     * is turned off ({@code SfnClient.builder().overrideConfiguration(SfnApiServer.clientOverrides())}).
     */
    public static software.amazon.awssdk.core.client.config.ClientOverrideConfiguration clientOverrides() {
        return software.amazon.awssdk.core.client.config.ClientOverrideConfiguration.builder()
                .putAdvancedOption(software.amazon.awssdk.core.client.config.SdkAdvancedClientOption.DISABLE_HOST_PREFIX_INJECTION, true)
                .build();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
        int status = 200;
        Object response;
        try (InputStream in = ex.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (target == null || !target.startsWith(PREFIX)) {
                throw new SfnServiceException("UnknownOperationException", "Missing or unknown X-Amz-Target: " + target);
            }
            Object parsed = body.isBlank() ? Map.of() : Json.parse(body);
            if (!(parsed instanceof Map<?, ?> req)) {
                throw new SfnServiceException("SerializationException", "The request body must be a JSON object");
            }
            response = dispatch(target.substring(PREFIX.length()), req);
        } catch (SfnServiceException e) {
            status = 400;
            response = Json.object("__type", e.code(), "message", e.getMessage());
        } catch (IllegalArgumentException e) {
            status = 400;
            response = Json.object("__type", "ValidationException", "message", e.getMessage());
        } catch (RuntimeException | Error e) {
            // a defect here, not the caller's: the client gets AWS's InternalFailure, the stack trace goes to stderr
            status = 500;
            response = Json.object("__type", "InternalFailure", "message", "The request processing has failed because of an "
                    + "unknown error, exception or failure (" + target + ")");
            e.printStackTrace();
        }
        byte[] bytes = Json.write(response).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
        ex.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        if (status != 200 && response instanceof Map<?, ?> m) {
            ex.getResponseHeaders().set("x-amzn-ErrorType", String.valueOf(m.get("__type")));
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Object dispatch(String op, Map<?, ?> r) {
        switch (op) {
            case "CreateStateMachine": {
                WorkflowType type = r.get("type") == null ? WorkflowType.STANDARD
                        : WorkflowType.valueOf(oneOf(r, "type", "STANDARD", "EXPRESS"));
                String name = str(r, "name");
                String definition = str(r, "definition");
                String role = str(r, "roleArn");
                ResourceArn.role(role);
                StateMachine sm = sfn.createStateMachine(name, definition, type, Map.of(), role,
                        logging(r, LoggingConfiguration.OFF), tracing(r, TracingConfiguration.DISABLED));
                return Json.object("stateMachineArn", sm.arn(), "creationDate", time(sm.creationDate()));
            }
            case "UpdateStateMachine": {
                String arn = stateMachineArn(r);
                String definition = optStr(r, "definition");
                String role = optStr(r, "roleArn");
                if (role != null) {
                    ResourceArn.role(role);
                }
                if (definition == null && role == null && r.get("loggingConfiguration") == null
                        && r.get("tracingConfiguration") == null) {
                    throw new SfnServiceException("MissingRequiredParameter", "Either the definition, the role ARN, "
                            + "the LoggingConfiguration, or the TracingConfiguration must be specified");
                }
                sfn.updateStateMachine(arn, definition, Map.of(), role, logging(r, null), tracing(r, null));
                return Json.object("updateDate", time(Instant.now()), "revisionId", "1");
            }
            case "DescribeStateMachine": {
                StateMachine sm = sfn.stateMachine(stateMachineArn(r));
                return Json.object("stateMachineArn", sm.arn(), "name", sm.name(), "status", "ACTIVE",
                        "definition", sm.definition(), "roleArn", sm.roleArn(), "type", sm.type().name(),
                        "creationDate", time(sm.creationDate()), "loggingConfiguration", logging(sm.logging()),
                        "tracingConfiguration", Json.object("enabled", sm.tracing().enabled()));
            }
            case "DescribeStateMachineForExecution": {
                StateMachine sm = sfn.execution(executionArn(r)).stateMachine();
                return Json.object("stateMachineArn", sm.arn(), "name", sm.name(), "definition", sm.definition(),
                        "roleArn", sm.roleArn(), "updateDate", time(sm.creationDate()),
                        "loggingConfiguration", logging(sm.logging()),
                        "tracingConfiguration", Json.object("enabled", sm.tracing().enabled()));
            }
            case "ValidateStateMachineDefinition": {
                List<Object> diagnostics = new ArrayList<>();
                try {
                    dev.onebox.sfn.asl.Definitions.compile(str(r, "definition"));
                } catch (dev.onebox.sfn.asl.InvalidDefinitionException e) {
                    for (String p : e.problems()) {
                        int colon = p.indexOf(": ");
                        int at = p.lastIndexOf(" at ");
                        diagnostics.add(Json.object("severity", "ERROR",
                                "code", colon > 0 ? p.substring(0, colon) : "SCHEMA_VALIDATION_FAILED",
                                "message", p, "location", at > 0 ? p.substring(at + 4) : "/"));
                    }
                }
                return Json.object("result", diagnostics.isEmpty() ? "OK" : "FAIL", "diagnostics", diagnostics,
                        "truncated", false);
            }
            case "DeleteStateMachine":
                sfn.deleteStateMachine(stateMachineArn(r));
                return Map.of();
            case "ListStateMachines": {
                List<Object> list = new ArrayList<>();
                for (StateMachine sm : sfn.listStateMachines()) {
                    list.add(Json.object("stateMachineArn", sm.arn(), "name", sm.name(), "type", sm.type().name(),
                            "creationDate", time(sm.creationDate())));
                }
                return page(list, r, "stateMachines");
            }
            case "StartExecution": {
                ExecutionDescription d = sfn.startExecution(stateMachineArn(r), optStr(r, "name"), optStr(r, "input"));
                return Json.object("executionArn", d.executionArn(), "startDate", time(d.startDate()));
            }
            case "StartSyncExecution": {
                String arn = stateMachineArn(r);
                if (sfn.stateMachine(arn).type() != WorkflowType.EXPRESS) {
                    throw new SfnServiceException("StateMachineTypeNotSupported",
                            "This operation is not supported by this type of state machine: '" + arn + "'");
                }
                ExecutionDescription d = sfn.startSyncExecution(arn, optStr(r, "name"), optStr(r, "input"));
                Map<String, Object> m = execution(d);
                m.put("billingDetails", Json.object("billedMemoryUsedInMB", 64, "billedDurationInMilliseconds", 100));
                return m;
            }
            case "DescribeExecution": {
                String arn = executionArn(r);
                ExecutionDescription d = sfn.describeExecution(arn);
                Map<String, Object> m = execution(d);
                m.put("redriveCount", d.redriveCount());
                if (d.redriveDate() != null) {
                    m.put("redriveDate", time(d.redriveDate()));
                }
                String mapRunArn = sfn.mapRunArnOf(arn);
                if (mapRunArn != null) {
                    m.put("mapRunArn", mapRunArn);
                }
                LocalStepFunctions.RedriveStatus redrive = sfn.redriveStatus(arn);
                m.put("redriveStatus", redrive.status());
                if (redrive.reason() != null) {
                    m.put("redriveStatusReason", redrive.reason());
                }
                return m;
            }
            case "StopExecution": {
                ExecutionDescription d = sfn.stopExecution(executionArn(r), optStr(r, "error"), optStr(r, "cause"));
                return Json.object("stopDate", time(d.stopDate() == null ? Instant.now() : d.stopDate()));
            }
            case "RedriveExecution": {
                Instant date = sfn.redriveExecution(executionArn(r), optStr(r, "clientToken"));
                return Json.object("redriveDate", time(date));
            }
            case "ListExecutions": {
                ExecutionStatus filter = r.get("statusFilter") == null ? null : ExecutionStatus.valueOf(oneOf(r,
                        "statusFilter", "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"));
                String redriven = r.get("redriveFilter") == null ? null
                        : oneOf(r, "redriveFilter", "REDRIVEN", "NOT_REDRIVEN");
                List<Object> list = new ArrayList<>();
                for (ExecutionDescription d : sfn.listExecutions(stateMachineArn(r), filter)) {
                    if (redriven != null && (d.redriveCount() > 0) != redriven.equals("REDRIVEN")) {
                        continue;
                    }
                    Map<String, Object> m = Json.object("executionArn", d.executionArn(), "stateMachineArn", d.stateMachineArn(),
                            "name", d.name(), "status", d.status().name(), "startDate", time(d.startDate()));
                    if (d.stopDate() != null) {
                        m.put("stopDate", time(d.stopDate()));
                    }
                    m.put("redriveCount", d.redriveCount());
                    if (d.redriveDate() != null) {
                        m.put("redriveDate", time(d.redriveDate()));
                    }
                    list.add(m);
                }
                return page(list, r, "executions");
            }
            case "GetExecutionHistory": {
                List<HistoryEvent> events = new ArrayList<>(sfn.getExecutionHistory(executionArn(r)));
                if (Boolean.TRUE.equals(r.get("reverseOrder"))) {
                    Collections.reverse(events);
                }
                boolean includeData = !Boolean.FALSE.equals(r.get("includeExecutionData"));
                List<Object> list = new ArrayList<>();
                for (HistoryEvent e : events) {
                    list.add(event(e, includeData));
                }
                return page(list, r, "events");
            }
            case "DescribeMapRun":
                return mapRun(sfn.describeMapRun(mapRunArn(r)));
            case "ListMapRuns": {
                List<Object> list = new ArrayList<>();
                for (MapRun run : sfn.listMapRuns(executionArn(r))) {
                    Map<String, Object> m = Json.object("executionArn", run.executionArn(), "mapRunArn", run.arn(),
                            "stateMachineArn", run.stateMachineArn(), "startDate", time(run.startDate()));
                    if (run.stopDate() != null) {
                        m.put("stopDate", time(run.stopDate()));
                    }
                    list.add(m);
                }
                return page(list, r, "mapRuns");
            }
            case "UpdateMapRun":
                sfn.updateMapRun(mapRunArn(r), optInt(r, "maxConcurrency"),
                        r.get("toleratedFailurePercentage") == null ? null : number(r, "toleratedFailurePercentage").doubleValue(),
                        r.get("toleratedFailureCount") == null ? null : number(r, "toleratedFailureCount").longValue());
                return Map.of();
            case "TestState":
                return testState(r);
            case "SendTaskSuccess":
                sfn.sendTaskSuccess(str(r, "taskToken"), str(r, "output"));
                return Map.of();
            case "SendTaskFailure":
                sfn.sendTaskFailure(str(r, "taskToken"), optStr(r, "error"), optStr(r, "cause"));
                return Map.of();
            case "SendTaskHeartbeat":
                sfn.sendTaskHeartbeat(str(r, "taskToken"));
                return Map.of();
            default:
                throw new SfnServiceException("UnknownOperationException", "Operation " + op + " is not supported locally");
        }
    }

    /** TestState: one state (or, with stateName, one state of a whole definition) run once; see {@link StateTest}. */
    private Object testState(Map<?, ?> r) {
        String definition = str(r, "definition");
        String role = optStr(r, "roleArn");
        if (role != null) {
            ResourceArn.role(role);
        }
        StateTest.Level level = r.get("inspectionLevel") == null ? StateTest.Level.INFO
                : StateTest.Level.valueOf(oneOf(r, "inspectionLevel", "INFO", "DEBUG", "TRACE"));
        if (r.get("revealSecrets") != null && !(r.get("revealSecrets") instanceof Boolean)) {
            throw serialization("revealSecrets", "a boolean");
        }
        Object input = jsonValue(optStr(r, "input"), "InvalidExecutionInput", "Invalid State Machine Execution Input");
        Object variables = jsonValue(optStr(r, "variables"), "ValidationException", "Invalid variables");
        if (variables != null && !(variables instanceof Map)) {
            throw new SfnServiceException("ValidationException", "Invalid variables: '" + optStr(r, "variables")
                    + "' is not a JSON object");
        }
        int retryCount = 0;
        if (r.get("stateConfiguration") instanceof Map<?, ?> config && config.get("retrierRetryCount") != null) {
            if (!(config.get("retrierRetryCount") instanceof Number n) || n.intValue() < 0) {
                throw serialization("stateConfiguration.retrierRetryCount", "a non-negative integer");
            }
            retryCount = n.intValue();
        }
        StateTest.Mock mock = null;
        if (r.get("mock") instanceof Map<?, ?> m) {
            if (m.get("errorOutput") instanceof Map<?, ?> err) {
                mock = new StateTest.Mock(null, optStr(err, "error"), optStr(err, "cause"));
            } else {
                mock = new StateTest.Mock(jsonValue(str(m, "result"), "ValidationException", "Invalid mock result"), null, null);
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> vars = (Map<String, Object>) variables;
        StateTest.Result result = sfn.testState(new StateTest.Request(definition, optStr(r, "stateName"),
                input == null ? new LinkedHashMap<>() : input, vars, level, retryCount, mock), role);
        Map<String, Object> out = new LinkedHashMap<>();
        putPresent(out, "output", result.output());
        putPresent(out, "error", result.error());
        putPresent(out, "cause", result.cause());
        putPresent(out, "inspectionData", result.inspectionData());
        putPresent(out, "nextState", result.nextState());
        out.put("status", result.status());
        return out;
    }

    /** Members AWS leaves out when they have no value. */
    private static void putPresent(Map<String, Object> m, String member, Object value) {
        if (value != null) {
            m.put(member, value);
        }
    }

    private static Object jsonValue(String text, String code, String what) {
        if (text == null) {
            return null;
        }
        try {
            return Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new SfnServiceException(code, what + ": '" + e.getMessage() + "'");
        }
    }

    private static String stateMachineArn(Map<?, ?> r) {
        String arn = str(r, "stateMachineArn");
        ResourceArn.stateMachine(arn);
        return arn;
    }

    private static String executionArn(Map<?, ?> r) {
        String arn = str(r, "executionArn");
        ResourceArn.execution(arn);
        return arn;
    }

    private static String mapRunArn(Map<?, ?> r) {
        String arn = str(r, "mapRunArn");
        if (!arn.startsWith("arn:aws:states:") || !arn.contains(":mapRun:")) {
            throw new SfnServiceException("InvalidArn", "Invalid Arn: '" + arn + "'");
        }
        return arn;
    }

    private static Number number(Map<?, ?> r, String field) {
        if (!(r.get(field) instanceof Number n)) {
            throw serialization(field, "a number");
        }
        return n;
    }

    private static Integer optInt(Map<?, ?> r, String field) {
        return r.get(field) == null ? null : number(r, field).intValue();
    }

    /** DescribeMapRun's answer. */
    private static Map<String, Object> mapRun(MapRun run) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mapRunArn", run.arn());
        m.put("executionArn", run.executionArn());
        m.put("status", run.status().name());
        m.put("startDate", time(run.startDate()));
        if (run.stopDate() != null) {
            m.put("stopDate", time(run.stopDate()));
        }
        m.put("maxConcurrency", run.maxConcurrency());
        m.put("toleratedFailurePercentage", run.toleratedFailurePercentage());
        m.put("toleratedFailureCount", run.toleratedFailureCount());
        m.put("itemCounts", run.itemCounts().toJson());
        m.put("executionCounts", run.executionCounts().toJson());
        m.put("redriveCount", 0);
        return m;
    }

    private static LoggingConfiguration logging(Map<?, ?> r, LoggingConfiguration absent) {
        Object v = r.get("loggingConfiguration");
        if (v == null) {
            return absent;
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw serialization("loggingConfiguration", "an object");
        }
        String level = m.get("level") == null ? "OFF" : oneOf(m, "level", "ALL", "ERROR", "FATAL", "OFF");
        List<String> groups = new ArrayList<>();
        if (m.get("destinations") instanceof List<?> destinations) {
            for (Object d : destinations) {
                if (d instanceof Map<?, ?> dm && dm.get("cloudWatchLogsLogGroup") instanceof Map<?, ?> g
                        && g.get("logGroupArn") instanceof String arn) {
                    groups.add(arn);
                } else {
                    throw new SfnServiceException("InvalidLoggingConfiguration",
                            "Invalid Logging Configuration: a destination must name a cloudWatchLogsLogGroup's logGroupArn");
                }
            }
        }
        return new LoggingConfiguration(level, Boolean.TRUE.equals(m.get("includeExecutionData")), groups);
    }

    private static Map<String, Object> logging(LoggingConfiguration c) {
        Map<String, Object> m = Json.object("level", c.level(), "includeExecutionData", c.includeExecutionData());
        if (!c.logGroupArns().isEmpty()) {
            List<Object> destinations = new ArrayList<>();
            for (String arn : c.logGroupArns()) {
                destinations.add(Json.object("cloudWatchLogsLogGroup", Json.object("logGroupArn", arn)));
            }
            m.put("destinations", destinations);
        }
        return m;
    }

    private static TracingConfiguration tracing(Map<?, ?> r, TracingConfiguration absent) {
        Object v = r.get("tracingConfiguration");
        if (v == null) {
            return absent;
        }
        if (!(v instanceof Map<?, ?> m) || m.get("enabled") != null && !(m.get("enabled") instanceof Boolean)) {
            throw serialization("tracingConfiguration", "an object with a boolean 'enabled'");
        }
        return new TracingConfiguration(Boolean.TRUE.equals(m.get("enabled")));
    }

    private static String str(Map<?, ?> r, String field) {
        Object v = r.get(field);
        if (v == null) {
            throw new SfnServiceException("ValidationException", "1 validation error detected: Value null at '" + field
                    + "' failed to satisfy constraint: Member must not be null");
        }
        if (!(v instanceof String s)) {
            throw serialization(field, "a string");
        }
        return s;
    }

    private static String optStr(Map<?, ?> r, String field) {
        return r.get(field) == null ? null : str(r, field);
    }

    /** An enum member: one of the allowed values, or AWS's validation error listing them. */
    private static String oneOf(Map<?, ?> r, String field, String... allowed) {
        String v = str(r, field);
        if (!List.of(allowed).contains(v)) {
            throw new SfnServiceException("ValidationException", "1 validation error detected: Value '" + v + "' at '"
                    + field + "' failed to satisfy constraint: Member must satisfy enum value set: "
                    + "[" + String.join(", ", allowed) + "]");
        }
        return v;
    }

    private static SfnServiceException serialization(String field, String expected) {
        return new SfnServiceException("SerializationException", "The value of '" + field + "' must be " + expected);
    }

    /** Epoch seconds with milliseconds, as the JSON 1.0 protocol carries timestamps. */
    private static double time(Instant i) {
        return i.toEpochMilli() / 1000.0;
    }

    private static Map<String, Object> execution(ExecutionDescription d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("executionArn", d.executionArn());
        m.put("stateMachineArn", d.stateMachineArn());
        m.put("name", d.name());
        m.put("status", d.status().name());
        m.put("startDate", time(d.startDate()));
        if (d.stopDate() != null) {
            m.put("stopDate", time(d.stopDate()));
        }
        m.put("input", d.input());
        m.put("inputDetails", Json.object("included", true));
        if (d.output() != null) {
            m.put("output", d.output());
            m.put("outputDetails", Json.object("included", true));
        }
        if (d.error() != null) {
            m.put("error", d.error());
        }
        if (d.cause() != null) {
            m.put("cause", d.cause());
        }
        return m;
    }

    private static Map<String, Object> event(HistoryEvent e, boolean includeData) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("timestamp", time(e.timestamp()));
        m.put("type", e.type());
        m.put("id", e.id());
        m.put("previousEventId", e.previousEventId());
        if (e.details() != null && !e.details().isEmpty()) {
            Map<String, Object> details = new LinkedHashMap<>(e.details());
            if (!includeData) {
                details.remove("input");
                details.remove("output");
            }
            m.put(e.detailsMember(), details);
        }
        return m;
    }

    /**
     * maxResults/nextToken paging over a list. The token is opaque to clients (the list it pages and the offset,
     * base64url); one that is not a token of this list is refused with InvalidToken, as AWS does.
     */
    private static Map<String, Object> page(List<Object> all, Map<?, ?> r, String member) {
        Object maxValue = r.get("maxResults");
        if (maxValue != null && (!(maxValue instanceof Number n) || n.intValue() < 0 || n.intValue() > 1000)) {
            throw new SfnServiceException("ValidationException", "1 validation error detected: Value '" + maxValue
                    + "' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000");
        }
        int max = maxValue instanceof Number n && n.intValue() > 0 ? n.intValue() : 1000;
        String token = optStr(r, "nextToken");
        int from = token == null ? 0 : offset(token, member);
        int to = Math.min(all.size(), from + max);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(member, new ArrayList<>(all.subList(Math.min(from, all.size()), to)));
        if (to < all.size()) {
            m.put("nextToken", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((member + ":" + to).getBytes(StandardCharsets.UTF_8)));
        }
        return m;
    }

    private static int offset(String token, String member) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith(member + ":")) {
                int offset = Integer.parseInt(text.substring(member.length() + 1));
                if (offset > 0) {
                    return offset;
                }
            }
        } catch (IllegalArgumentException e) {
            // not base64 or not a number: refused below, as any other token that is not ours
        }
        throw new SfnServiceException("InvalidToken", "Invalid Token: '" + token + "'");
    }
}
