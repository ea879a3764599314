package dev.onebox.sfn.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.onebox.sfn.ExecutionDescription;
import dev.onebox.sfn.ExecutionStatus;
import dev.onebox.sfn.LocalStepFunctions;
import dev.onebox.sfn.SfnServiceException;
import dev.onebox.sfn.StateMachine;
import dev.onebox.sfn.WorkflowType;
import dev.onebox.sfn.asl.HistoryEvent;
import dev.onebox.sfn.asl.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
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
        } catch (RuntimeException e) {
            status = 500;
            response = Json.object("__type", "InternalFailure", "message", String.valueOf(e));
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
                WorkflowType type = r.get("type") == null ? WorkflowType.STANDARD : WorkflowType.valueOf((String) r.get("type"));
                String role = r.get("roleArn") instanceof String s ? s : "arn:aws:iam::123456789012:role/StepFunctionsRole";
                StateMachine sm = sfn.createStateMachine(str(r, "name"), str(r, "definition"), type, Map.of(), role);
                return Json.object("stateMachineArn", sm.arn(), "creationDate", time(sm.creationDate()));
            }
            case "UpdateStateMachine": {
                StateMachine sm = sfn.updateStateMachine(str(r, "stateMachineArn"), str(r, "definition"), Map.of());
                return Json.object("updateDate", time(Instant.now()), "revisionId", "1");
            }
            case "DescribeStateMachine": {
                StateMachine sm = sfn.stateMachine(str(r, "stateMachineArn"));
                return Json.object("stateMachineArn", sm.arn(), "name", sm.name(), "status", "ACTIVE",
                        "definition", sm.definition(), "roleArn", sm.roleArn(), "type", sm.type().name(),
                        "creationDate", time(sm.creationDate()));
            }
            case "DescribeStateMachineForExecution": {
                StateMachine sm = sfn.execution(str(r, "executionArn")).stateMachine();
                return Json.object("stateMachineArn", sm.arn(), "name", sm.name(), "definition", sm.definition(),
                        "roleArn", sm.roleArn(), "updateDate", time(sm.creationDate()));
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
                sfn.deleteStateMachine(str(r, "stateMachineArn"));
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
                ExecutionDescription d = sfn.startExecution(str(r, "stateMachineArn"), (String) r.get("name"),
                        (String) r.get("input"));
                return Json.object("executionArn", d.executionArn(), "startDate", time(d.startDate()));
            }
            case "StartSyncExecution": {
                ExecutionDescription d = sfn.startSyncExecution(str(r, "stateMachineArn"), (String) r.get("name"),
                        (String) r.get("input"));
                Map<String, Object> m = describe(d);
                m.put("billingDetails", Json.object("billedMemoryUsedInMB", 64, "billedDurationInMilliseconds", 100));
                return m;
            }
            case "DescribeExecution":
                return describe(sfn.describeExecution(str(r, "executionArn")));
            case "StopExecution": {
                ExecutionDescription d = sfn.stopExecution(str(r, "executionArn"), (String) r.get("error"), (String) r.get("cause"));
                return Json.object("stopDate", time(d.stopDate() == null ? Instant.now() : d.stopDate()));
            }
            case "ListExecutions": {
                ExecutionStatus filter = r.get("statusFilter") == null ? null : ExecutionStatus.valueOf((String) r.get("statusFilter"));
                List<Object> list = new ArrayList<>();
                for (ExecutionDescription d : sfn.listExecutions(str(r, "stateMachineArn"), filter)) {
                    Map<String, Object> m = Json.object("executionArn", d.executionArn(), "stateMachineArn", d.stateMachineArn(),
                            "name", d.name(), "status", d.status().name(), "startDate", time(d.startDate()));
                    if (d.stopDate() != null) {
                        m.put("stopDate", time(d.stopDate()));
                    }
                    list.add(m);
                }
                return page(list, r, "executions");
            }
            case "GetExecutionHistory": {
                List<HistoryEvent> events = new ArrayList<>(sfn.getExecutionHistory(str(r, "executionArn")));
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
            case "SendTaskSuccess":
                sfn.sendTaskSuccess(str(r, "taskToken"), str(r, "output"));
                return Map.of();
            case "SendTaskFailure":
                sfn.sendTaskFailure(str(r, "taskToken"), (String) r.get("error"), (String) r.get("cause"));
                return Map.of();
            case "SendTaskHeartbeat":
                sfn.sendTaskHeartbeat(str(r, "taskToken"));
                return Map.of();
            default:
                throw new SfnServiceException("UnknownOperationException", "Operation " + op + " is not supported locally");
        }
    }

    private static String str(Map<?, ?> r, String field) {
        Object v = r.get(field);
        if (!(v instanceof String s)) {
            throw new SfnServiceException("ValidationException", "1 validation error detected: Value null at '" + field
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return s;
    }

    /** Epoch seconds with milliseconds, as the JSON 1.0 protocol carries timestamps. */
    private static double time(Instant i) {
        return i.toEpochMilli() / 1000.0;
    }

    private static Map<String, Object> describe(ExecutionDescription d) {
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

    /** maxResults/nextToken paging over a list (nextToken is the offset). */
    private static Map<String, Object> page(List<Object> all, Map<?, ?> r, String member) {
        int max = r.get("maxResults") instanceof Number n && n.intValue() > 0 ? n.intValue() : 1000;
        int from = r.get("nextToken") instanceof String t ? Integer.parseInt(t) : 0;
        int to = Math.min(all.size(), from + max);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(member, new ArrayList<>(all.subList(Math.min(from, all.size()), to)));
        if (to < all.size()) {
            m.put("nextToken", String.valueOf(to));
        }
        return m;
    }
}
