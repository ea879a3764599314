package dev.playback.lambdas.aws.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.gateway.QueryKey;
import dev.playback.model.gateway.QueryRecords;
import dev.playback.model.gateway.RecordedQuery;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Recorded query answers in S3, one object per answer:
 * {@code <bucket>/queries/<processor>/<eventId>/<gateway.name>/<requestHash>.json} holding
 * {@code {processor, eventId, callSite, requestHash, request, response, recordedBy}}. Write-once: the first answer
 * recorded for a key stays; a later put (a re-sent event, a concurrent session) gets that answer back.
 */
public final class S3QueryRecords implements QueryRecords {
    private static final int CONFLICT_ATTEMPTS = 5;
    /**
     * Puts of one key are serialized within a JVM. S3's conditional put is atomic; s3mock (4.11) checks
     * {@code If-None-Match} but not atomically (concurrent puts of one key all succeed, the last one stays). Locally
     * every function runs in one JVM, so this makes the local stack write-once under concurrency too.
     */
    private static final Object[] LOCKS = new Object[64];

    static {
        for (int i = 0; i < LOCKS.length; i++) LOCKS[i] = new Object();
    }
    private final S3Client s3;
    private final String bucket;

    public S3QueryRecords(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public Optional<RecordedQuery> find(QueryKey key) {
        byte[] bytes;
        try {
            bytes = s3.getObjectAsBytes(g -> g.bucket(bucket).key(key.path())).asByteArray();
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
        try {
            JsonNode n = EventCodec.JSON.readTree(bytes);
            return Optional.of(new RecordedQuery(key, n.get("request"), n.get("response"), n.path("recordedBy").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException("recorded query s3://" + bucket + "/" + key.path() + " is not JSON", e);
        }
    }

    /**
     * A conditional put ({@code If-None-Match: *}): S3 refuses it with 412 when an answer is recorded already, and
     * that answer is returned. A 409 (another conditional write of the key in flight) is tried again.
     */
    @Override
    public RecordedQuery put(RecordedQuery record) {
        QueryKey k = record.key();
        ObjectNode n = EventCodec.JSON.createObjectNode();
        n.put("processor", k.processor()).put("eventId", k.eventId()).put("callSite", k.site().id()).put("requestHash", k.requestHash());
        n.set("request", record.request());
        n.set("response", record.response());
        n.put("recordedBy", record.recordedBy());
        String body = n.toString();
        synchronized (LOCKS[Math.floorMod(k.path().hashCode(), LOCKS.length)]) {
            return putOnce(record, body);
        }
    }

    private RecordedQuery putOnce(RecordedQuery record, String body) {
        QueryKey k = record.key();
        for (int attempt = 1; ; attempt++) {
            try {
                s3.putObject(p -> p.bucket(bucket).key(k.path()).contentType("application/json").ifNoneMatch("*"), RequestBody.fromString(body));
                return record;
            } catch (S3Exception e) {
                if (e.statusCode() == 412) {
                    return find(k).orElseThrow(() -> new IllegalStateException("recorded query s3://" + bucket + "/" + k.path()
                            + " exists (412 on a conditional put) but cannot be read", e));
                }
                if (e.statusCode() != 409 || attempt >= CONFLICT_ATTEMPTS) throw e;
            }
        }
    }
}
