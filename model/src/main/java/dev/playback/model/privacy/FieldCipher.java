package dev.playback.model.privacy;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Deterministic authenticated encryption of one field value under a subject's data key (a synthetic IV, as in SIV):
 * two subkeys are derived from the data key with HMAC-SHA256 ({@code "playback pii v1 enc"} and
 * {@code "playback pii v1 iv"}); the 96-bit IV is the first 12 bytes of HMAC-SHA256(ivKey, eventId, field path,
 * plaintext) (each length-prefixed); the value is sealed with AES-256-GCM under the encryption subkey, with the
 * token's own prefix and subject as associated data. The same event, field and value give the same token, so a re-sent
 * event keeps its content hash; different events or values give unrelated tokens.
 */
final class FieldCipher {
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private FieldCipher() {
    }

    static PersonalToken seal(byte[] dataKey, String subject, String eventId, String path, byte[] plaintext) {
        try {
            byte[] iv = Arrays.copyOf(hmac(subkey(dataKey, "iv"), eventId.getBytes(StandardCharsets.UTF_8),
                    path.getBytes(StandardCharsets.UTF_8), plaintext), IV_BYTES);
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(subkey(dataKey, "enc"), "AES"), new GCMParameterSpec(TAG_BITS, iv));
            gcm.updateAAD(associated(subject));
            byte[] sealed = gcm.doFinal(plaintext);
            return new PersonalToken(subject, ByteBuffer.allocate(IV_BYTES + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM or HMAC-SHA256 is missing from this JVM", e);
        }
    }

    /** @throws UnreadableTokenException when the token does not authenticate under {@code dataKey} */
    static byte[] open(byte[] dataKey, PersonalToken token) {
        byte[] sealed = token.sealed();
        if (sealed.length < IV_BYTES + TAG_BITS / 8) throw new UnreadableTokenException(token.toString(), "is malformed: too short");
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(subkey(dataKey, "enc"), "AES"),
                    new GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES));
            gcm.updateAAD(associated(token.subject()));
            return gcm.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
        } catch (AEADBadTagException e) {
            throw new UnreadableTokenException(token.toString(), "does not authenticate under the key of subject " + token.subject()
                    + ": it was altered after the ingest made it", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this JVM", e);
        }
    }

    private static byte[] associated(String subject) {
        return (PersonalToken.PREFIX + subject).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] subkey(byte[] dataKey, String purpose) throws GeneralSecurityException {
        if (dataKey.length != SubjectKeys.KEY_BYTES) {
            throw new IllegalArgumentException("a data key has " + SubjectKeys.KEY_BYTES + " bytes, this one " + dataKey.length);
        }
        return hmac(dataKey, ("playback pii v1 " + purpose).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, byte[]... parts) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        for (byte[] part : parts) {
            mac.update(ByteBuffer.allocate(4).putInt(part.length).array());
            mac.update(part);
        }
        return mac.doFinal();
    }
}
