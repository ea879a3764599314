package dev.onebox.events;

/** The whole PutEvents request is refused (AWS answers HTTP 400 with this error code). */
public final class PutEventsRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String errorCode;

    public PutEventsRejectedException(String errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    public String errorCode() {
        return errorCode;
    }
}
