package dev.playback.lambdas.aws.s3;

import dev.playback.model.store.PayloadStore;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Claim-check payloads in an S3 bucket; references are {@code s3://bucket/key}. */
public final class S3PayloadStore implements PayloadStore {
    private final S3Client s3;
    private final String bucket;

    public S3PayloadStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public String put(String key, byte[] bytes) {
        s3.putObject(p -> p.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromBytes(bytes));
        return "s3://" + bucket + "/" + key;
    }

    @Override
    public java.util.List<String> refs(String prefix) {
        java.util.List<String> out = new java.util.ArrayList<>();
        s3.listObjectsV2Paginator(l -> l.bucket(bucket).prefix(prefix)).contents()
                .forEach(o -> out.add("s3://" + bucket + "/" + o.key()));
        return out;
    }

    @Override
    public byte[] get(String ref) {
        if (!ref.startsWith("s3://")) throw new IllegalArgumentException("not an s3:// payload reference: " + ref);
        String rest = ref.substring(5);
        int slash = rest.indexOf('/');
        if (slash < 1) throw new IllegalArgumentException("payload reference names no key: " + ref);
        String b = rest.substring(0, slash);
        String key = rest.substring(slash + 1);
        return s3.getObjectAsBytes(g -> g.bucket(b).key(key)).asByteArray();
    }
}
