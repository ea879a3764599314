package dev.playback.lambdas;

import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Handler inputs from JSON files under {@code src/test/resources/events/}, in the shapes Lambda delivers them (a
 * Kinesis event source mapping's batch; an HTTP API's payload format 1.0), read with Lambda's own serializer
 * ({@code aws-lambda-java-serialization}), so field names, base64 data and timestamps map as they do on AWS.
 */
public final class Fixtures {
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

    private static <T> T read(String name, Class<T> type) {
        String path = "/events/" + name;
        try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + path + " on the test class path");
            return LambdaEventSerializers.serializerFor(type, Fixtures.class.getClassLoader()).fromJson(in);
        } catch (IOException e) {
            throw new UncheckedIOException("fixture " + path + " cannot be read", e);
        }
    }
}
