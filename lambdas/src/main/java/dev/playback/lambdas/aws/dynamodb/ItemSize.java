package dev.playback.lambdas.aws.dynamodb;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The size of a DynamoDB item as DynamoDB counts it against its 400 KB item limit and bills it (1 write unit per started
 * KB, 1 strongly consistent read unit per started 4 KB): the UTF-8 bytes of each attribute name plus its value's size.
 */
public final class ItemSize {
    private ItemSize() {
    }

    /** Attribute names and values, in bytes. */
    public static long of(Map<String, AttributeValue> item) {
        long n = 0;
        for (var e : item.entrySet()) n += utf8(e.getKey()) + of(e.getValue());
        return n;
    }

    /**
     * One value: strings and binaries their bytes, numbers about one byte per two digits plus one, documents 3 bytes plus
     * their elements (and a byte each), sets their elements, null and booleans one byte.
     */
    public static long of(AttributeValue v) {
        if (v.s() != null) return utf8(v.s());
        if (v.n() != null) return v.n().length() / 2 + 1;
        if (v.b() != null) return v.b().asByteArray().length;
        if (v.hasM()) return 3 + v.m().entrySet().stream().mapToLong(e -> utf8(e.getKey()) + of(e.getValue()) + 1).sum();
        if (v.hasL()) return 3 + v.l().stream().mapToLong(x -> of(x) + 1).sum();
        if (v.hasSs()) return v.ss().stream().mapToLong(ItemSize::utf8).sum();
        return 1;
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
