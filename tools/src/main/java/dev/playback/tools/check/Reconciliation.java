package dev.playback.tools.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the checks share: the gateway's recorded answer to a query, read straight from the record bucket
 * (queries/&lt;processor&gt;/&lt;eventId&gt;/&lt;callSite&gt;/...), and the comparison of what an external system holds per id
 * with what it should hold.
 */
final class Reconciliation {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Reconciliation() {
    }

    /** The recorded response of the event's query at {@code callSite} (e.g. {@code fx.rate}), empty when none was recorded. */
    static Optional<JsonNode> recordedResponse(S3Client s3, String bucket, String processor, String eventId, String callSite) {
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

    /**
     * Every id whose amount {@code held} by {@code system} differs from the one it {@code should} hold (compared by value),
     * explained by {@code why}, and every id it holds an amount for that it should not; as readable lines.
     */
    static List<String> differences(Map<String, BigDecimal> should, Map<String, BigDecimal> held, String system,
                                    Function<String, String> why) {
        List<String> diffs = new ArrayList<>();
        should.forEach((id, amount) -> {
            BigDecimal h = held.get(id);
            if (h == null || h.compareTo(amount) != 0) diffs.add(id + ": " + system + " holds " + h + ", " + why.apply(id));
        });
        held.forEach((id, amount) -> {
            if (!should.containsKey(id)) diffs.add(id + ": " + system + " holds " + amount + " for nothing it should hold");
        });
        return diffs;
    }
}
