package dev.playback.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.playback.model.gateway.CallSite;
import org.opentest4j.AssertionFailedError;

/**
 * A processor asked a query that no fixture answers and no archive recorded: the test names the query, its request and
 * the event, so the answer can be added ({@link ProcessorFixture#answering}).
 */
public final class MissingAnswer extends AssertionFailedError {
    private final CallSite site;
    private final transient JsonNode request;

    MissingAnswer(String processor, String event, CallSite site, JsonNode request) {
        super("processor " + processor + " asked " + site.id() + " " + request + " for event " + event
                + ", and no answer was given: add one with answering(" + site.id() + ", " + request + ", RESPONSE), "
                + "or run the events of an archive that recorded it");
        this.site = site;
        this.request = request;
    }

    public CallSite site() {
        return site;
    }

    public JsonNode request() {
        return request;
    }
}
