package dev.playback.tools.archive;

import com.fasterxml.jackson.databind.JsonNode;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.ExportFormat;
import software.amazon.awssdk.services.dynamodb.model.ExportStatus;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * A whole table read through DynamoDB's export to S3 ({@code ExportTableToPointInTime}): no read capacity is taken from
 * the table, the items are the table at one point in time. It needs point-in-time recovery on the table (refused,
 * naming the table and how to turn it on, when it is off). The export is asked for in DynamoDB JSON under
 * {@code s3://BUCKET/PREFIX}, waited for ({@code DescribeExport}, with a deadline and a progress line now and then),
 * then read: {@code manifest-summary.json}, {@code manifest-files.json} and each gzip'd data file of one
 * {@code {"Item": {...}}} per line, each file's item count and the total checked against the manifests.
 * <p>
 * A client token makes the request idempotent: DynamoDB answers the same token with the same export for 8 hours, so an
 * interrupted run asks again and finds its export instead of starting another.
 */
public final class TableExport {
    private static final Duration FIRST_POLL = Duration.ofMillis(100);
    private static final Duration LONGEST_POLL = Duration.ofSeconds(10);
    private static final long PROGRESS_NANOS = 15_000_000_000L;

    private final DynamoDbClient dynamo;
    private final S3Client s3;
    private final PrintStream out;

    /** What an export wrote: where, and how many items. */
    public record Written(String exportArn, String bucket, String directory, long items, long billedBytes) {
    }

    public TableExport(DynamoDbClient dynamo, S3Client s3, PrintStream out) {
        this.dynamo = dynamo;
        this.s3 = s3;
        this.out = out;
    }

    /**
     * Exports {@code table} to {@code s3://bucket/prefix} and waits for it, at most {@code deadline}.
     *
     * @throws ArchiveRefused when the table's point-in-time recovery is off, or the export failed or did not end in time
     */
    public Written export(String table, String bucket, String prefix, String clientToken, Duration deadline) {
        PointInTimeRecoveryStatus pitr = dynamo.describeContinuousBackups(b -> b.tableName(table)).continuousBackupsDescription()
                .pointInTimeRecoveryDescription().pointInTimeRecoveryStatus();
        if (pitr != PointInTimeRecoveryStatus.ENABLED) {
            throw new ArchiveRefused("table " + table + " has point-in-time recovery " + pitr + ": DynamoDB's export to S3 needs it. Turn "
                    + "it on (aws dynamodb update-continuous-backups --table-name " + table + " --point-in-time-recovery-specification "
                    + "PointInTimeRecoveryEnabled=true; template.yaml's EventsTable has it on), or export with --whole-table index");
        }
        String tableArn = dynamo.describeTable(b -> b.tableName(table)).table().tableArn();
        ExportDescription d = start(tableArn, bucket, prefix, clientToken);
        if (d.exportStatus() == ExportStatus.COMPLETED && !exists(bucket, d.exportManifest())) {
            // the same request within 8 hours of an export that was read into an archive and deleted: a new export
            out.printf(Locale.ROOT, "export to S3: %s was read and deleted already; asking for a new one%n", d.exportArn());
            d = start(tableArn, bucket, prefix, clientToken + "-" + System.currentTimeMillis());
        }
        out.printf(Locale.ROOT, "export to S3: %s of table %s to s3://%s/%s (%s)%n", d.exportArn(), table, bucket, prefix, d.exportStatus());
        long t0 = System.nanoTime();
        long lastPrint = t0;
        Duration wait = FIRST_POLL;
        while (d.exportStatus() == ExportStatus.IN_PROGRESS) {
            long now = System.nanoTime();
            if (now - t0 > deadline.toNanos()) {
                throw new ArchiveRefused("the export " + d.exportArn() + " of table " + table + " is still IN_PROGRESS after " + deadline.toMinutes()
                        + " min: run the command again later (the same request finds the same export for 8 hours)");
            }
            if (now - lastPrint > PROGRESS_NANOS) {
                lastPrint = now;
                out.printf(Locale.ROOT, "export to S3: IN_PROGRESS for %d s%n", (now - t0) / 1_000_000_000L);
            }
            pause(wait);
            wait = wait.multipliedBy(2).compareTo(LONGEST_POLL) > 0 ? LONGEST_POLL : wait.multipliedBy(2);
            String arn = d.exportArn();
            d = dynamo.describeExport(b -> b.exportArn(arn)).exportDescription();
        }
        if (d.exportStatus() != ExportStatus.COMPLETED) {
            throw new ArchiveRefused("the export " + d.exportArn() + " of table " + table + " ended " + d.exportStatus() + ": " + d.failureCode()
                    + " " + d.failureMessage() + " (DynamoDB answers the same request with it for 8 hours: export to another --out to try again)");
        }
        String manifest = d.exportManifest();
        String directory = manifest.substring(0, manifest.lastIndexOf('/') + 1);
        out.printf(Locale.ROOT, "export to S3: COMPLETED in %.1f s, %,d items%n", (System.nanoTime() - t0) / 1e9, d.itemCount());
        return new Written(d.exportArn(), bucket, directory, d.itemCount() == null ? -1 : d.itemCount(),
                d.billedSizeBytes() == null ? -1 : d.billedSizeBytes());
    }

    private ExportDescription start(String tableArn, String bucket, String prefix, String clientToken) {
        return dynamo.exportTableToPointInTime(b -> b.tableArn(tableArn).s3Bucket(bucket).s3Prefix(prefix)
                .exportFormat(ExportFormat.DYNAMODB_JSON).clientToken(clientToken)).exportDescription();
    }

    private boolean exists(String bucket, String key) {
        try {
            s3.headObject(h -> h.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) return false;
            throw e;
        }
    }

    /**
     * Reads every item of the export {@code written} to {@code consumer}, data file after data file: each file's item
     * count must be the one {@code manifest-files.json} gives, and their sum the one {@code manifest-summary.json} gives.
     *
     * @return the number of items read
     */
    public long read(Written written, Consumer<Map<String, AttributeValue>> consumer) {
        JsonNode summary = json(written.bucket(), written.directory() + "manifest-summary.json");
        if (!"DYNAMODB_JSON".equals(summary.path("outputFormat").asText())) {
            throw new ArchiveRefused("the export " + written.exportArn() + " is in " + summary.path("outputFormat").asText() + ", not DYNAMODB_JSON");
        }
        String filesKey = summary.path("manifestFilesS3Key").asText();
        long total = 0;
        for (String line : text(written.bucket(), filesKey).split("\n")) {
            if (line.isBlank()) continue;
            JsonNode file = parse(line, "s3://" + written.bucket() + "/" + filesKey);
            String key = file.path("dataFileS3Key").asText();
            long items = readDataFile(written.bucket(), key, consumer);
            if (items != file.path("itemCount").asLong()) {
                throw new ArchiveRefused("s3://" + written.bucket() + "/" + key + " holds " + items + " items, its manifest says " + file.path("itemCount"));
            }
            total += items;
        }
        if (total != summary.path("itemCount").asLong()) {
            throw new ArchiveRefused("the export " + written.exportArn() + " holds " + total + " items in its data files, its summary says "
                    + summary.path("itemCount"));
        }
        return total;
    }

    /** Deletes what the export {@code written} wrote (the table's items, encrypted personal fields included). */
    public void delete(Written written) {
        List<ObjectIdentifier> keys = new ArrayList<>();
        s3.listObjectsV2Paginator(l -> l.bucket(written.bucket()).prefix(written.directory())).contents()
                .forEach(o -> keys.add(ObjectIdentifier.builder().key(o.key()).build()));
        for (int i = 0; i < keys.size(); i += 1000) {
            List<ObjectIdentifier> batch = keys.subList(i, Math.min(keys.size(), i + 1000));
            s3.deleteObjects(b -> b.bucket(written.bucket()).delete(x -> x.objects(batch).quiet(true)));
        }
    }

    private long readDataFile(String bucket, String key, Consumer<Map<String, AttributeValue>> consumer) {
        long items = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(s3.getObject(g -> g.bucket(bucket).key(key))),
                StandardCharsets.UTF_8), 1 << 16)) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isEmpty()) continue;
                JsonNode item = parse(line, "s3://" + bucket + "/" + key).get("Item");
                if (item == null || !item.isObject()) throw new ArchiveRefused("s3://" + bucket + "/" + key + ", item " + (items + 1) + ": no Item");
                consumer.accept(item(item));
                items++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read s3://" + bucket + "/" + key, e);
        }
        return items;
    }

    /** An item in DynamoDB JSON ({@code {"name": {"S": "..."}, ...}}). */
    static Map<String, AttributeValue> item(JsonNode n) {
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> out.put(e.getKey(), value(e.getValue())));
        return out;
    }

    private static AttributeValue value(JsonNode v) {
        var e = v.fields().next();
        JsonNode x = e.getValue();
        return switch (e.getKey()) {
            case "S" -> AttributeValue.fromS(x.asText());
            case "N" -> AttributeValue.fromN(x.asText());
            case "B" -> AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(x.asText())));
            case "BOOL" -> AttributeValue.fromBool(x.asBoolean());
            case "NULL" -> AttributeValue.fromNul(true);
            case "SS" -> AttributeValue.fromSs(strings(x));
            case "NS" -> AttributeValue.fromNs(strings(x));
            case "BS" -> AttributeValue.fromBs(strings(x).stream().map(s -> SdkBytes.fromByteArray(Base64.getDecoder().decode(s))).toList());
            case "M" -> AttributeValue.fromM(item(x));
            case "L" -> {
                List<AttributeValue> l = new ArrayList<>();
                x.forEach(y -> l.add(value(y)));
                yield AttributeValue.fromL(l);
            }
            default -> throw new IllegalArgumentException("unknown DynamoDB JSON type " + e.getKey());
        };
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(s -> out.add(s.asText()));
        return out;
    }

    private JsonNode json(String bucket, String key) {
        return parse(text(bucket, key), "s3://" + bucket + "/" + key);
    }

    private String text(String bucket, String key) {
        return s3.getObjectAsBytes(g -> g.bucket(bucket).key(key)).asString(StandardCharsets.UTF_8);
    }

    private static JsonNode parse(String text, String where) {
        try {
            return ArchiveFormat.JSON.readTree(text);
        } catch (IOException e) {
            throw new ArchiveRefused(where + " is not JSON: " + e.getMessage());
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the export to S3; run the command again to resume", e);
        }
    }
}
