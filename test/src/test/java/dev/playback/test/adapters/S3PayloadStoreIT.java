package dev.playback.test.adapters;

import dev.playback.lambdas.aws.s3.S3PayloadStore;
import dev.onebox.emulators.EmulatorOptions;
import dev.onebox.emulators.Emulators;
import dev.playback.model.store.PayloadStore;
import dev.playback.model.store.PayloadStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.Random;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link S3PayloadStore} keeps the payload-store contract on s3mock: a fresh bucket per test. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class S3PayloadStoreIT extends PayloadStoreContract {
    private static Emulators emulators;
    private static S3Client s3;

    @BeforeAll
    static void startEmulators() {
        emulators = Emulators.start(EmulatorOptions.inMemory());
        s3 = emulators.s3Client();
    }

    @AfterAll
    static void stopEmulators() {
        if (s3 != null) s3.close();
        if (emulators != null) emulators.close();
    }

    @Override
    protected PayloadStore newPayloadStore() {
        return new S3PayloadStore(s3, FreshResources.bucket(s3));
    }

    @Test
    void returnsALargeBinaryPayloadByteForByte() {
        byte[] bytes = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(bytes);
        String ref = store.put("payloads/acc-1/big.json", bytes);
        assertEquals(true, ref.startsWith("s3://"), ref);
        assertArrayEquals(bytes, store.get(ref));
    }
}
