package dev.playback.model.gateway;

/**
 * An external system's query or command failed (an error answer, a broken connection): a failure outside the processor,
 * retried, never a reason to park its aggregate. The gateway wraps what the {@link ExternalSystems} adapter threw.
 */
public final class ExternalCallFailed extends IllegalStateException {
    public ExternalCallFailed(CallSite site, String eventId, RuntimeException cause) {
        super(site.gateway() + "." + site.id() + " for event " + eventId + " failed: " + cause.getMessage(), cause);
    }
}
