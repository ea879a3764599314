package dev.playback.model.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.event.EventCodec;
import dev.playback.model.store.PayloadStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON pieces a replay's units of work write to the report store, each under a key of its own (a unit done again
 * overwrites its piece), and read back together under their prefix to be added up.
 */
final class JsonPieces {
    private JsonPieces() {
    }

    /** Writes one piece; returns its reference. */
    static String put(PayloadStore store, String key, JsonNode piece) {
        try {
            return store.put(key, EventCodec.JSON.writeValueAsBytes(piece));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + key, e);
        }
    }

    /** Every piece under {@code prefix}; {@code what} names them in the error on one that is not JSON. */
    static List<JsonNode> under(PayloadStore store, String prefix, String what) {
        List<JsonNode> pieces = new ArrayList<>();
        for (String ref : store.refs(prefix)) {
            try {
                pieces.add(EventCodec.JSON.readTree(store.get(ref)));
            } catch (IOException e) {
                throw new UncheckedIOException(what + " " + ref + " is not JSON: " + e.getMessage(), e);
            }
        }
        return pieces;
    }
}
