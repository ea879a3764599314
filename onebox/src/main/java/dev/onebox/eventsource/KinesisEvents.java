package dev.onebox.eventsource;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/** Builds the {@link KinesisEvent} Lambda passes to a function, and its JSON form, for one batch. */
final class KinesisEvents {
    static final ObjectMapper JSON = new ObjectMapper();

    private final String streamArn;
    private final String region;
    private final String invokeIdentityArn;

    KinesisEvents(String streamArn, String region, String invokeIdentityArn) {
        this.streamArn = streamArn;
        this.region = region;
        this.invokeIdentityArn = invokeIdentityArn;
    }

    KinesisEvent event(List<StreamRecord> batch) {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>(batch.size());
        for (StreamRecord r : batch) {
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setKinesisSchemaVersion("1.0");
            kinesis.setPartitionKey(r.partitionKey());
            kinesis.setSequenceNumber(r.sequenceNumber());
            kinesis.setData(r.data().asByteBuffer());
            kinesis.setApproximateArrivalTimestamp(Date.from(r.approximateArrivalTimestamp()));
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setKinesis(kinesis);
            record.setEventSource("aws:kinesis");
            record.setEventVersion("1.0");
            record.setEventID(r.shardId() + ":" + r.sequenceNumber());
            record.setEventName("aws:kinesis:record");
            record.setInvokeIdentityArn(invokeIdentityArn);
            record.setAwsRegion(region);
            record.setEventSourceARN(streamArn);
            records.add(record);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(records);
        return event;
    }

    /** The event as Lambda serializes it: data in base64, arrival time in epoch seconds with milliseconds. */
    ObjectNode json(List<StreamRecord> batch) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (StreamRecord r : batch) {
            ObjectNode record = records.addObject();
            ObjectNode kinesis = record.putObject("kinesis");
            kinesis.put("kinesisSchemaVersion", "1.0");
            kinesis.put("partitionKey", r.partitionKey());
            kinesis.put("sequenceNumber", r.sequenceNumber());
            kinesis.put("data", Base64.getEncoder().encodeToString(r.data().asByteArray()));
            kinesis.put("approximateArrivalTimestamp",
                    BigDecimal.valueOf(r.approximateArrivalTimestamp().toEpochMilli(), 3));
            record.put("eventSource", "aws:kinesis");
            record.put("eventVersion", "1.0");
            record.put("eventID", r.shardId() + ":" + r.sequenceNumber());
            record.put("eventName", "aws:kinesis:record");
            record.put("invokeIdentityArn", invokeIdentityArn);
            record.put("awsRegion", region);
            record.put("eventSourceARN", streamArn);
        }
        return event;
    }
}
