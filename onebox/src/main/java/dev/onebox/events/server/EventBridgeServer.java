package dev.onebox.events.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.onebox.events.EventBus;
import dev.onebox.events.EventEntry;
import dev.onebox.events.PutEventsRejectedException;
import dev.onebox.events.PutEventsResult;
import dev.onebox.events.Rule;
import dev.onebox.events.Schedule;
import dev.onebox.events.Target;
import dev.onebox.events.pattern.EventPattern;
import dev.onebox.events.pattern.InvalidEventPatternException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves an {@link EventBus} over the AWS JSON 1.1 protocol on 127.0.0.1, so the SDK's
 * {@code EventBridgeClient} works unchanged with {@code endpointOverride(server.endpoint())}.
 * Operations: {@code AWSEvents.PutEvents}, {@code ListRules} (by name, with NamePrefix, Limit and NextToken),
 * {@code DescribeRule}, {@code ListTargetsByRule} (rules of any bus by EventBusName; schedules are rules of the default bus),
 * {@code TestEventPattern}, {@code CreateEventBus}, {@code DescribeEventBus}, {@code ListEventBuses}, {@code PutPermission}.
 * Requests are not authenticated (any credentials are accepted): every caller is the bus's own account, which a bus policy
 * never restricts (on AWS its IAM identity policies do).
 */
public final class EventBridgeServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventBridgeServer.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final String TARGET_PREFIX = "AWSEvents.";
    private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    private static final int MAX_RULES_PER_PAGE = 100;
    private static final String TOKEN_PREFIX = "rules-after:";

    private final EventBus bus;
    private final HttpServer http;
    private final ExecutorService threads;

    private EventBridgeServer(EventBus bus, HttpServer http, ExecutorService threads) {
        this.bus = bus;
        this.http = http;
        this.threads = threads;
    }

    /** Starts serving {@code bus} on 127.0.0.1:{@code port} (0 = a free port). */
    public static EventBridgeServer start(EventBus bus, int port) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "onebox-eventbridge-http");
            t.setDaemon(true);
            return t;
        });
        EventBridgeServer server = new EventBridgeServer(bus, http, threads);
        http.createContext("/", server::handle);
        http.setExecutor(threads);
        http.start();
        return server;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>}, for {@code endpointOverride}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    @Override
    public void close() {
        http.stop(0);
        threads.shutdownNow();
    }

    // ---------------------------------------------------------------- HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String requestId = UUID.randomUUID().toString();
            exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
            try {
                if (!"POST".equals(exchange.getRequestMethod())) {
                    throw new ApiError(400, "UnknownOperationException", "Only POST is supported, found " + exchange.getRequestMethod());
                }
                String target = Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Amz-Target")).orElse("");
                if (!target.startsWith(TARGET_PREFIX)) {
                    throw new ApiError(400, "UnknownOperationException", "X-Amz-Target must be AWSEvents.<Operation>, found " + target);
                }
                JsonNode request = readBody(exchange.getRequestBody());
                JsonNode response = dispatch(target.substring(TARGET_PREFIX.length()), request);
                send(exchange, 200, response);
            } catch (ApiError e) {
                exchange.getResponseHeaders().set("x-amzn-ErrorType", e.code);
                ObjectNode body = JSON.createObjectNode();
                body.put("__type", e.code);
                body.put("message", e.getMessage());
                send(exchange, e.status, body);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "EventBridge request " + requestId + " failed", e);
                exchange.getResponseHeaders().set("x-amzn-ErrorType", "InternalException");
                ObjectNode body = JSON.createObjectNode();
                body.put("__type", "InternalException");
                body.put("message", String.valueOf(e.getMessage()));
                send(exchange, 500, body);
            }
        }
    }

    private static JsonNode readBody(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new ApiError(413, "RequestEntityTooLargeException", "Request body is over " + MAX_BODY_BYTES + " bytes");
        }
        if (bytes.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new ApiError(400, "SerializationException", "Request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "SerializationException", "Request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private JsonNode dispatch(String operation, JsonNode request) {
        switch (operation) {
            case "PutEvents":
                return putEvents(request);
            case "ListRules":
                return listRules(request);
            case "DescribeRule":
                return describeRule(request);
            case "ListTargetsByRule":
                return listTargets(request);
            case "TestEventPattern":
                return testEventPattern(request);
            case "CreateEventBus":
                return createEventBus(request);
            case "DescribeEventBus":
                return describeEventBus(request);
            case "ListEventBuses":
                return listEventBuses();
            case "PutPermission":
                return putPermission(request);
            default:
                throw new ApiError(400, "UnknownOperationException", "Operation " + operation + " is not supported by the local EventBridge");
        }
    }

    // ---------------------------------------------------------------- operations

    private JsonNode putEvents(JsonNode request) {
        JsonNode entries = request.get("Entries");
        List<EventEntry> parsed = null;
        if (entries != null && entries.isArray()) {
            parsed = new ArrayList<>();
            for (JsonNode e : entries) {
                parsed.add(new EventEntry(text(e, "Source"), text(e, "DetailType"), text(e, "Detail"),
                        strings(e.get("Resources")), time(e.get("Time")), text(e, "EventBusName")));
            }
        }
        PutEventsResult result;
        try {
            result = bus.putEvents(parsed);
        } catch (PutEventsRejectedException e) {
            throw new ApiError(400, e.errorCode(), e.getMessage());
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("FailedEntryCount", result.failedEntryCount());
        ArrayNode list = out.putArray("Entries");
        for (PutEventsResult.Entry r : result.entries()) {
            ObjectNode n = list.addObject();
            if (r.isAccepted()) {
                n.put("EventId", r.eventId());
            } else {
                n.put("ErrorCode", r.errorCode());
                n.put("ErrorMessage", r.errorMessage());
            }
        }
        return out;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.isTextual() ? v.textValue() : v.toString();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(v -> out.add(v.asText()));
        }
        return out;
    }

    /** The SDK sends timestamps as epoch seconds (with a fraction); an ISO-8601 string is accepted too. */
    private static Instant time(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            BigDecimal seconds = v.decimalValue();
            long whole = seconds.longValue();
            long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
            return Instant.ofEpochSecond(whole, nanos);
        }
        try {
            return Instant.parse(v.asText());
        } catch (DateTimeParseException e) {
            throw new ApiError(400, "SerializationException", "Entry Time " + v + " is neither epoch seconds nor ISO-8601");
        }
    }

    private static JsonNode testEventPattern(JsonNode request) {
        String pattern = text(request, "EventPattern");
        String event = text(request, "Event");
        if (pattern == null || event == null) {
            throw new ApiError(400, "ValidationException", "TestEventPattern needs EventPattern and Event");
        }
        boolean result;
        try {
            result = EventPattern.compile(pattern).matches(event);
        } catch (InvalidEventPatternException e) {
            throw new ApiError(400, "InvalidEventPatternException", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "InvalidArgument", e.getMessage());
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("Result", result);
        return out;
    }

    private JsonNode createEventBus(JsonNode request) {
        String name = requiredName(request);
        if (bus.hasEventBus(name)) {
            throw new ApiError(400, "ResourceAlreadyExistsException", "Event bus " + name + " already exists.");
        }
        try {
            bus.createEventBus(name);
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "ValidationException", e.getMessage());
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("EventBusArn", bus.eventBusArn(name));
        return out;
    }

    private JsonNode describeEventBus(JsonNode request) {
        String name = EventBus.busName(text(request, "Name"));
        return describeBus(name);
    }

    /** DescribeEventBus' answer: Name, Arn, Policy (when the bus has one), CreationTime and LastModifiedTime. */
    private ObjectNode describeBus(String name) {
        EventBus.Description d = bus.describeEventBus(name).orElseThrow(() -> busNotFound(name));
        ObjectNode out = JSON.createObjectNode();
        out.put("Name", d.name());
        out.put("Arn", d.arn());
        if (d.policy() != null) out.put("Policy", d.policy());
        out.put("CreationTime", epochSeconds(d.creationTime()));
        out.put("LastModifiedTime", epochSeconds(d.lastModifiedTime()));
        return out;
    }

    /** Epoch seconds with milliseconds, as the JSON 1.1 protocol carries timestamps. */
    private static BigDecimal epochSeconds(Instant t) {
        return BigDecimal.valueOf(t.toEpochMilli()).movePointLeft(3);
    }

    private static ApiError busNotFound(String name) {
        return new ApiError(400, "ResourceNotFoundException", "Event bus " + name + " does not exist.");
    }

    private JsonNode listEventBuses() {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("EventBuses");
        bus.eventBuses().forEach(name -> list.add(describeBus(name)));
        return out;
    }

    /** PutPermission with a {@code Policy} (a policy document; its statements) or StatementId, Action, Principal. */
    private JsonNode putPermission(JsonNode request) {
        String name = EventBus.busName(text(request, "EventBusName"));
        List<JsonNode> statements = new ArrayList<>();
        try {
            if (text(request, "Policy") != null) {
                JSON.readTree(text(request, "Policy")).path("Statement").forEach(statements::add);
            } else {
                ObjectNode st = JSON.createObjectNode();
                st.put("Sid", text(request, "StatementId"));
                st.put("Effect", "Allow");
                st.putObject("Principal").put("AWS", text(request, "Principal"));
                st.put("Action", Optional.ofNullable(text(request, "Action")).orElse("events:PutEvents"));
                if (request.has("Condition")) st.set("Condition", request.get("Condition"));
                statements.add(st);
            }
            for (JsonNode st : statements) {
                bus.putPermission(name, st);
            }
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "ValidationException", "Policy is not valid JSON: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, bus.hasEventBus(name) ? "ValidationException" : "ResourceNotFoundException", e.getMessage());
        }
        return JSON.createObjectNode();
    }

    /**
     * ListRules of one bus (EventBusName, default {@code default}), by name, with NamePrefix and paging: at most Limit
     * (1..100, default 100) rules, and a NextToken when more follow.
     */
    private JsonNode listRules(JsonNode request) {
        String prefix = Optional.ofNullable(text(request, "NamePrefix")).orElse("");
        String busName = EventBus.busName(text(request, "EventBusName"));
        if (!bus.hasEventBus(busName)) {
            throw busNotFound(busName);
        }
        int limit = request.path("Limit").asInt(MAX_RULES_PER_PAGE);
        if (limit < 1 || limit > MAX_RULES_PER_PAGE) {
            throw new ApiError(400, "ValidationException", "1 validation error detected: Value '" + limit
                    + "' at 'limit' failed to satisfy constraint: Member must have value between 1 and " + MAX_RULES_PER_PAGE);
        }
        String after = afterToken(text(request, "NextToken"));
        TreeMap<String, ObjectNode> byName = new TreeMap<>();
        for (Rule r : bus.rules()) {
            if (r.eventBusName().equals(busName)) byName.put(r.name(), describe(r));
        }
        if (busName.equals(Rule.DEFAULT_BUS)) {
            for (Schedule s : bus.schedules()) byName.put(s.name(), describe(s));
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("Rules");
        String last = null;
        for (Map.Entry<String, ObjectNode> e : (after == null ? byName : byName.tailMap(after, false)).entrySet()) {
            if (!e.getKey().startsWith(prefix)) continue;
            if (list.size() == limit) {
                out.put("NextToken", Base64.getUrlEncoder().withoutPadding().encodeToString((TOKEN_PREFIX + last).getBytes(StandardCharsets.UTF_8)));
                break;
            }
            list.add(e.getValue());
            last = e.getKey();
        }
        return out;
    }

    /** The rule name a NextToken of ListRules continues after, or null for none. */
    private static String afterToken(String token) {
        if (token == null) return null;
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (decoded.startsWith(TOKEN_PREFIX)) return decoded.substring(TOKEN_PREFIX.length());
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "ValidationException", "The NextToken " + token + " is not one ListRules returned: " + e.getMessage());
        }
        throw new ApiError(400, "ValidationException", "The NextToken " + token + " is not one ListRules returned.");
    }

    /** DescribeRule of the rule Name on EventBusName (default {@code default}); a schedule is a rule of the default bus. */
    private JsonNode describeRule(JsonNode request) {
        String name = requiredName(request);
        String busName = EventBus.busName(text(request, "EventBusName"));
        ObjectNode out = bus.rule(busName, name).map(this::describe)
                .or(() -> busName.equals(Rule.DEFAULT_BUS) ? bus.schedule(name).map(this::describe) : Optional.empty())
                .orElseThrow(() -> ruleNotFound(name, busName));
        out.put("CreatedBy", bus.settings().account());
        return out;
    }

    private JsonNode listTargets(JsonNode request) {
        String name = Optional.ofNullable(text(request, "Rule")).orElseThrow(
                () -> new ApiError(400, "ValidationException", "1 validation error detected: Value null at 'rule' failed to satisfy constraint: Member must not be null"));
        String busName = EventBus.busName(text(request, "EventBusName"));
        List<Target> targets = bus.rule(busName, name).map(Rule::targets)
                .or(() -> busName.equals(Rule.DEFAULT_BUS) ? bus.schedule(name).map(Schedule::targets) : Optional.empty())
                .orElseThrow(() -> ruleNotFound(name, busName));
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("Targets");
        for (Target t : targets) {
            ObjectNode n = list.addObject();
            n.put("Id", t.id());
            n.put("Arn", t.arn());
            if (t.input() != null) {
                n.put("Input", t.input());
            }
            if (t.inputPath() != null) {
                n.put("InputPath", t.inputPath());
            }
            if (t.inputTransformer() != null) {
                ObjectNode tr = n.putObject("InputTransformer");
                ObjectNode paths = tr.putObject("InputPathsMap");
                for (Map.Entry<String, String> e : t.inputTransformer().inputPathsMap().entrySet()) {
                    paths.put(e.getKey(), e.getValue());
                }
                tr.put("InputTemplate", t.inputTransformer().inputTemplate());
            }
        }
        return out;
    }

    private static String requiredName(JsonNode request) {
        String name = text(request, "Name");
        if (name == null) {
            throw new ApiError(400, "ValidationException",
                    "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
        }
        return name;
    }

    private static ApiError ruleNotFound(String name, String busName) {
        return new ApiError(400, "ResourceNotFoundException", "Rule " + name + " does not exist on EventBus " + busName + ".");
    }

    private ObjectNode describe(Rule r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("Name", r.name());
        n.put("Arn", bus.ruleArn(r.name(), r.eventBusName()));
        n.put("EventPattern", r.eventPattern());
        n.put("State", r.enabled() ? "ENABLED" : "DISABLED");
        n.put("EventBusName", r.eventBusName());
        return n;
    }

    private ObjectNode describe(Schedule s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("Name", s.name());
        n.put("Arn", bus.ruleArn(s.name(), Rule.DEFAULT_BUS));
        n.put("ScheduleExpression", s.expression());
        n.put("State", s.enabled() ? "ENABLED" : "DISABLED");
        n.put("EventBusName", Rule.DEFAULT_BUS);
        return n;
    }

    private static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        final int status;
        final String code;

        ApiError(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }
}
