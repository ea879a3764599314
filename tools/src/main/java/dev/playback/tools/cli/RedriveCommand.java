package dev.playback.tools.cli;

import dev.playback.lambdas.aws.s3.S3SetAside;
import dev.playback.lambdas.aws.kinesis.SetAside;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code playback redrive [--aws [--stack NAME]] [--failure-bucket B] [--event-stream S] [--playback-stream P]
 * [--local-file FILE]}: puts the records set aside because they could not be decoded (by the pump: kept in the
 * failure bucket under {@code set-aside/event-stream/<shardId>/<sequenceNumber>.json}; by the processors: under
 * {@code set-aside/playback-stream/...}) back on the stream they came from, in stream order per shard, with their
 * partition key, and removes each from the bucket only once it was re-published. Run it after the fix that makes
 * them readable; a record that still cannot be decoded is set aside again. Locally the names come from the running
 * stack; with {@code --aws} from the options, else {@code PLAYBACK_FAILURE_BUCKET}, {@code PLAYBACK_EVENT_STREAM} and
 * {@code PLAYBACK_PLAYBACK_STREAM}, else the outputs of the deployed stack {@code --stack NAME}.
 */
@Command(name = "redrive", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Puts the records the pump and the processors set aside (undecodable) back on the stream they came from, "
                + "in stream order per shard, and deletes each from the failure bucket only once it is re-published. Run it after "
                + "the fix that makes them readable.",
                "Locally the names come from the running 'playback local'; with --aws from the options, else "
                        + "$PLAYBACK_FAILURE_BUCKET, $PLAYBACK_EVENT_STREAM and $PLAYBACK_PLAYBACK_STREAM, else the outputs of --stack NAME."})
public final class RedriveCommand implements Callable<Integer> {
    @Option(names = "--aws", description = "redrive on AWS (the SDK's default credentials and region)")
    boolean aws;
    @Option(names = "--stack", paramLabel = "NAME", description = "with --aws: the deployed stack whose outputs name the bucket and streams")
    String stackName;
    @Option(names = "--failure-bucket", paramLabel = "NAME", description = "the bucket of the set-aside records")
    String bucket;
    @Option(names = "--event-stream", paramLabel = "NAME", description = "the event stream")
    String stream;
    @Option(names = "--playback-stream", paramLabel = "NAME", description = "the playback stream")
    String playbackStream;
    @Option(names = "--local-file", paramLabel = "FILE", description = "the running local stack's endpoints file (default: .playback/local.json)")
    Path file;
    @Spec
    CommandSpec spec;

    private final PrintStream out;

    public RedriveCommand(Streams streams) {
        this.out = streams.out();
    }

    /** Re-publishes set-aside records; one record at a time, so a failure leaves the rest where they are. */
    public record Redrive(SetAside setAside, KinesisClient kinesis, String stream) {
        /** Redrives {@code keys}; returns the new sequence numbers, in order. */
        public List<String> run(List<String> keys) {
            List<String> sequences = new ArrayList<>();
            for (String key : keys) {
                SetAside.Entry e = setAside.get(key);
                String partitionKey = e.partitionKey() == null || e.partitionKey().isEmpty() ? "redrive" : e.partitionKey();
                String sequence = kinesis.putRecord(p -> p.streamName(stream).partitionKey(partitionKey)
                        .data(SdkBytes.fromByteArray(e.data()))).sequenceNumber();
                setAside.remove(key);
                sequences.add(sequence);
            }
            return sequences;
        }

        public List<String> runAll() {
            return run(setAside.keys());
        }
    }

    /** Exit code: 0 done, 2 usage error. */
    @Override
    public Integer call() {
        S3Client s3;
        KinesisClient kinesis;
        if (stackName != null && !aws) throw Usage.error(spec, "option --stack needs --aws");
        if (aws && file != null) throw Usage.error(spec, "option --local-file cannot be combined with --aws");
        String bucket = this.bucket;
        String stream = this.stream;
        String playbackStream = this.playbackStream;
        if (aws) {
            String named = stackName;
            StackOutputs stack = named == null ? null : AwsTarget.withDefaults(() -> AwsTarget.describe(named));
            bucket = AwsTarget.pick(bucket, System.getenv("PLAYBACK_FAILURE_BUCKET"), stack, StackOutputs.FAILURE_BUCKET);
            stream = AwsTarget.pick(stream, System.getenv("PLAYBACK_EVENT_STREAM"), stack, StackOutputs.EVENT_STREAM);
            playbackStream = AwsTarget.pick(playbackStream, System.getenv("PLAYBACK_PLAYBACK_STREAM"), stack, StackOutputs.PLAYBACK_STREAM);
            if (bucket == null) throw Usage.error(spec, "--aws: give --stack NAME, --failure-bucket NAME or set PLAYBACK_FAILURE_BUCKET");
            if (stream == null) throw Usage.error(spec, "--aws: give --stack NAME, --event-stream NAME or set PLAYBACK_EVENT_STREAM");
            if (playbackStream == null) {
                throw Usage.error(spec, "--aws: give --stack NAME, --playback-stream NAME or set PLAYBACK_PLAYBACK_STREAM");
            }
            s3 = AwsTarget.withDefaults(() -> S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build());
            kinesis = AwsTarget.withDefaults(() -> KinesisClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build());
        } else {
            Path where = file != null ? file : LocalEndpoints.defaultFile();
            LocalEndpoints e = LocalEndpoints.read(where);
            if (!e.writerAlive()) throw new UsageException("the local stack recorded in " + where + " is not running: start it with 'playback local'");
            s3 = e.client(S3Client.builder().forcePathStyle(true), e.s3());
            kinesis = e.client(KinesisClient.builder(), e.kinesis());
            bucket = bucket != null ? bucket : e.name("FailureBucket");
            stream = stream != null ? stream : e.name("EventStream");
            playbackStream = playbackStream != null ? playbackStream : e.name("PlaybackStream");
        }
        try (s3; kinesis) {
            redrive(new Redrive(new S3SetAside(s3, bucket, S3SetAside.Stream.EVENT), kinesis, stream), bucket, S3SetAside.Stream.EVENT, out);
            redrive(new Redrive(new S3SetAside(s3, bucket, S3SetAside.Stream.PLAYBACK), kinesis, playbackStream), bucket,
                    S3SetAside.Stream.PLAYBACK, out);
        }
        return 0;
    }

    private static void redrive(Redrive redrive, String bucket, S3SetAside.Stream from, PrintStream out) {
        List<String> keys = redrive.setAside().keys();
        List<String> sequences = redrive.run(keys);
        for (int i = 0; i < keys.size(); i++) out.println("redriven " + keys.get(i) + " -> " + redrive.stream() + " " + sequences.get(i));
        out.println(keys.size() + " set-aside record(s) put back on " + redrive.stream() + " from s3://" + bucket + "/" + from.prefix());
    }
}
