package dev.playback.local.lambda;

import dev.playback.local.template.LocalNames;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the local emulators listen. {@link #variables()} is what every hosted function gets on top of its template
 * environment: the region, the per-service endpoint variables the AWS SDK v2 reads ({@code AWS_ENDPOINT_URL_*}) and
 * dummy credentials. {@code others} adds more services by their SDK id, e.g. {@code SFN} or {@code EVENTBRIDGE}.
 */
public record AwsEndpoints(URI dynamoDb, URI kinesis, URI s3, Map<String, URI> others) {
    public AwsEndpoints {
        others = Map.copyOf(others);
    }

    public AwsEndpoints(URI dynamoDb, URI kinesis, URI s3) {
        this(dynamoDb, kinesis, s3, Map.of());
    }

    public Map<String, String> variables() {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("AWS_REGION", LocalNames.REGION);
        variables.put("AWS_DEFAULT_REGION", LocalNames.REGION);
        variables.put("AWS_ACCESS_KEY_ID", "local");
        variables.put("AWS_SECRET_ACCESS_KEY", "local");
        variables.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.toString());
        variables.put("AWS_ENDPOINT_URL_KINESIS", kinesis.toString());
        variables.put("AWS_ENDPOINT_URL_S3", s3.toString());
        others.forEach((service, uri) -> variables.put("AWS_ENDPOINT_URL_" + service, uri.toString()));
        return variables;
    }
}
