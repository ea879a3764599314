package dev.onebox.eventsource.fakes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.CreateBucketResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/** An in-memory S3 with head/create bucket and put object. */
public final class FakeS3 implements S3Client {
    private final Map<String, Map<String, byte[]>> buckets = new ConcurrentHashMap<>();

    @Override
    public HeadBucketResponse headBucket(HeadBucketRequest request) {
        if (!buckets.containsKey(request.bucket())) {
            throw NoSuchBucketException.builder().message("No bucket " + request.bucket()).statusCode(404).build();
        }
        return HeadBucketResponse.builder().build();
    }

    @Override
    public CreateBucketResponse createBucket(CreateBucketRequest request) {
        if (buckets.putIfAbsent(request.bucket(), new ConcurrentHashMap<>()) != null) {
            throw BucketAlreadyOwnedByYouException.builder().message("exists").statusCode(409).build();
        }
        return CreateBucketResponse.builder().build();
    }

    @Override
    public PutObjectResponse putObject(PutObjectRequest request, RequestBody body) {
        Map<String, byte[]> bucket = buckets.get(request.bucket());
        if (bucket == null) {
            throw NoSuchBucketException.builder().message("No bucket " + request.bucket()).statusCode(404).build();
        }
        try (InputStream in = body.contentStreamProvider().newStream()) {
            bucket.put(request.key(), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return PutObjectResponse.builder().build();
    }

    public Map<String, byte[]> objects(String bucket) {
        return new LinkedHashMap<>(buckets.getOrDefault(bucket, Map.of()));
    }

    public boolean hasBucket(String bucket) {
        return buckets.containsKey(bucket);
    }

    @Override
    public String serviceName() {
        return "s3";
    }

    @Override
    public void close() {
    }
}
