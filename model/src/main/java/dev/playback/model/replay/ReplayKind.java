package dev.playback.model.replay;

import java.util.Locale;

/** What a replay does: a full rebuild, a nightly verification into a shadow, or a partial replay. */
public enum ReplayKind {
    REBUILD, VERIFY, PARTIAL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ReplayKind parse(String text) {
        if (text != null) {
            for (ReplayKind k : values()) if (k.wireName().equals(text)) return k;
        }
        throw new IllegalArgumentException("kind must be one of rebuild, verify, partial; got '" + text + "'");
    }
}
