package dev.playback.model.privacy;

import java.util.Optional;

/**
 * Port: the data keys of the subjects of personal data, one 256-bit key per subject (envelope encryption: on AWS the
 * stored key is itself encrypted by a KMS key). Deleting a subject's key is what forgets the subject: every token
 * made with it reads as {@link PersonalData#REDACTED} from then on, while the events that hold the tokens stay as
 * they are.
 */
public interface SubjectKeys {
    /** Length of a data key, in bytes (AES-256). */
    int KEY_BYTES = 32;

    /**
     * The subject's data key, created on first use. Two callers that create it at the same time (two ingest containers)
     * get the same key: the creation is a conditional write, and the one that loses reads the winner's key.
     */
    byte[] keyFor(String subject);

    /** The subject's data key, or empty when it never had one or was forgotten. */
    Optional<byte[]> find(String subject);

    /** Deletes the subject's data key; true when there was one. Forgetting a subject again changes nothing. */
    boolean forget(String subject);
}
