package dev.playback.model.parking;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Port: the aggregates parked per processor (a DynamoDB table in production, keyed by processor and aggregate). */
public interface ParkedAggregates {
    /** Records {@code parked}, replacing what was recorded for its processor and aggregate. */
    void park(Parked parked);

    /** The aggregates parked for {@code processor}, read consistently (an unpark that returned is seen). */
    Set<String> aggregates(String processor);

    Optional<Parked> find(String processor, String aggregateId);

    /** Every parked aggregate, by processor then aggregate. */
    List<Parked> all();

    /** Removes the record; false if there was none. */
    boolean remove(String processor, String aggregateId);
}
