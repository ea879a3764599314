package dev.onebox.eventsource;

import dev.onebox.lambda.LocalFunctions;
import dev.onebox.template.Template;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/** Every Kinesis event source mapping of a template, started, awaited and closed together. */
public final class EventSourceMappings implements AutoCloseable {
    private final List<KinesisEventSourceMapping> mappings;

    public EventSourceMappings(List<KinesisEventSourceMapping> mappings) {
        this.mappings = List.copyOf(mappings);
    }

    /**
     * One mapping per Kinesis event of every function of {@code template}. Creates the checkpoint table if needed.
     * The {@code kinesis} client must talk to kinesalite with {@code aws.cborEnabled=false}.
     */
    public static EventSourceMappings fromTemplate(Template template, LocalFunctions functions, KinesisClient kinesis,
                                                   DynamoDbClient dynamoDb, S3Client s3, PollerSettings settings) {
        ShardCheckpoints checkpoints = new ShardCheckpoints(dynamoDb);
        checkpoints.ensureTable(Duration.ofSeconds(30));
        List<KinesisEventSourceMapping> mappings = new ArrayList<>();
        for (Template.KinesisMapping m : template.kinesisMappings()) {
            mappings.add(new KinesisEventSourceMapping(m.function().logicalId(),
                    functions.get(m.function().functionName()), m.event(), kinesis, checkpoints,
                    KinesisEventSourceMapping.destinationFor(m.event(), s3), settings, Clock.systemUTC()));
        }
        return new EventSourceMappings(mappings);
    }

    public List<KinesisEventSourceMapping> mappings() {
        return mappings;
    }

    /** Starts every mapping; if one cannot start, the ones already started are closed and the error is thrown. */
    public void start() {
        List<KinesisEventSourceMapping> started = new ArrayList<>();
        try {
            for (KinesisEventSourceMapping mapping : mappings) {
                mapping.start();
                started.add(mapping);
            }
        } catch (RuntimeException e) {
            started.forEach(KinesisEventSourceMapping::close);
            throw e;
        }
    }

    /**
     * Waits until all mappings are idle at once: every record written before the call is processed. Because one
     * mapping's function may write to a stream another mapping reads, it loops until a full round finds all idle.
     */
    public boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long roundStart = System.nanoTime();
            long before = totalInvocations();
            for (KinesisEventSourceMapping mapping : mappings) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !mapping.awaitIdle(Duration.ofNanos(left))) {
                    return false;
                }
            }
            boolean allStillIdle = mappings.stream().allMatch(m -> m.isIdleSince(roundStart));
            if (allStillIdle && totalInvocations() == before) {
                return true;
            }
        }
    }

    /** The counters of all mappings added up. */
    public MappingStats.Stats stats() {
        MappingStats.Stats total = MappingStats.Stats.zero();
        for (KinesisEventSourceMapping mapping : mappings) {
            total = total.plus(mapping.stats());
        }
        return total;
    }

    private long totalInvocations() {
        return mappings.stream().mapToLong(m -> m.stats().invocations()).sum();
    }

    @Override
    public void close() {
        mappings.forEach(KinesisEventSourceMapping::close);
    }
}
