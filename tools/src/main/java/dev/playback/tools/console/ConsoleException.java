package dev.playback.tools.console;

/** An answer of the console's API other than 200: its HTTP status and a message that names the input or the call at fault. */
public final class ConsoleException extends RuntimeException {
    private final int status;

    public ConsoleException(int status, String message) {
        super(message);
        this.status = status;
    }

    public ConsoleException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }

    static ConsoleException badInput(String message) {
        return new ConsoleException(400, message);
    }

    static ConsoleException notFound(String message) {
        return new ConsoleException(404, message);
    }
}
