package dev.playback.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.playback.model.domain.Domain;
import dev.playback.model.event.EventType;

import java.util.List;

/** A domain whose one event type declares no personal field: what an export with nothing to redact is given. */
public final class NoPersonalData implements Domain {
    @Override
    public String name() {
        return "no-personal-data";
    }

    @Override
    public List<EventType> eventTypes() {
        return List.of(new EventType() {
            @Override
            public String name() {
                return "Counted";
            }

            @Override
            public void validate(ObjectNode payload) {
                // any payload: this domain only stands for one without personal fields
            }
        });
    }
}
