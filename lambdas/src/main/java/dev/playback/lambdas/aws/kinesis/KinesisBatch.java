package dev.playback.lambdas.aws.kinesis;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.playback.model.metrics.Metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * How a function reads a Kinesis batch, the same for the pump and the processors: every record decoded once, a record
 * that cannot be decoded set aside ({@link SetAside#keep}) so that it no longer blocks its shard, and the answer to
 * the event source naming the records to retry ({@link #retry}).
 *
 * @param setAside     where records that cannot be decoded are kept
 * @param function     the function that logs what it set aside ({@code pump}, {@code processor})
 * @param stream       the stream the records came from, where {@code playback redrive} puts them back
 * @param notDecodable what the reason of a set-aside record starts with, before the decoder's message
 * @param metrics      where the records set aside are counted ({@value #RECORDS_SET_ASIDE}, per {@code function})
 */
public record KinesisBatch(SetAside setAside, String function, String stream, String notDecodable, Metrics metrics) {
    /** The metric counting records set aside, its dimension value the function ({@code pump}, {@code processor}). */
    public static final String RECORDS_SET_ASIDE = "RecordsSetAside";

    /** Counting nothing ({@link Metrics#NONE}). */
    public KinesisBatch(SetAside setAside, String function, String stream, String notDecodable) {
        this(setAside, function, stream, notDecodable, Metrics.NONE);
    }

    /**
     * What {@code decoder} makes of each record of {@code input}, in batch order. A record it throws on is set aside
     * for {@link #notDecodable} and the decoder's message, and the rest of the batch goes on.
     */
    public <T> List<T> decode(KinesisEvent input, Context context, Function<KinesisEvent.KinesisEventRecord, T> decoder) {
        List<T> decoded = new ArrayList<>();
        int setAsideNow = 0;
        for (KinesisEvent.KinesisEventRecord r : input.getRecords()) {
            try {
                decoded.add(decoder.apply(r));
            } catch (RuntimeException e) {
                setAside.keep(r, notDecodable + e.getMessage(), context, function, stream);
                setAsideNow++;
            }
        }
        if (setAsideNow > 0) metrics.count(RECORDS_SET_ASIDE, function, setAsideNow);
        return decoded;
    }

    /** The answer to the event source: the records with these sequence numbers (each named once) are retried. */
    public static StreamsEventResponse retry(Collection<String> sequenceNumbers) {
        return new StreamsEventResponse(sequenceNumbers.stream().distinct().map(StreamsEventResponse.BatchItemFailure::new).toList());
    }

    /** The answer to the event source when the whole batch is done. */
    public static StreamsEventResponse done() {
        return retry(List.of());
    }
}
