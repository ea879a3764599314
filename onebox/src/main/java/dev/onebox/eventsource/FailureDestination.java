package dev.onebox.eventsource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Where a mapping sends the record of a batch it discards (OnFailure). */
public sealed interface FailureDestination {

    /** Sends one invocation record; {@code record} is the JSON document AWS would send. Failing throws. */
    void send(FailureRecord record);

    /**
     * An S3 bucket: one object per discarded batch under
     * {@code aws/lambda/<mapping UUID>/<shardId>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<random UUID>}, as Lambda writes it.
     */
    record S3(S3Client s3, String bucket) implements FailureDestination {
        private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
        private static final DateTimeFormatter TIME =
                DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH.mm.ss").withZone(ZoneOffset.UTC);

        @Override
        public void send(FailureRecord record) {
            String key = key(record);
            ObjectNode json = record.json();
            byte[] body;
            try {
                body = KinesisEvents.JSON.writeValueAsBytes(json);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Cannot write the on-failure record for " + key, e);
            }
            s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromBytes(body));
        }

        static String key(FailureRecord record) {
            return "aws/lambda/" + record.mappingUuid() + "/" + record.shardId() + "/" + DAY.format(record.timestamp())
                    + "/" + TIME.format(record.timestamp()) + "-" + UUID.randomUUID();
        }
    }

    /** No destination configured: like Lambda, the batch is dropped; a line on stderr says which records. */
    record None() implements FailureDestination {
        @Override
        public void send(FailureRecord record) {
            System.err.println("[event source mapping " + record.mappingUuid() + "] discarded " + record.batchSize()
                    + " record(s) of " + record.shardId() + " (" + record.startSequenceNumber() + ".."
                    + record.endSequenceNumber() + "): " + record.condition() + " - " + record.errorMessage());
        }
    }

    /** A destination supplied by the caller (a test's collector, another transport). */
    non-sealed interface Custom extends FailureDestination {
    }
}
