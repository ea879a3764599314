package dev.playback.lambdas.pump;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.kinesis.StreamRecords;
import dev.playback.lambdas.aws.s3.S3PayloadStore;
import dev.playback.lambdas.config.AwsClients;
import dev.playback.lambdas.config.Environment;
import dev.playback.lambdas.config.Tables;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.store.Appender;
import dev.playback.model.store.AppendOutcome;
import dev.playback.model.store.EventLog;
import dev.playback.model.store.EventPublisher;
import dev.playback.lambdas.aws.kinesis.KinesisEventPublisher;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Event stream → events table. Appends every event exactly once ({@link Appender}). A record that
 * cannot be decoded is reported in {@code batchItemFailures} (the rest of the batch is still appended),
 * so the event source retries it and finally sets it aside in its failure destination.
 */
public final class PumpHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {
    private static final ExecutorService APPENDS = Executors.newFixedThreadPool(16, r -> {
        Thread t = new Thread(r, "pump-append");
        t.setDaemon(true);
        return t;
    });

    private final Appender appender;
    private final EventPublisher feed;
    private final Clock clock;

    public PumpHandler() {
        this(System.getenv());
    }

    public PumpHandler(Map<String, String> environment) {
        this(new Environment(environment));
    }

    private PumpHandler(Environment env) {
        this(wire(env), feed(env), Clock.systemUTC());
    }

    /**
     * @param feed where appended events go, versioned, for the processors (the playback stream): every
     *             processor applies exactly what the events table holds, without waiting for the pump
     */
    public PumpHandler(EventLog log, EventPublisher feed, Clock clock) {
        this.appender = new Appender(log, APPENDS);
        this.feed = feed;
        this.clock = clock;
    }

    private static EventLog wire(Environment env) {
        Tables t = Tables.from(env);
        env.require("PLAYBACK_STREAM");
        env.check("PumpFunction");
        AwsClients aws = new AwsClients(env);
        return new DynamoEventLog(aws.dynamoDb(), t.eventsTable(), t.eventIdsTable(), new S3PayloadStore(aws.s3(), t.payloadBucket()));
    }

    private static EventPublisher feed(Environment env) {
        return new KinesisEventPublisher(new AwsClients(env).kinesis(), env.require("PLAYBACK_STREAM"));
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent input, Context context) {
        List<EventEnvelope> events = new ArrayList<>();
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        for (KinesisEvent.KinesisEventRecord r : input.getRecords()) {
            try {
                events.addAll(StreamRecords.decode(StreamRecords.bytes(r.getKinesis().getData())));
            } catch (RuntimeException e) {
                if (context != null) {
                    context.getLogger().log("pump: record " + r.getKinesis().getSequenceNumber() + " is not an event batch: " + e.getMessage() + "\n");
                }
                failures.add(new StreamsEventResponse.BatchItemFailure(r.getKinesis().getSequenceNumber()));
            }
        }
        if (!events.isEmpty()) {
            long t0 = System.nanoTime();
            List<AppendOutcome> outcomes = appender.append(events, clock.instant());
            long t1 = System.nanoTime();
            feed.publish(appended(events, outcomes));
            long t2 = System.nanoTime();
            if (context != null) {
                long appended = outcomes.stream().filter(o -> o instanceof AppendOutcome.Appended).count();
                long rejected = outcomes.stream().filter(o -> o instanceof AppendOutcome.Rejected).count();
                context.getLogger().log("pump: " + appended + " appended, " + rejected + " rejected, "
                        + (outcomes.size() - appended - rejected) + " duplicates from " + input.getRecords().size()
                        + " records; append " + (t1 - t0) / 1_000_000 + " ms, feed " + (t2 - t1) / 1_000_000 + " ms\n");
            }
        }
        return new StreamsEventResponse(failures);
    }

    /**
     * The events of this batch as they stand in the events table: appended now, or appended by an earlier
     * attempt of this delivery (published again, since that attempt may have died before publishing).
     */
    static List<EventEnvelope> appended(List<EventEnvelope> events, List<AppendOutcome> outcomes) {
        Map<String, Long> versions = new HashMap<>();
        for (AppendOutcome o : outcomes) {
            if (o instanceof AppendOutcome.Appended a) versions.put(a.eventId(), a.version());
            else if (o instanceof AppendOutcome.Duplicate d && d.version() != null) versions.put(d.eventId(), d.version());
        }
        List<EventEnvelope> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (EventEnvelope e : events) {
            Long v = versions.get(e.eventId());
            if (v != null && seen.add(e.eventId())) out.add(e.withVersion(v));
        }
        out.sort(Comparator.comparing(EventEnvelope::aggregateId).thenComparing(EventEnvelope::versionOrZero));
        return out;
    }

}
