package dev.onebox.eventsource.fakes;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.CreateStreamRequest;
import software.amazon.awssdk.services.kinesis.model.CreateStreamResponse;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorResponse;
import software.amazon.awssdk.services.kinesis.model.IncreaseStreamRetentionPeriodRequest;
import software.amazon.awssdk.services.kinesis.model.IncreaseStreamRetentionPeriodResponse;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** An in-memory Kinesis with the calls the runtime uses, by stream name only (like kinesalite needs). */
public final class FakeKinesis implements KinesisClient {
    private final Map<String, List<FakeShard>> streams = new LinkedHashMap<>();
    private final Clock clock;
    private final AtomicInteger getRecordsCalls = new AtomicInteger();
    private final AtomicInteger failGetRecords = new AtomicInteger();
    private BigInteger nextSequence = new BigInteger("49000000000000000000000000000000000000000000000000000000");

    private static final class FakeShard {
        final String id;
        final String parent;
        final List<Record> records = new ArrayList<>();
        boolean closed;

        FakeShard(String id, String parent) {
            this.id = id;
            this.parent = parent;
        }
    }

    public FakeKinesis() {
        this(Clock.systemUTC());
    }

    public FakeKinesis(Clock clock) {
        this.clock = clock;
    }

    public synchronized FakeKinesis withStream(String name, int shards) {
        List<FakeShard> list = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            list.add(new FakeShard(shardId(i), null));
        }
        streams.put(name, list);
        return this;
    }

    public static String shardId(int index) {
        return String.format("shardId-%012d", index);
    }

    /** Appends a record to a given shard; returns its sequence number. */
    public synchronized String put(String stream, int shard, String partitionKey, String data) {
        return put(stream, shard, partitionKey, data, clock.instant());
    }

    public synchronized String put(String stream, int shard, String partitionKey, String data, Instant arrival) {
        FakeShard target = stream(stream).get(shard);
        if (target.closed) {
            throw new IllegalStateException(target.id + " is closed");
        }
        nextSequence = nextSequence.add(BigInteger.valueOf(1000));
        String sequence = nextSequence.toString();
        target.records.add(Record.builder().sequenceNumber(sequence).partitionKey(partitionKey)
                .data(SdkBytes.fromString(data, StandardCharsets.UTF_8)).approximateArrivalTimestamp(arrival).build());
        return sequence;
    }

    /** Closes a shard and opens a child of it (a one-to-one reshard); returns the child's index. */
    public synchronized int splitInto(String stream, int shard) {
        List<FakeShard> shards = stream(stream);
        FakeShard parent = shards.get(shard);
        parent.closed = true;
        shards.add(new FakeShard(shardId(shards.size()), parent.id));
        return shards.size() - 1;
    }

    /** The next {@code count} GetRecords calls fail with a service error. */
    public void failNextGetRecords(int count) {
        failGetRecords.set(count);
    }

    public int getRecordsCalls() {
        return getRecordsCalls.get();
    }

    private List<FakeShard> stream(String name) {
        List<FakeShard> shards = streams.get(name);
        if (shards == null) {
            throw ResourceNotFoundException.builder().message("Stream " + name + " not found").build();
        }
        return shards;
    }

    private FakeShard shard(String stream, String shardId) {
        return stream(stream).stream().filter(s -> s.id.equals(shardId)).findFirst()
                .orElseThrow(() -> ResourceNotFoundException.builder().message("No shard " + shardId).build());
    }

    @Override
    public synchronized ListShardsResponse listShards(ListShardsRequest request) {
        if (request.streamName() == null) {
            throw new IllegalArgumentException("ListShards without StreamName (kinesalite cannot list by ARN)");
        }
        List<Shard> shards = new ArrayList<>();
        for (FakeShard s : stream(request.streamName())) {
            shards.add(Shard.builder().shardId(s.id).parentShardId(s.parent).build());
        }
        return ListShardsResponse.builder().shards(shards).build();
    }

    @Override
    public synchronized GetShardIteratorResponse getShardIterator(GetShardIteratorRequest request) {
        if (request.streamName() == null) {
            throw new IllegalArgumentException("GetShardIterator without StreamName");
        }
        FakeShard shard = shard(request.streamName(), request.shardId());
        int position = switch (request.shardIteratorType()) {
            case TRIM_HORIZON -> 0;
            case LATEST -> shard.records.size();
            case AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER -> {
                BigInteger target = new BigInteger(request.startingSequenceNumber());
                int i = 0;
                while (i < shard.records.size() && new BigInteger(shard.records.get(i).sequenceNumber()).compareTo(target) < 0) {
                    i++;
                }
                boolean at = i < shard.records.size()
                        && new BigInteger(shard.records.get(i).sequenceNumber()).equals(target);
                yield request.shardIteratorType().name().startsWith("AFTER") && at ? i + 1 : i;
            }
            case AT_TIMESTAMP -> {
                int i = 0;
                while (i < shard.records.size()
                        && shard.records.get(i).approximateArrivalTimestamp().isBefore(request.timestamp())) {
                    i++;
                }
                yield i;
            }
            default -> throw new IllegalArgumentException("Unknown iterator type " + request.shardIteratorType());
        };
        return GetShardIteratorResponse.builder()
                .shardIterator(request.streamName() + "|" + shard.id + "|" + position).build();
    }

    @Override
    public GetRecordsResponse getRecords(GetRecordsRequest request) {
        getRecordsCalls.incrementAndGet();
        if (failGetRecords.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw KinesisException.builder().message("injected GetRecords failure").statusCode(500).build();
        }
        synchronized (this) {
            String[] parts = request.shardIterator().split("\\|");
            FakeShard shard = shard(parts[0], parts[1]);
            int position = Integer.parseInt(parts[2]);
            int limit = request.limit() == null ? 10_000 : request.limit();
            int end = Math.min(shard.records.size(), position + limit);
            List<Record> records = new ArrayList<>(shard.records.subList(position, end));
            boolean atEnd = end == shard.records.size();
            String next = atEnd && shard.closed ? null : parts[0] + "|" + parts[1] + "|" + end;
            return GetRecordsResponse.builder().records(records).nextShardIterator(next)
                    .millisBehindLatest(atEnd ? 0L : 1000L).build();
        }
    }

    @Override
    public synchronized DescribeStreamSummaryResponse describeStreamSummary(DescribeStreamSummaryRequest request) {
        List<FakeShard> shards = stream(request.streamName());
        return DescribeStreamSummaryResponse.builder().streamDescriptionSummary(s -> s.streamName(request.streamName())
                .streamStatus(StreamStatus.ACTIVE).openShardCount(shards.size())).build();
    }

    @Override
    public synchronized CreateStreamResponse createStream(CreateStreamRequest request) {
        if (streams.containsKey(request.streamName())) {
            throw ResourceInUseException.builder().message("exists").build();
        }
        withStream(request.streamName(), request.shardCount());
        return CreateStreamResponse.builder().build();
    }

    public final Map<String, Integer> retention = new LinkedHashMap<>();

    @Override
    public synchronized IncreaseStreamRetentionPeriodResponse increaseStreamRetentionPeriod(
            IncreaseStreamRetentionPeriodRequest request) {
        retention.put(request.streamName(), request.retentionPeriodHours());
        return IncreaseStreamRetentionPeriodResponse.builder().build();
    }

    public synchronized List<String> streamNames() {
        return new ArrayList<>(streams.keySet());
    }

    public synchronized int shardCount(String stream) {
        return stream(stream).size();
    }

    @Override
    public String serviceName() {
        return "kinesis";
    }

    @Override
    public void close() {
    }
}
