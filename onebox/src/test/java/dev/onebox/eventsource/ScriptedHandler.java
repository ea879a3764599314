package dev.onebox.eventsource;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.onebox.lambda.LocalFunction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiFunction;

/** A Kinesis handler whose answer to each batch is scripted; it records every batch it was given (data as text). */
final class ScriptedHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {
    final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
    final List<KinesisEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final BiFunction<List<String>, KinesisEvent, StreamsEventResponse> script;

    ScriptedHandler(BiFunction<List<String>, KinesisEvent, StreamsEventResponse> script) {
        this.script = script;
    }

    static ScriptedHandler succeeding() {
        return new ScriptedHandler((data, event) -> null);
    }

    /** Throws for any batch holding a record whose data is {@code poison}. */
    static ScriptedHandler throwingOn(String poison) {
        return new ScriptedHandler((data, event) -> {
            if (data.contains(poison)) {
                throw new IllegalStateException("cannot process " + poison);
            }
            return null;
        });
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        List<String> data = new ArrayList<>();
        for (KinesisEvent.KinesisEventRecord record : event.getRecords()) {
            data.add(StandardCharsets.UTF_8.decode(record.getKinesis().getData().duplicate()).toString());
        }
        batches.add(List.copyOf(data));
        events.add(event);
        return script.apply(data, event);
    }

    /** Every record handed to the handler in a batch whose invocation succeeded is not known here; all deliveries. */
    List<String> delivered() {
        List<String> all = new ArrayList<>();
        synchronized (batches) {
            batches.forEach(all::addAll);
        }
        return all;
    }

    LocalFunction function(String name) {
        return new LocalFunction(name, "arn:aws:lambda:us-east-1:000000000000:function:" + name, 60, 128,
                "handleRequest", () -> this);
    }

    static StreamsEventResponse failures(String... sequenceNumbers) {
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        for (String sequence : sequenceNumbers) {
            failures.add(new StreamsEventResponse.BatchItemFailure(sequence));
        }
        return new StreamsEventResponse(failures);
    }

    static String sequenceOf(KinesisEvent event, String data) {
        for (KinesisEvent.KinesisEventRecord record : event.getRecords()) {
            if (StandardCharsets.UTF_8.decode(record.getKinesis().getData().duplicate()).toString().equals(data)) {
                return record.getKinesis().getSequenceNumber();
            }
        }
        throw new IllegalArgumentException("no record " + data + " in the batch");
    }
}
