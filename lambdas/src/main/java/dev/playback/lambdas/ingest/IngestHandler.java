package dev.playback.lambdas.ingest;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.dynamodb.DynamoStateStore;
import dev.playback.lambdas.aws.kinesis.KinesisEventPublisher;
import dev.playback.lambdas.aws.s3.S3PayloadStore;
import dev.playback.lambdas.config.AwsClients;
import dev.playback.lambdas.config.Environment;
import dev.playback.lambdas.config.Tables;
import dev.playback.model.event.EventCodec;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.InvalidEventException;
import dev.playback.model.ledger.BalancesProjection;
import dev.playback.model.ledger.Ledger;
import dev.playback.model.processor.ProcessorState;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * API Gateway (REST, proxy) → ingest. Routes:
 * {@code POST /events}, {@code GET /events/{eventId}}, {@code GET /aggregates/{aggregateId}},
 * {@code GET /aggregates/{aggregateId}/events}. Only translates; the work is in {@link Ingest}.
 */
public final class IngestHandler implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
    /** API Gateway's own payload limit. */
    public static final int MAX_BODY_BYTES = 10 * 1024 * 1024;
    private static final int MAX_HISTORY_PAGE = 1000;
    /** A body is one JSON value: anything after it (a second document, a stray bracket) makes it malformed. */
    private static final ObjectReader BODY = EventCodec.JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Ingest ingest;

    public IngestHandler() {
        this(System.getenv());
    }

    public IngestHandler(Map<String, String> environment) {
        this(wire(new Environment(environment)));
    }

    public IngestHandler(Ingest ingest) {
        this.ingest = ingest;
    }

    private static Ingest wire(Environment env) {
        Tables t = Tables.from(env);
        String stream = env.require("EVENT_STREAM");
        env.check("IngestFunction");
        AwsClients aws = new AwsClients(env);
        var dynamo = aws.dynamoDb();
        S3PayloadStore payloads = new S3PayloadStore(aws.s3(), t.payloadBucket());
        DynamoEventLog log = new DynamoEventLog(dynamo, t.eventsTable(), t.eventIdsTable(), payloads);
        return new Ingest(Ledger.catalog(), new KinesisEventPublisher(aws.kinesis(), stream), payloads, log,
                new DynamoStateStore(dynamo, t.dataTable()), Clock.systemUTC());
    }

    @Override
    public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent request, Context context) {
        String method = request.getHttpMethod() == null ? "" : request.getHttpMethod().toUpperCase();
        String resource = request.getResource() == null ? "" : request.getResource();
        Map<String, String> path = request.getPathParameters() == null ? Map.of() : request.getPathParameters();
        try {
            return switch (method + " " + resource) {
                case "POST /events" -> post(request);
                case "GET /events/{eventId}" -> getEvent(path.get("eventId"));
                case "GET /aggregates/{aggregateId}" -> getAggregate(path.get("aggregateId"), request.getQueryStringParameters());
                case "GET /aggregates/{aggregateId}/events" -> getHistory(path.get("aggregateId"), request.getQueryStringParameters());
                default -> error(404, "no route for " + method + " " + resource, null);
            };
        } catch (Ingest.TooLargeException e) {
            return error(413, e.getMessage(), e.field());
        } catch (Ingest.ConflictException e) {
            return error(409, e.getMessage(), e.field());
        } catch (InvalidEventException e) {
            return error(400, e.getMessage(), e.field());
        }
    }

    private APIGatewayProxyResponseEvent post(APIGatewayProxyRequestEvent request) {
        String body = request.getBody();
        if (body == null || body.isEmpty()) throw new InvalidEventException("body", "request body is empty; expected an event object or an array of events");
        byte[] bytes;
        try {
            bytes = Boolean.TRUE.equals(request.getIsBase64Encoded()) ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException("body", "request body is marked base64-encoded but is not valid base64: " + e.getMessage());
        }
        if (bytes.length > MAX_BODY_BYTES) {
            return error(413, "request body is " + bytes.length + " bytes; at most " + MAX_BODY_BYTES + " are accepted", "body");
        }
        JsonNode json;
        try {
            json = BODY.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("body", "request body is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (java.io.IOException e) {
            throw new InvalidEventException("body", "request body cannot be read: " + e.getMessage());
        }
        List<String> ids = ingest.accept(json);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode arr = out.putArray("eventIds");
        ids.forEach(arr::add);
        return respond(202, out);
    }

    private APIGatewayProxyResponseEvent getEvent(String eventId) {
        if (eventId == null || !dev.playback.model.event.Submission.ID.matcher(eventId).matches()) {
            throw new InvalidEventException("eventId", "path parameter 'eventId' must be 1-128 characters of A-Z a-z 0-9 . _ : -");
        }
        Ingest.Lookup found = ingest.event(eventId);
        if (found instanceof Ingest.Lookup.Appended a) {
            ObjectNode n = EventCodec.toJson(a.event());
            n.put("status", "appended");
            if (!a.conflicts().isEmpty()) a.conflicts().forEach(n.putArray("conflicts")::add);
            return respond(200, n);
        }
        if (found instanceof Ingest.Lookup.Rejected r) {
            ObjectNode n = JsonNodeFactory.instance.objectNode();
            n.put("eventId", r.rejection().eventId());
            n.put("aggregateId", r.rejection().aggregateId());
            n.put("status", "rejected");
            n.put("reason", r.rejection().reason());
            n.put("rejectedAt", r.rejection().at().toString());
            if (!r.rejection().conflicts().isEmpty()) r.rejection().conflicts().forEach(n.putArray("conflicts")::add);
            return respond(200, n);
        }
        return error(404, "event " + eventId + " is not appended (yet)", null);
    }

    private APIGatewayProxyResponseEvent getAggregate(String aggregateId, Map<String, String> query) {
        checkAggregateId(aggregateId);
        String processor = query != null && query.get("processor") != null ? query.get("processor") : BalancesProjection.NAME;
        return ingest.state(processor, aggregateId).map(s -> respond(200, stateJson(s)))
                .orElseGet(() -> error(404, "aggregate " + aggregateId + " is unknown to processor " + processor, null));
    }

    private static ObjectNode stateJson(ProcessorState s) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("aggregateId", s.aggregateId());
        n.put("processor", s.processor());
        n.put("generation", s.generation());
        n.put("version", s.version());
        n.set("state", s.state());
        return n;
    }

    private APIGatewayProxyResponseEvent getHistory(String aggregateId, Map<String, String> query) {
        checkAggregateId(aggregateId);
        long from = longParam(query, "fromVersion", 1);
        int limit = (int) longParam(query, "limit", MAX_HISTORY_PAGE);
        if (from < 1) throw new InvalidEventException("fromVersion", "query parameter 'fromVersion' must be >= 1");
        if (limit < 1 || limit > MAX_HISTORY_PAGE) throw new InvalidEventException("limit", "query parameter 'limit' must be 1.." + MAX_HISTORY_PAGE);
        List<EventEnvelope> events = ingest.history(aggregateId, from, limit);
        if (events.isEmpty() && from == 1) return error(404, "aggregate " + aggregateId + " has no events", null);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("aggregateId", aggregateId);
        ArrayNode arr = out.putArray("events");
        events.forEach(e -> arr.add(EventCodec.toJson(e)));
        if (events.size() == limit) out.put("nextFromVersion", events.get(events.size() - 1).version() + 1);
        return respond(200, out);
    }

    private static long longParam(Map<String, String> query, String name, long dflt) {
        if (query == null || query.get(name) == null) return dflt;
        try {
            return Long.parseLong(query.get(name));
        } catch (NumberFormatException e) {
            throw new InvalidEventException(name, "query parameter '" + name + "' must be an integer, got '" + query.get(name) + "'");
        }
    }

    private static void checkAggregateId(String aggregateId) {
        if (aggregateId == null || !dev.playback.model.event.Submission.ID.matcher(aggregateId).matches()) {
            throw new InvalidEventException("aggregateId", "path parameter 'aggregateId' must be 1-128 characters of A-Z a-z 0-9 . _ : -");
        }
    }

    private static APIGatewayProxyResponseEvent error(int status, String message, String field) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("error", message);
        if (field != null) n.put("field", field);
        return respond(status, n);
    }

    private static APIGatewayProxyResponseEvent respond(int status, JsonNode body) {
        return new APIGatewayProxyResponseEvent().withStatusCode(status)
                .withHeaders(Map.of("Content-Type", "application/json"))
                .withBody(body.toString());
    }
}
