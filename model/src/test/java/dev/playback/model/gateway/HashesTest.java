package dev.playback.model.gateway;

import org.junit.jupiter.api.Test;

import static dev.playback.model.event.Envelopes.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Idempotency keys and request hashes are a storage format: the command log and the external systems hold the keys,
 * the query records are found by the hashes. Each expected value is a golden literal, computed outside the code with
 * {@code printf '<text>' | sha256sum} (request hashes: its first 32 hex digits of the canonical form shown).
 */
class HashesTest {
    @Test
    void anIdempotencyKeyIsTheSha256OfProcessorEventCallSiteKindAndOrdinalOnePerLine() {
        assertEquals("cb3af27e3eedece2600e66bcb0786a5c29b3835efab0b6cce8a84b4e547e3aa4",
                Hashes.idempotencyKey("payouts", "p-1", new CallSite("bank", "payout"), "send", 0));
        assertEquals("186f8f8e32550b2660ae16df31b2799c693d79f357847ee9dae47c763d2a790b",
                Hashes.idempotencyKey("invoicing", "evt-42", new CallSite("mail", "send-invoice"), "correction", 12));
    }

    @Test
    void aRequestHashIsTheSha256OfTheRequestWithItsFieldsSortedWhateverTheirOrder() {
        // canonical form {"amount":"100.00","from":"EUR","to":"USD"}
        assertEquals("632978edefc5fbd2555f733d5a91f08d", Hashes.request(json("{\"to\":\"USD\",\"amount\":\"100.00\",\"from\":\"EUR\"}")));
        assertEquals("632978edefc5fbd2555f733d5a91f08d", Hashes.request(json("{\"from\":\"EUR\",\"to\":\"USD\",\"amount\":\"100.00\"}")));
    }

    @Test
    void aRequestHashSortsNestedObjectsKeepsArrayOrderAndWritesNullBooleansAndNumbersAsJson() {
        // canonical form {"a":"x","b":[1,{"c":true,"d":null}],"e":2}
        assertEquals("38a2cf27edb95983e91190f1974f2f1d", Hashes.request(json("{\"e\":2,\"b\":[1,{\"d\":null,\"c\":true}],\"a\":\"x\"}")));
    }

    @Test
    void aRequestHashQuotesTextAsJsonWithNonAsciiCharactersAsUtf8() {
        // canonical form {"name":"Zoë \"Z\"","to":"USD"}, in UTF-8
        assertEquals("99edd617315dc6f7a3fc38fdd356eec5", Hashes.request(json("{\"to\":\"USD\",\"name\":\"Zo\\u00eb \\\"Z\\\"\"}")));
    }

    @Test
    void aMissingRequestHashesAsNull() {
        assertEquals("74234e98afe7498fb5daf1f36ac2d78a", Hashes.request(null));
    }
}
