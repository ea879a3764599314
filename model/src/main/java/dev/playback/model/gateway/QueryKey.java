package dev.playback.model.gateway;

/** Where a recorded query answer is kept: by processor, event, call site and a hash of the request. */
public record QueryKey(String processor, String eventId, CallSite site, String requestHash) {
    /** {@code queries/<processor>/<eventId>/<gateway.name>/<requestHash>.json} */
    public String path() {
        return "queries/" + processor + "/" + eventId + "/" + site.id() + "/" + requestHash + ".json";
    }
}
