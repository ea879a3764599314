package dev.playback.test.replay;

import dev.playback.lambdas.aws.kinesis.PlaybackRecords;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults in the replay function's calls, injected into every SDK client of this JVM (registered as a global
 * interceptor in {@code software/amazon/awssdk/global/handlers/execution.interceptors}) and inert until a test
 * arms it: PutRecords of playback records answers every {@code kinesisEvery}-th record as failed although it was
 * put (the publisher puts it again: a duplicate on the stream), and the {@code checkpointLostAt}-th checkpoint
 * write of a replay segment lands but its answer is lost (the call fails).
 */
public final class ReplayFaults implements ExecutionInterceptor {
    static volatile int kinesisEvery;
    static volatile int checkpointLostAt;
    static final AtomicLong failedRecords = new AtomicLong();
    static final AtomicInteger checkpointWrites = new AtomicInteger();
    static final AtomicInteger lostCheckpoints = new AtomicInteger();
    private static final AtomicLong playbackRecords = new AtomicLong();

    static void reset() {
        kinesisEvery = 0;
        checkpointLostAt = 0;
        failedRecords.set(0);
        checkpointWrites.set(0);
        lostCheckpoints.set(0);
        playbackRecords.set(0);
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        if (kinesisEvery > 0 && context.request() instanceof PutRecordsRequest put && context.response() instanceof PutRecordsResponse r) {
            if (put.records().isEmpty() || !PlaybackRecords.isPlayback(put.records().get(0).data().asByteArrayUnsafe())) return r;
            List<PutRecordsResultEntry> entries = new ArrayList<>();
            int failed = r.failedRecordCount() == null ? 0 : r.failedRecordCount();
            for (PutRecordsResultEntry e : r.records()) {
                if (e.errorCode() == null && playbackRecords.incrementAndGet() % kinesisEvery == 0) {
                    entries.add(PutRecordsResultEntry.builder().errorCode("ProvisionedThroughputExceededException")
                            .errorMessage("injected by ReplayFaults").build());
                    failed++;
                    failedRecords.incrementAndGet();
                } else {
                    entries.add(e);
                }
            }
            return r.toBuilder().records(entries).failedRecordCount(failed).build();
        }
        if (checkpointLostAt > 0 && context.request() instanceof PutItemRequest put && put.item().containsKey("pk")
                && put.item().get("pk").s() != null && put.item().get("pk").s().matches("replay#.+#segment#\\d+")
                && put.item().containsKey("lastKey") && checkpointWrites.incrementAndGet() == checkpointLostAt) {
            lostCheckpoints.incrementAndGet();
            throw new IllegalStateException("injected by ReplayFaults: the answer to checkpoint write " + checkpointLostAt + " was lost");
        }
        return context.response();
    }
}
