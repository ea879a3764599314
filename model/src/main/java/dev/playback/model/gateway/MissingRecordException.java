package dev.playback.model.gateway;

/** A replay needed a query answer that was never recorded, and the policy is {@code fail}. */
public final class MissingRecordException extends RuntimeException {
    private final String eventId;
    private final CallSite site;

    public MissingRecordException(String processor, String eventId, CallSite site, String requestHash) {
        super("no recorded answer for query " + site.id() + " of event " + eventId + " in processor " + processor
                + " (request hash " + requestHash + "); replay with missing records 'live' to ask the external system now");
        this.eventId = eventId;
        this.site = site;
    }

    public String eventId() {
        return eventId;
    }

    public CallSite site() {
        return site;
    }
}
