package dev.onebox.template;

/** An {@code AWS::S3::Bucket}; {@code bucketName} is S3-valid (lower case). */
public record BucketResource(String logicalId, String bucketName, String arn) implements TemplateResource {
}
