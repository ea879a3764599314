package dev.playback.lambdas.aws.kms;

import dev.playback.lambdas.aws.dynamodb.KeyWrapping;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;

import java.util.Map;

/**
 * Envelope encryption of the subjects' data keys with a KMS key ({@code SUBJECT_KEYS_KMS_KEY}): a new key comes from
 * {@code GenerateDataKey} (AES_256), the table keeps only its ciphertext, and {@code Decrypt} opens it. Both carry the
 * encryption context {@code {"playback:subject": <subject>}}, so a stored key only opens for its own subject.
 */
public final class KmsKeyWrapping implements KeyWrapping {
    private static final String CONTEXT = "playback:subject";
    private final KmsClient kms;
    private final String keyId;

    /**
     * @param keyId the KMS key that makes new data keys; may be null for a reader only (Decrypt finds a symmetric key
     *              from the ciphertext)
     */
    public KmsKeyWrapping(KmsClient kms, String keyId) {
        this.kms = kms;
        this.keyId = keyId;
    }

    @Override
    public String name() {
        return "kms";
    }

    @Override
    public NewKey create(String subject) {
        if (keyId == null) throw new IllegalStateException("no KMS key to create the data key of subject " + subject + " with");
        GenerateDataKeyResponse r = kms.generateDataKey(b -> b.keyId(keyId).keySpec(DataKeySpec.AES_256)
                .encryptionContext(Map.of(CONTEXT, subject)));
        return new NewKey(r.plaintext().asByteArray(), r.ciphertextBlob().asByteArray());
    }

    @Override
    public byte[] unwrap(String subject, byte[] stored) {
        return kms.decrypt(b -> b.keyId(keyId).ciphertextBlob(SdkBytes.fromByteArray(stored))
                .encryptionContext(Map.of(CONTEXT, subject))).plaintext().asByteArray();
    }
}
