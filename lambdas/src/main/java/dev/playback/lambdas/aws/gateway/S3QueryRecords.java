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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Recorded query answers in S3, one object per answer:
 * {@code <bucket>/queries/<processor>/<eventId>/<gateway.name>/<requestHash>.json} holding
 * {@code {processor, eventId, callSite, requestHash, request, response, recordedBy}}.
 */
public final class S3QueryRecords implements QueryRecords {
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

    @Override
    public void put(RecordedQuery record) {
        QueryKey k = record.key();
        ObjectNode n = EventCodec.JSON.createObjectNode();
        n.put("processor", k.processor()).put("eventId", k.eventId()).put("callSite", k.site().id()).put("requestHash", k.requestHash());
        n.set("request", record.request());
        n.set("response", record.response());
        n.put("recordedBy", record.recordedBy());
        s3.putObject(p -> p.bucket(bucket).key(k.path()).contentType("application/json"), RequestBody.fromString(n.toString()));
    }
}
