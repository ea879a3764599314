package dev.playback.lambdas.aws.dynamodb;

import dev.playback.model.privacy.SubjectKeys;

import java.security.SecureRandom;

/**
 * How {@link DynamoSubjectKeys} keeps a data key in its table: {@link #NONE} stores the raw key (the local stack, which
 * has no KMS), {@code KmsKeyWrapping} (package {@code aws.kms}) stores it encrypted by a KMS key (AWS). The table
 * records which one wrote an item, and an item of the other kind is refused.
 */
public interface KeyWrapping {
    /** A new data key: what to use and what to store. */
    record NewKey(byte[] plain, byte[] stored) {
    }

    /** The name recorded with each item ({@code wrapping}). */
    String name();

    NewKey create(String subject);

    byte[] unwrap(String subject, byte[] stored);

    /** Raw 256-bit keys from {@link SecureRandom}, stored as they are: for the local stack only. */
    KeyWrapping NONE = new KeyWrapping() {
        private final SecureRandom random = new SecureRandom();

        @Override
        public String name() {
            return "none";
        }

        @Override
        public NewKey create(String subject) {
            byte[] key = new byte[SubjectKeys.KEY_BYTES];
            random.nextBytes(key);
            return new NewKey(key, key.clone());
        }

        @Override
        public byte[] unwrap(String subject, byte[] stored) {
            return stored.clone();
        }
    };
}
