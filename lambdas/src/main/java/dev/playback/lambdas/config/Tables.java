package dev.playback.lambdas.config;

/** The resource names every function of the live path reads from its environment. */
public record Tables(String eventsTable, String eventIdsTable, String dataTable, String payloadBucket) {
    public static Tables from(Environment env) {
        return new Tables(env.require("EVENTS_TABLE"), env.require("EVENT_IDS_TABLE"), env.require("DATA_TABLE"),
                env.require("PAYLOAD_BUCKET"));
    }
}
