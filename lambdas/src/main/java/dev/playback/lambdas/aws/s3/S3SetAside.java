package dev.playback.lambdas.aws.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.lambdas.aws.kinesis.SetAside;
import dev.playback.lambdas.config.AwsClients;
import dev.playback.lambdas.config.Environment;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Set-aside records of one stream in the failure bucket, one JSON object per record under
 * {@code set-aside/<stream>/<shardId>/<sequenceNumber>.json} ({@code event-stream}: set aside by the pump;
 * {@code playback-stream}: by the processors):
 * {@code {"shardId","sequenceNumber","partitionKey","arrivedAt","reason","data" (base64 of the record's bytes)}}.
 */
public final class S3SetAside implements SetAside {
    /** The stream a set-aside record came from, and so the one {@code playback redrive} puts it back on. */
    public enum Stream {
        EVENT("event-stream"), PLAYBACK("playback-stream");

        private final String folder;

        Stream(String folder) {
            this.folder = folder;
        }

        /** The key prefix of this stream's records: {@code set-aside/<stream>/}. */
        public String prefix() {
            return "set-aside/" + folder + "/";
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final S3Client s3;
    private final String bucket;
    private final Stream stream;

    public S3SetAside(S3Client s3, String bucket, Stream stream) {
        this.s3 = s3;
        this.bucket = bucket;
        this.stream = stream;
    }

    /** The set-aside records of {@code stream} in the function's failure bucket ({@code FAILURE_BUCKET}). */
    public static S3SetAside from(Environment env, Stream stream) {
        return new S3SetAside(new AwsClients(env).s3(), env.require("FAILURE_BUCKET"), stream);
    }

    public String key(String shardId, String sequenceNumber) {
        return stream.prefix() + shardId + "/" + sequenceNumber + ".json";
    }

    @Override
    public void put(Entry e) {
        ObjectNode json = JSON.createObjectNode().put("shardId", e.shardId()).put("sequenceNumber", e.sequenceNumber())
                .put("partitionKey", e.partitionKey()).put("arrivedAt", e.arrivedAt() == null ? null : e.arrivedAt().toString())
                .put("reason", e.reason()).put("data", Base64.getEncoder().encodeToString(e.data()));
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(json);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write the set-aside record " + e.sequenceNumber(), ex);
        }
        s3.putObject(p -> p.bucket(bucket).key(key(e.shardId(), e.sequenceNumber())).contentType("application/json"),
                RequestBody.fromBytes(body));
    }

    @Override
    public List<String> keys() {
        List<String> out = new ArrayList<>();
        s3.listObjectsV2Paginator(l -> l.bucket(bucket).prefix(stream.prefix())).contents().forEach(o -> out.add(o.key()));
        // Sequence numbers of one shard are decimal strings of one length: the key order is the stream order.
        out.sort(null);
        return out;
    }

    @Override
    public Entry get(String key) {
        try {
            JsonNode j = JSON.readTree(s3.getObjectAsBytes(g -> g.bucket(bucket).key(key)).asByteArray());
            return new Entry(j.path("shardId").asText(), j.path("sequenceNumber").asText(), j.path("partitionKey").asText(),
                    j.hasNonNull("arrivedAt") ? Instant.parse(j.path("arrivedAt").asText()) : null,
                    j.path("reason").asText(), Base64.getDecoder().decode(j.path("data").asText()));
        } catch (IOException | RuntimeException ex) {
            throw new IllegalStateException("set-aside record s3://" + bucket + "/" + key + " cannot be read: " + ex.getMessage(), ex);
        }
    }

    @Override
    public void remove(String key) {
        s3.deleteObject(d -> d.bucket(bucket).key(key));
    }
}
