package dev.playback.model.privacy;

import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * The opaque string that stands for one personal field's value everywhere after the ingest:
 * {@code pii:v1:<subject>:<base64url(iv ‖ ciphertext ‖ tag)>} (no padding). The subject is an id (1-128 characters of
 * {@code A-Z a-z 0-9 . _ : -}, so it may hold colons): the base64url part is what follows the last colon.
 */
public record PersonalToken(String subject, byte[] sealed) {
    public static final String PREFIX = "pii:v1:";
    /** What a subject may be: an aggregate id's characters. */
    public static final java.util.regex.Pattern SUBJECT = java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    public PersonalToken {
        if (subject == null || !SUBJECT.matcher(subject).matches()) {
            throw new IllegalArgumentException("a subject must be 1-128 characters of A-Z a-z 0-9 . _ : -, got '" + subject + "'");
        }
        sealed = sealed.clone();
    }

    /** Whether {@code text} has the shape of a token (its prefix); a text that has may still be malformed. */
    public static boolean looksLikeToken(String text) {
        return text != null && text.startsWith(PREFIX);
    }

    /**
     * The token {@code text} is, or empty when it does not start with {@link #PREFIX}.
     *
     * @throws UnreadableTokenException when it starts with the prefix but is not a well-formed token
     */
    public static Optional<PersonalToken> parse(String text) {
        if (!looksLikeToken(text)) return Optional.empty();
        int last = text.lastIndexOf(':');
        if (last < PREFIX.length()) throw new UnreadableTokenException(text, "is malformed: it names no subject");
        String subject = text.substring(PREFIX.length(), last);
        if (!SUBJECT.matcher(subject).matches()) throw new UnreadableTokenException(text, "is malformed: its subject is not an id");
        byte[] sealed;
        try {
            sealed = Base64.getUrlDecoder().decode(text.substring(last + 1));
        } catch (IllegalArgumentException e) {
            throw new UnreadableTokenException(text, "is malformed: its ciphertext is not base64url", e);
        }
        return Optional.of(new PersonalToken(subject, sealed));
    }

    @Override
    public byte[] sealed() {
        return sealed.clone();
    }

    @Override
    public String toString() {
        return PREFIX + subject + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(sealed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PersonalToken t && t.subject.equals(subject) && Arrays.equals(t.sealed, sealed);
    }

    @Override
    public int hashCode() {
        return 31 * subject.hashCode() + Arrays.hashCode(sealed);
    }
}
