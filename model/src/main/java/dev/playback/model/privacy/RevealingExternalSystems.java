package dev.playback.model.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.ExternalSystems;
import dev.playback.model.gateway.Hashes;

import java.util.function.Supplier;

/**
 * The external systems, reached with personal values instead of tokens: a command or query request is revealed
 * ({@link PersonalData#reveal(JsonNode)}) just before it leaves, and only there. Everything the gateway keeps (the command
 * log, idempotency keys, recorded query requests and their hashes, reports) still holds the tokens it was given. A
 * forgotten subject's value goes out as {@link PersonalData#REDACTED}. What the answer of such a query gives back of
 * those values is sealed again before the gateway sees it ({@link PersonalData#sealEchoes}), so the recorded answer,
 * the state and the commands made from it hold tokens, and a replay gets those very bytes from the record. {@code
 * personal} is asked for at the first token met, so a processor that never sends one needs no key store.
 */
public final class RevealingExternalSystems implements ExternalSystems {
    private final ExternalSystems systems;
    private final Supplier<PersonalData> personal;

    public RevealingExternalSystems(ExternalSystems systems, Supplier<PersonalData> personal) {
        this.systems = systems;
        this.personal = personal;
    }

    @Override
    public JsonNode query(CallSite site, JsonNode request) {
        if (!holdsToken(request)) return systems.query(site, request);
        PersonalData p = personal.get();
        JsonNode answer = systems.query(site, p.reveal(request));
        return p.sealEchoes(request, answer, site.id() + "\n" + Hashes.request(request));
    }

    @Override
    public void send(CallSite site, JsonNode command, String idempotencyKey) {
        systems.send(site, revealed(command), idempotencyKey);
    }

    private JsonNode revealed(JsonNode node) {
        return holdsToken(node) ? personal.get().reveal(node) : node;
    }

    private static boolean holdsToken(JsonNode node) {
        if (node == null) return false;
        if (node.isTextual()) return PersonalToken.looksLikeToken(node.textValue());
        for (JsonNode child : node) if (holdsToken(child)) return true;
        return false;
    }
}
