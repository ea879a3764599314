package dev.playback.lambdas.projection;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.playback.lambdas.batch.PerAggregate;
import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.dynamodb.DynamoReplayStore;
import dev.playback.lambdas.aws.dynamodb.DynamoStateStore;
import dev.playback.lambdas.aws.kinesis.PlaybackRecords;
import dev.playback.lambdas.aws.kinesis.SetAside;
import dev.playback.lambdas.aws.kinesis.StreamRecords;
import dev.playback.lambdas.aws.s3.S3PayloadStore;
import dev.playback.lambdas.aws.s3.S3SetAside;
import dev.playback.lambdas.config.AwsClients;
import dev.playback.lambdas.config.Environment;
import dev.playback.lambdas.config.Tables;
import dev.playback.model.ledger.Ledger;
import dev.playback.model.processor.Processor;
import dev.playback.model.processor.Projector;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.CachedStateStore;
import dev.playback.model.store.StateStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Playback stream → data store. Two kinds of records travel there: the pump's feed (JSON arrays of the events it
 * appended, with their versions), applied to every live generation of every projection, an aggregate's gap before
 * the record filled from the events table; and replay records ({@link PlaybackRecords}, JSON objects), applied to
 * their replay's generation. Records that fail (a gap the events table cannot fill yet, a failing write) are
 * reported in {@code batchItemFailures} and retried by the event source, without a budget that discards. A record
 * that cannot be applied as it is — not decodable, or holding an event without a version, which only the pump
 * gives — is set aside ({@link SetAside}, {@code playback redrive} puts it back) instead of holding its shard.
 */
public final class ProjectionHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {
    private static final ExecutorService WORKERS = PerAggregate.workers("projection", 16);

    /** States remembered per container (an account's state can reach ~100 KB as JSON: bounded by count). */
    static final int CACHED_STATES = 500;

    private final Projection projection;
    private final SetAside setAside;
    /** Why a playback-stream record that cannot be applied as it is was set aside (the decoder's message follows). */
    public static final String NOT_A_PLAYBACK_STREAM_RECORD = "record is not a batch of appended events or a playback record: ";

    public ProjectionHandler() {
        this(System.getenv());
    }

    public ProjectionHandler(Map<String, String> environment) {
        this(new Environment(environment));
    }

    private ProjectionHandler(Environment env) {
        this(wire(env), S3SetAside.from(env, S3SetAside.Stream.PLAYBACK));
    }

    /**
     * @param projection the projections to run
     * @param setAside   where records that cannot be applied as they are (undecodable, or an event without a version) are kept
     */
    public ProjectionHandler(Projection projection, SetAside setAside) {
        this.projection = projection;
        this.setAside = setAside;
    }

    private static Projection wire(Environment env) {
        Tables t = Tables.from(env);
        env.require("FAILURE_BUCKET");
        env.check("ProjectionFunction");
        AwsClients aws = new AwsClients(env);
        var dynamo = aws.dynamoDb();
        EventStore events = new DynamoEventLog(dynamo, t.eventsTable(), t.eventIdsTable(), new S3PayloadStore(aws.s3(), t.payloadBucket()));
        // The states this container wrote are not read back batch after batch: they are remembered, and saved
        // only if nobody else wrote them since (CachedStateStore).
        StateStore states = new CachedStateStore(new DynamoStateStore(dynamo, t.dataTable()), CACHED_STATES);
        List<Projector<?>> projectors = Ledger.processors().stream()
                .<Projector<?>>map(p -> projector(p, events, states)).toList();
        return new Projection(projectors, states, new DynamoReplayStore(dynamo, t.dataTable()), WORKERS);
    }

    private static <S> Projector<S> projector(Processor<S> p, EventStore events, StateStore states) {
        return new Projector<>(p, events, states, Ledger.catalog());
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent input, Context context) {
        List<Projection.Item> items = new ArrayList<>();
        for (KinesisEvent.KinesisEventRecord r : input.getRecords()) {
            try {
                items.add(item(r));
            } catch (RuntimeException e) {
                setAside.keep(r, NOT_A_PLAYBACK_STREAM_RECORD + e.getMessage(), context, "projection", "playback stream");
            }
        }
        Projection.Result result = projection.apply(items);
        if (context != null && !result.failures().isEmpty()) {
            context.getLogger().log("projection: " + result.failures().size() + " records to retry: " + result.reasons() + "\n");
        }
        return new StreamsEventResponse(result.failures().stream().map(StreamsEventResponse.BatchItemFailure::new).toList());
    }

    /**
     * A record of the pump's feed (a JSON array of appended events) or a replay record (a JSON object); throws if it
     * is neither, or if an event of the feed has no version.
     */
    static Projection.Item item(KinesisEvent.KinesisEventRecord r) {
        String seq = r.getKinesis().getSequenceNumber();
        String shard = shardId(r.getEventID());
        byte[] data = StreamRecords.bytes(r.getKinesis().getData());
        if (PlaybackRecords.isPlayback(data)) return Projection.Item.playback(shard, seq, PlaybackRecords.decode(data));
        return Projection.Item.appended(shard, seq, StreamRecords.decode(data));
    }

    static String shardId(String eventId) {
        return StreamRecords.shardId(eventId);
    }

}
