package dev.playback.model.store;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The contract of {@link PayloadStore}. Extend it once per implementation and supply a fresh, empty
 * store from {@link #newPayloadStore()}.
 */
public abstract class PayloadStoreContract {
    protected PayloadStore store;

    /** A fresh store that holds nothing yet. */
    protected abstract PayloadStore newPayloadStore();

    @BeforeEach
    void createStore() {
        store = newPayloadStore();
    }

    @Test
    void returnsTheStoredBytesByTheReferenceItGave() {
        byte[] bytes = "{\"big\":\"payload ✓\"}".getBytes(StandardCharsets.UTF_8);
        String ref = store.put("payloads/acc-1/e-1.json", bytes);
        assertArrayEquals(bytes, store.get(ref));
    }

    @Test
    void keepsDifferentKeysApart() {
        String a = store.put("payloads/acc-1/e-1.json", "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
        String b = store.put("payloads/acc-1/e-2.json", "{\"n\":2}".getBytes(StandardCharsets.UTF_8));
        assertNotEquals(a, b);
        assertArrayEquals("{\"n\":1}".getBytes(StandardCharsets.UTF_8), store.get(a));
        assertArrayEquals("{\"n\":2}".getBytes(StandardCharsets.UTF_8), store.get(b));
    }

    @Test
    void refusesAReferenceToNothing() {
        String ref = store.put("payloads/acc-1/e-1.json", new byte[] {'{', '}'});
        assertThrows(RuntimeException.class, () -> store.get(ref.replace("e-1", "e-404")));
    }
}
