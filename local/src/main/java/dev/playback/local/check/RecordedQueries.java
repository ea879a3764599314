package dev.playback.local.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/** What the gateway recorded for a query, read straight from the record bucket (queries/&lt;processor&gt;/&lt;eventId&gt;/&lt;callSite&gt;/...). */
final class RecordedQueries {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordedQueries() {
    }

    /** The recorded response of the event's query at {@code callSite} (e.g. {@code fx.rate}), empty when none was recorded. */
    static Optional<JsonNode> response(S3Client s3, String bucket, String processor, String eventId, String callSite) {
        String prefix = "queries/" + processor + "/" + eventId + "/" + callSite + "/";
        var objects = s3.listObjectsV2(l -> l.bucket(bucket).prefix(prefix)).contents();
        if (objects.isEmpty()) return Optional.empty();
        try {
            return Optional.of(JSON.readTree(s3.getObjectAsBytes(g -> g.bucket(bucket).key(objects.get(0).key())).asByteArray())
                    .path("response"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the recorded answer s3://" + bucket + "/" + objects.get(0).key(), e);
        }
    }
}
