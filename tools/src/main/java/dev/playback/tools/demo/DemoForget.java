package dev.playback.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.privacy.PersonalData;
import dev.playback.tools.LocalStack;
import dev.playback.tools.cli.ForgetCommand;
import dev.playback.tools.client.PlaybackApi;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's crypto-shredding step: erin's holder asks to be forgotten. The owner and the payouts' beneficiaries were
 * sealed at ingest (the events table holds tokens); {@code playback forget erin} deletes erin's data key, and the API then
 * reads them as {@value PersonalData#REDACTED} while the balance and the version stay, and frank's still read as sent.
 */
final class DemoForget {
    private final PrintStream out;
    private final LocalStack stack;
    private final PlaybackApi api;

    DemoForget(PrintStream out, LocalStack stack, PlaybackApi api) {
        this.out = out;
        this.stack = stack;
        this.api = api;
    }

    boolean run() {
        out.println("== crypto-shredding: erin's holder asks to be forgotten (playback forget erin) ==");
        JsonNode before = api.aggregate("erin").body();
        String stored = stack.dynamoDb().getItem(b -> b.tableName(stack.physicalName("EventsTable")).consistentRead(true)
                .key(Map.of("aggregateId", AttributeValue.fromS("erin"), "version", AttributeValue.fromN("1")))).item().toString();
        String token = stored.replaceAll(".*?(pii:v1:erin:[A-Za-z0-9_-]{1,24}).*", "$1") + "…";
        out.printf(Locale.ROOT, "before: owner %s, payout demo-pay-1 to %s; balance %s, version %d; the events table holds %s%n",
                before.path("state").path("owner").asText(), beneficiary("demo-pay-1"), before.path("state").path("balance").asText(),
                before.path("version").asLong(), token);
        out.println(ForgetCommand.forget(stack.dynamoDb(), stack.physicalName("SubjectKeyTable"), "erin"));
        JsonNode after = api.aggregate("erin").body();
        String owner = after.path("state").path("owner").asText();
        String beneficiary = beneficiary("demo-pay-1");
        String frank = api.aggregate("frank").body().path("state").path("owner").asText();
        out.printf(Locale.ROOT, "after:  owner %s, payout demo-pay-1 to %s; balance %s, version %d; frank's owner still %s%n",
                owner, beneficiary, after.path("state").path("balance").asText(), after.path("version").asLong(), frank);
        boolean same = before.path("state").path("balance").equals(after.path("state").path("balance"))
                && before.path("version").equals(after.path("version"));
        boolean ok = PersonalData.REDACTED.equals(owner) && PersonalData.REDACTED.equals(beneficiary) && same && "Frank".equals(frank)
                && stored.contains("pii:v1:erin:") && !stored.contains("Erin");
        out.println("check: erin's personal fields read as " + PersonalData.REDACTED + ", balance and version unchanged, frank's "
                + "unaffected, the events table never held the plaintext: " + (ok ? "yes" : "NO"));
        return ok;
    }

    private String beneficiary(String eventId) {
        return api.event(eventId).body().path("payload").path("beneficiary").asText();
    }
}
