package dev.playback.tools.sfn;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One S3 bucket in memory, with what a Distributed Map's ItemReader (getObject) and ResultWriter (putObject) call. */
final class MemoryBucket implements S3Client {
    final String name;
    final Map<String, byte[]> objects = new ConcurrentHashMap<>();

    MemoryBucket(String name) {
        this.name = name;
    }

    @Override
    public ResponseBytes<GetObjectResponse> getObjectAsBytes(GetObjectRequest r) {
        byte[] bytes = name.equals(r.bucket()) ? objects.get(r.key()) : null;
        if (bytes == null) throw NoSuchKeyException.builder().message("no object " + r.bucket() + "/" + r.key()).build();
        return ResponseBytes.fromByteArray(GetObjectResponse.builder().build(), bytes);
    }

    @Override
    public PutObjectResponse putObject(PutObjectRequest r, RequestBody body) {
        if (!name.equals(r.bucket())) throw NoSuchKeyException.builder().message("no bucket " + r.bucket()).build();
        try (var in = body.contentStreamProvider().newStream()) {
            objects.put(r.key(), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return PutObjectResponse.builder().build();
    }

    @Override
    public String serviceName() {
        return "s3";
    }

    @Override
    public void close() {
    }
}
