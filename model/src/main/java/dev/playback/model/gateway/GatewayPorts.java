package dev.playback.model.gateway;

/** The ports the gateway works with: the external systems, the recorded query answers and the command log. */
public record GatewayPorts(ExternalSystems external, QueryRecords records, CommandLog log) {

    /**
     * The same records and log, for computing states without effects (a verification bringing two
     * states to one version, time travel, snapshots): recorded answers are read, nothing is asked, sent, recorded or logged.
     */
    public GatewayPorts readOnly() {
        return recorded(records, log);
    }

    /**
     * Ports that only read {@code records} and {@code log}: no external system is reached (a call fails naming its call
     * site), no answer is recorded, and a command is not logged.
     */
    public static GatewayPorts recorded(QueryRecords records, CommandLog log) {
        ExternalSystems refusing = new ExternalSystems() {
            @Override
            public com.fasterxml.jackson.databind.JsonNode query(CallSite site, com.fasterxml.jackson.databind.JsonNode request) {
                throw new IllegalStateException("a read-only gateway asks no external system (" + site.id() + ")");
            }

            @Override
            public void send(CallSite site, com.fasterxml.jackson.databind.JsonNode command, String idempotencyKey) {
                throw new IllegalStateException("a read-only gateway sends nothing (" + site.id() + ")");
            }
        };
        QueryRecords reading = new QueryRecords() {
            @Override
            public java.util.Optional<RecordedQuery> find(QueryKey key) {
                return records.find(key);
            }

            @Override
            public RecordedQuery put(RecordedQuery record) {
                throw new IllegalStateException("a read-only gateway records nothing (" + record.key() + ")");
            }
        };
        CommandLog notLogging = new CommandLog() {
            @Override
            public java.util.List<LoggedCommand> forEvent(String processor, String eventId) {
                return log.forEvent(processor, eventId);
            }

            @Override
            public LoggedCommand append(LoggedCommand entry) {
                // read-only: a comparison's suppressed commands are not logged
                return entry;
            }
        };
        return new GatewayPorts(refusing, reading, notLogging);
    }
}
