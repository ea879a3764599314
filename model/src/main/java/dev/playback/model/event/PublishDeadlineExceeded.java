package dev.playback.model.event;

import java.time.Duration;
import java.util.List;

/**
 * The events of one submission could not all be put on the event stream before the publish deadline. None of them is
 * acknowledged; some may be on the stream already, which is harmless: a retry with the same event ids (the same
 * {@code Idempotency-Key}, or the ids themselves) is appended once. {@link #eventIds()} are the ids the events had,
 * when the thrower knew them.
 */
public class PublishDeadlineExceeded extends RuntimeException {
    private final Duration deadline;
    private final List<String> eventIds;

    public PublishDeadlineExceeded(Duration deadline, String detail, Throwable cause) {
        this(deadline, detail, cause, List.of());
    }

    private PublishDeadlineExceeded(Duration deadline, String detail, Throwable cause, List<String> eventIds) {
        super(detail, cause);
        this.deadline = deadline;
        this.eventIds = List.copyOf(eventIds);
    }

    /** The same, naming the ids of the events that were being published. */
    public PublishDeadlineExceeded forEvents(List<String> ids) {
        return new PublishDeadlineExceeded(deadline, getMessage(), this, ids);
    }

    public Duration deadline() {
        return deadline;
    }

    public List<String> eventIds() {
        return eventIds;
    }
}
