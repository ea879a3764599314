package dev.onebox.events;

/**
 * The outcome of delivering one event to one target.
 *
 * @param source    the rule or schedule name
 * @param targetId  the target's Id
 * @param targetArn the target's Arn
 * @param eventId   the id of the event delivered
 * @param input     what was (or would have been) sent; null when the input could not be produced
 * @param attempts  how many times the target was called (0 when the input could not be produced)
 * @param failure   null on success, else why the last attempt failed
 */
public record Delivery(String source, String targetId, String targetArn, String eventId, String input, int attempts,
                       String failure) {
    public boolean succeeded() {
        return failure == null;
    }
}
