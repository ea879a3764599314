package dev.onebox.sfn;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** An S3 of objects in memory ("bucket/key" → bytes) for the executor's ItemReader and ResultWriter; a bucket named "denied" refuses writes. */
final class InMemoryS3 implements S3Client {
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();

    void put(String bucket, String key, String body) {
        objects.put(bucket + "/" + key, body.getBytes(StandardCharsets.UTF_8));
    }

    String text(String bucket, String key) {
        byte[] b = objects.get(bucket + "/" + key);
        if (b == null) {
            throw new AssertionError("no object s3://" + bucket + "/" + key + "; there are " + keys());
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    long size(String bucket, String key) {
        return objects.get(bucket + "/" + key).length;
    }

    /** Every "bucket/key", sorted. */
    java.util.Set<String> keys() {
        return new TreeMap<>(objects).keySet();
    }

    @Override
    public ResponseBytes<GetObjectResponse> getObjectAsBytes(GetObjectRequest r) {
        byte[] b = objects.get(r.bucket() + "/" + r.key());
        if (b == null) {
            throw NoSuchKeyException.builder().message("The specified key does not exist.").statusCode(404).build();
        }
        return ResponseBytes.fromByteArray(GetObjectResponse.builder().contentLength((long) b.length).build(), b);
    }

    @Override
    public PutObjectResponse putObject(PutObjectRequest r, RequestBody body) {
        if (r.bucket().equals("denied")) {
            throw S3Exception.builder().message("Access Denied").statusCode(403).build();
        }
        try (var in = body.contentStreamProvider().newStream()) {
            objects.put(r.bucket() + "/" + r.key(), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return PutObjectResponse.builder().eTag("\"local\"").build();
    }

    @Override
    public String serviceName() {
        return "s3";
    }

    @Override
    public void close() {
    }
}
