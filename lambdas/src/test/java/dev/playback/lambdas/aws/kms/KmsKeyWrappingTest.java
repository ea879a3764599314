package dev.playback.lambdas.aws.kms;

import dev.playback.lambdas.aws.dynamodb.KeyWrapping;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyRequest;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The data keys come from KMS and only their ciphertext is stored, bound to the subject by the encryption context. */
class KmsKeyWrappingTest {
    private static final byte[] PLAIN = new byte[32];
    private static final byte[] WRAPPED = {1, 2, 3};

    /** Answers GenerateDataKey and Decrypt with fixed bytes, and keeps the requests. */
    private static final class RecordingKms implements KmsClient {
        final List<Object> requests = new ArrayList<>();

        @Override
        public GenerateDataKeyResponse generateDataKey(GenerateDataKeyRequest r) {
            requests.add(r);
            return GenerateDataKeyResponse.builder().plaintext(SdkBytes.fromByteArray(PLAIN)).ciphertextBlob(SdkBytes.fromByteArray(WRAPPED)).build();
        }

        @Override
        public DecryptResponse decrypt(DecryptRequest r) {
            requests.add(r);
            return DecryptResponse.builder().plaintext(SdkBytes.fromByteArray(PLAIN)).build();
        }

        @Override
        public String serviceName() {
            return "kms";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void createsAnAes256DataKeyAndStoresOnlyItsCiphertextBoundToTheSubject() {
        RecordingKms kms = new RecordingKms();
        KeyWrapping.NewKey created = new KmsKeyWrapping(kms, "key-1").create("acc-1");
        assertArrayEquals(PLAIN, created.plain());
        assertArrayEquals(WRAPPED, created.stored());
        GenerateDataKeyRequest r = (GenerateDataKeyRequest) kms.requests.get(0);
        assertEquals("key-1", r.keyId());
        assertEquals(DataKeySpec.AES_256, r.keySpec());
        assertEquals(Map.of("playback:subject", "acc-1"), r.encryptionContext());
    }

    @Test
    void opensAStoredKeyWithTheSubjectAsEncryptionContext() {
        RecordingKms kms = new RecordingKms();
        assertArrayEquals(PLAIN, new KmsKeyWrapping(kms, "key-1").unwrap("acc-2", WRAPPED));
        DecryptRequest r = (DecryptRequest) kms.requests.get(0);
        assertEquals("key-1", r.keyId());
        assertArrayEquals(WRAPPED, r.ciphertextBlob().asByteArray());
        assertEquals(Map.of("playback:subject", "acc-2"), r.encryptionContext());
    }
}
