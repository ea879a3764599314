package dev.onebox.eventsource;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/**
 * What a mapping reports about a discarded batch, the fields of AWS's on-failure invocation record.
 * {@code condition} is {@code RetryAttemptsExhausted} or {@code RecordAgeExceeded}; {@code errorType} and
 * {@code errorMessage} describe the last failure (they are added to {@code responseContext}, which AWS keeps shorter).
 */
public record FailureRecord(String mappingUuid, String requestId, String functionArn, String condition,
                            int approximateInvokeCount, String functionError, String errorType, String errorMessage,
                            Instant timestamp, String shardId, String streamArn, List<StreamRecord> records,
                            ObjectNode payload) {
    public FailureRecord {
        records = List.copyOf(records);
    }

    public int batchSize() {
        return records.size();
    }

    public String startSequenceNumber() {
        return records.get(0).sequenceNumber();
    }

    public String endSequenceNumber() {
        return records.get(records.size() - 1).sequenceNumber();
    }

    /** The JSON document Lambda writes to an S3 on-failure destination. */
    public ObjectNode json() {
        ObjectNode json = KinesisEvents.JSON.createObjectNode();
        ObjectNode request = json.putObject("requestContext");
        request.put("requestId", requestId);
        request.put("functionArn", functionArn);
        request.put("condition", condition);
        request.put("approximateInvokeCount", approximateInvokeCount);
        ObjectNode response = json.putObject("responseContext");
        response.put("statusCode", 200);
        response.put("executedVersion", "$LATEST");
        if (functionError != null) {
            response.put("functionError", functionError);
        }
        if (errorType != null) {
            response.put("errorType", errorType);
        }
        if (errorMessage != null) {
            response.put("errorMessage", errorMessage);
        }
        json.put("version", "1.0");
        json.put("timestamp", timestamp.toString());
        ObjectNode batch = json.putObject("KinesisBatchInfo");
        batch.put("shardId", shardId);
        batch.put("startSequenceNumber", startSequenceNumber());
        batch.put("endSequenceNumber", endSequenceNumber());
        batch.put("approximateArrivalOfFirstRecord", records.get(0).approximateArrivalTimestamp().toString());
        batch.put("approximateArrivalOfLastRecord",
                records.get(records.size() - 1).approximateArrivalTimestamp().toString());
        batch.put("batchSize", batchSize());
        batch.put("streamArn", streamArn);
        json.set("payload", payload);
        return json;
    }
}
