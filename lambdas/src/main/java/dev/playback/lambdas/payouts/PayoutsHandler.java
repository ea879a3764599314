package dev.playback.lambdas.payouts;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.playback.lambdas.aws.kinesis.StreamRecords;
import dev.playback.lambdas.config.Environment;
import dev.playback.lambdas.projection.Projection;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.ledger.Ledger;
import dev.playback.model.processor.Projector;
import software.amazon.awssdk.core.sync.RequestBody;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Event stream and playback stream → the {@code payouts} processor. Event-stream records (event arrays)
 * are processed live: the state per account is kept in the data store like a projection's, FX answers are
 * recorded before use and payouts are sent and logged. Playback records ({@link PlaybackBatch}) are
 * processed in their replay's gateway mode by {@link PayoutReplay}; each batch's gateway report is written
 * to {@code REPORT_BUCKET} under {@code replays/<replayId>/gateway/payouts/<sequenceNumber>.json}.
 * Failed records are reported in {@code batchItemFailures} and retried by the event source.
 */
public final class PayoutsHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {
    private static final ExecutorService WORKERS = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "payouts");
        t.setDaemon(true);
        return t;
    });

    private final PayoutsWiring wiring;
    private final PayoutReplay replay;

    public PayoutsHandler() {
        this(System.getenv());
    }

    public PayoutsHandler(Map<String, String> environment) {
        this(PayoutsWiring.from(new Environment(environment), "PayoutsFunction"));
    }

    public PayoutsHandler(PayoutsWiring wiring) {
        this.wiring = wiring;
        this.replay = new PayoutReplay(wiring);
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent input, Context context) {
        List<Projection.Item> live = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (KinesisEvent.KinesisEventRecord r : input.getRecords()) {
            String seq = r.getKinesis().getSequenceNumber();
            byte[] data = StreamRecords.bytes(r.getKinesis().getData());
            Optional<PlaybackBatch> batch;
            try {
                batch = PlaybackBatch.decode(data);
            } catch (RuntimeException e) {
                live.add(new Projection.Item(seq, List.<EventEnvelope>of(), "record is not an event batch: " + e.getMessage()));
                continue;
            }
            if (batch.isPresent()) {
                if (!PlaybackBatch.isFor(data, wiring.processor().name())) continue;
                try {
                    PayoutReplay.Result result = replay.apply(batch.get());
                    report(batch.get().replayId(), seq, result);
                } catch (RuntimeException e) {
                    log(context, "payouts: playback record " + seq + " of replay " + batch.get().replayId() + " failed: " + e);
                    failures.add(seq);
                }
                continue;
            }
            try {
                live.add(new Projection.Item(seq, StreamRecords.decode(data), null));
            } catch (RuntimeException e) {
                live.add(new Projection.Item(seq, List.<EventEnvelope>of(), "record is not an event batch: " + e.getMessage()));
            }
        }
        if (!live.isEmpty()) {
            GatewayReport report = new GatewayReport();
            Projector<?> projector = new Projector<>(new GatewayBinding<>(wiring.processor(), wiring.gateway(), GatewayRun.live(), report),
                    wiring.events(), wiring.states(), Ledger.catalog());
            Projection.Result result = new Projection(List.of(projector), wiring.events(), wiring.states(), wiring.replays(), WORKERS,
                    Projection.DEFAULT_PATIENCE).apply(live);
            failures.addAll(result.failures());
            if (!result.failures().isEmpty()) log(context, "payouts: " + result.failures().size() + " records to retry: " + result.reasons());
        }
        return new StreamsEventResponse(failures.stream().distinct().map(StreamsEventResponse.BatchItemFailure::new).toList());
    }

    private boolean fromPlaybackStream(String sourceArn) {
        String stream = wiring.playbackStream();
        return stream != null && sourceArn != null && sourceArn.endsWith("/" + stream);
    }

    private void report(String replayId, String sequenceNumber, PayoutReplay.Result result) {
        if (wiring.reportBucket() == null || wiring.s3() == null) return;
        String key = "replays/" + replayId + "/gateway/payouts/" + sequenceNumber + ".json";
        wiring.s3().putObject(p -> p.bucket(wiring.reportBucket()).key(key).contentType("application/json"),
                RequestBody.fromString(result.toJson().toString()));
    }

    private static void log(Context context, String message) {
        if (context != null) context.getLogger().log(message + "\n");
        else System.err.println(message);
    }

}
