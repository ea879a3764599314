package dev.playback.lambdas;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Handler inputs from JSON files under {@code src/test/resources/events/}, in the shapes Lambda delivers them (a
 * Kinesis event source mapping's batch; an HTTP API's payload format 1.0), read with Lambda's own serializer
 * ({@code aws-lambda-java-serialization}), so field names, base64 data and timestamps map as they do on AWS; other
 * events (EventBridge, Step Functions) as plain JSON.
 */
public final class Fixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    /** A Kinesis event: {@code Records[].kinesis.{data (base64), sequenceNumber, partitionKey, ...}, eventID, ...}. */
    public static KinesisEvent kinesis(String name) {
        return read(name, KinesisEvent.class);
    }

    /** An API Gateway proxy request: {@code version "1.0", resource, path, httpMethod, headers, ..., requestContext}. */
    public static APIGatewayProxyRequestEvent api(String name) {
        return read(name, APIGatewayProxyRequestEvent.class);
    }

    /**
     * Any other event as a function given a {@code Map} receives it (Lambda reads such input with plain Jackson): an
     * EventBridge event, a Step Functions state. Mutable, so a test can set what it varies.
     */
    public static Map<String, Object> input(String name) {
        try (InputStream in = open(name)) {
            return JSON.readValue(in, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("fixture /events/" + name + " is not a JSON object", e);
        }
    }

    /** A fixture as a JSON tree. */
    public static JsonNode json(String name) {
        try (InputStream in = open(name)) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("fixture /events/" + name + " is not JSON", e);
        }
    }

    private static InputStream open(String name) {
        String path = "/events/" + name;
        InputStream in = Fixtures.class.getResourceAsStream(path);
        if (in == null) throw new IllegalArgumentException("no fixture " + path + " on the test class path");
        return in;
    }

    private static <T> T read(String name, Class<T> type) {
        try (InputStream in = open(name)) {
            return LambdaEventSerializers.serializerFor(type, Fixtures.class.getClassLoader()).fromJson(in);
        } catch (IOException e) {
            throw new UncheckedIOException("fixture /events/" + name + " cannot be read", e);
        }
    }
}
