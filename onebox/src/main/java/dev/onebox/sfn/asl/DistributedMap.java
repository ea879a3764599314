package dev.onebox.sfn.asl;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One run of a DISTRIBUTED Map state: its items (or batches) run as child executions, at most the map run's
 * MaxConcurrency at a time — read again before each child starts, so UpdateMapRun changes it while the run goes on —
 * and failures are checked against the run's tolerated thresholds (also changeable) as they come. The parent keeps no
 * per-item history: MapRunStarted, then MapRunSucceeded or MapRunFailed. With a ResultWriter the children's results go
 * to S3 as AWS lays them out ({@code Prefix/<map run id>/manifest.json}, {@code SUCCEEDED_n.json},
 * {@code FAILED_n.json}, {@code PENDING_n.json}) and the state's result is {@code {MapRunArn, ResultWriterDetails}}.
 */
final class DistributedMap {
    /** Children at once when MaxConcurrency is 0 (AWS allows 10,000; one JVM's threads are the bound here). */
    static final int UNBOUNDED_CONCURRENCY = 1000;

    private final Interpreter interpreter;
    private final RunContext run;
    private final History history;
    private final State.MapState m;
    private final Scope scope;
    private final Variables vars;
    private final int retryCount;
    private final Progress progress;
    private final boolean resume;

    DistributedMap(Interpreter interpreter, State.MapState m, Scope scope, Variables vars, int retryCount,
                   Progress progress, boolean resume) {
        this.interpreter = interpreter;
        this.run = interpreter.runContext();
        this.history = interpreter.history();
        this.m = m;
        this.scope = scope;
        this.vars = vars;
        this.retryCount = retryCount;
        this.progress = progress;
        this.resume = resume;
    }

    Object run(List<?> units, int maxConcurrency, double toleratedCount, double toleratedPercent) {
        String id = resume && progress != null && progress.mapRunId() != null ? progress.mapRunId() : UUID.randomUUID().toString();
        boolean redriven = resume && progress != null && id.equals(progress.mapRunId());
        String arn = run.stateMachineArn.replace(":stateMachine:", ":mapRun:") + "/" + m.label + ":" + id;
        MapRun mapRun = new MapRun(arn, id, run.executionArn, run.stateMachineArn + "/" + m.label, run.clock.now(),
                maxConcurrency, toleratedPercent, (long) toleratedCount);
        int n = units.size();
        long[] itemsOf = new long[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            itemsOf[i] = m.itemBatcher != null && units.get(i) instanceof Map<?, ?> b && b.get("Items") instanceof List<?> l
                    ? l.size() : 1;
            total += itemsOf[i];
        }
        mapRun.planned(n, total);
        if (run.mapRuns != null) {
            run.mapRuns.accept(mapRun);
        }
        history.add(redriven ? "MapRunRedriven" : "MapRunStarted", () -> Json.object("mapRunArn", arn));
        if (progress != null) {
            progress.mapRunId(id);
        }
        ChildExecutions.Outcome[] outcomes = new ChildExecutions.Outcome[n];
        SfnException failure;
        try {
            failure = dispatch(units, itemsOf, mapRun, outcomes);
        } catch (Interpreter.Stopped | History.LimitReached | Interpreter.ExecutionTimedOut e) {
            mapRun.finish(MapRun.Status.ABORTED, run.clock.now());
            throw e;
        }
        Object output;
        try {
            output = results(mapRun, units, itemsOf, outcomes);
        } catch (SfnException e) {
            output = null;
            failure = failure == null ? e : failure;
        }
        if (failure != null) {
            SfnException f = failure;
            mapRun.finish(MapRun.Status.FAILED, run.clock.now());
            history.add("MapRunFailed", () -> Json.object("error", f.error(), "cause", f.cause()));
            history.add("MapStateFailed", Map::of);
            throw f;
        }
        mapRun.finish(MapRun.Status.SUCCEEDED, run.clock.now());
        history.add("MapRunSucceeded", Map::of);
        history.add("MapStateSucceeded", Map::of);
        return output;
    }

    /**
     * Starts children up to the run's current MaxConcurrency and waits for them, one signal at a time (a child that
     * ended, or an UpdateMapRun). Returns the failure that ends the run, or null when every child ran.
     */
    private SfnException dispatch(List<?> units, long[] itemsOf, MapRun mapRun, ChildExecutions.Outcome[] outcomes) {
        int n = units.size();
        int next = 0;
        int active = 0;
        long failed = 0;
        SfnException failure = null;
        boolean stopping = false;
        boolean timedOut = false;
        while (true) {
            if (!stopping && (run.stopped() || run.deadline != null && run.clock.now().isAfter(run.deadline))) {
                // the children stop with their parent (stopped or out of time); their ends are still counted
                stopping = true;
                timedOut = !run.stopped();
                mapRun.finish(MapRun.Status.ABORTED, run.clock.now());
            }
            int limit = mapRun.maxConcurrency() > 0 ? mapRun.maxConcurrency() : UNBOUNDED_CONCURRENCY;
            while (!stopping && failure == null && next < n && active < limit) {
                int i = next++;
                Progress own = progress == null ? null : progress.child(i);
                mapRun.started(itemsOf[i]);
                if (resume && own != null && own.finished()) { // a redrive reruns only the children that did not succeed
                    outcomes[i] = ChildExecutions.Outcome.succeeded(own.output(), null);
                    mapRun.ended(itemsOf[i], "SUCCEEDED");
                    continue;
                }
                active++;
                Object unit = units.get(i);
                run.threads.execute(() -> {
                    try {
                        outcomes[i] = child(i, unit, mapRun);
                    } catch (RuntimeException e) {
                        outcomes[i] = ChildExecutions.Outcome.failed(Errors.RUNTIME, String.valueOf(e), null);
                    } finally {
                        mapRun.signals.offer(i);
                    }
                });
            }
            if (active == 0 && stopping) {
                throw timedOut ? new Interpreter.ExecutionTimedOut() : new Interpreter.Stopped();
            }
            if (active == 0 && (next >= n || failure != null)) {
                return failure;
            }
            Integer signal;
            try {
                signal = mapRun.signals.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Interpreter.Stopped();
            }
            if (signal == null) {
                continue;
            }
            if (signal >= 0) {
                active--;
                ChildExecutions.Outcome o = outcomes[signal];
                mapRun.ended(itemsOf[signal], o.status());
                if (o.succeeded()) {
                    if (progress != null) {
                        progress.child(signal).finish(o.output());
                    }
                } else if (failure == null) {
                    failed++;
                }
            }
            if (failure == null && failed > 0 && mapRun.exceeded(failed, n)) {
                failure = new SfnException(Errors.EXCEED_TOLERATED_FAILURE, "The specified tolerated failure threshold was exceeded");
                mapRun.finish(MapRun.Status.FAILED, run.clock.now()); // the children still running stop
            }
        }
    }

    private ChildExecutions.Outcome child(int index, Object unit, MapRun mapRun) {
        // with an ItemBatcher the ItemSelector was applied to each item before batching
        Object input = m.itemSelector == null || m.itemBatcher != null ? unit
                : interpreter.selectItem(m, scope, vars, index, unit, retryCount);
        boolean express = "EXPRESS".equals(m.executionType);
        ChildExecutions children = run.children;
        if (children != null) {
            return children.run(run, mapRun, run.stateMachineName + "/" + m.label, index, m.processor, input, express);
        }
        // no service to register it: the child runs here with a history of its own that nobody keeps
        RunContext child = new RunContext(run.executionArn + ":" + index, run.executionName + "/" + index,
                run.stateMachineArn, run.stateMachineName, run.roleArn, input, run.clock,
                History.express(run.clock), run.tasks, run.threads, true);
        child.parent = run;
        child.mapRun = mapRun;
        try {
            return ChildExecutions.Outcome.succeeded(new Interpreter(child).run(m.processor, input, new Variables(null)), null);
        } catch (SfnException e) {
            return ChildExecutions.Outcome.failed(e.error(), e.cause(), null);
        } catch (Interpreter.Stopped e) {
            return new ChildExecutions.Outcome("ABORTED", null, null, null, null);
        }
    }

    // ---------------------------------------------------------------- results

    /** What the state returns: the children's results (WriterConfig applied), or where ResultWriter wrote them. */
    private Object results(MapRun mapRun, List<?> units, long[] itemsOf, ChildExecutions.Outcome[] outcomes) {
        String transformation = m.writerConfig == null ? "COMPACT"
                : m.writerConfig.get("Transformation") instanceof String t ? t : m.writerResource != null ? "NONE" : "COMPACT";
        if (m.writerResource == null) {
            List<Object> out = new ArrayList<>(outcomes.length);
            for (int i = 0; i < outcomes.length; i++) {
                if (outcomes[i] != null) {
                    add(out, outcomes[i], units.get(i), transformation);
                }
            }
            return out;
        }
        Object params = m.writerParameters.evaluate(scope);
        if (!(params instanceof Map<?, ?> p) || !(p.get("Bucket") instanceof String bucket)) {
            throw new SfnException(Errors.RESULT_WRITER_FAILED, "The ResultWriter of state '" + m.name
                    + "' needs a 'Bucket' string in its Parameters, was: " + Json.write(params));
        }
        String prefix = p.get("Prefix") instanceof String s ? s : "";
        String folder = (prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/") + mapRun.id() + "/";
        boolean lines = m.writerConfig != null && "JSONL".equals(m.writerConfig.get("OutputType"));
        Map<String, List<Object>> byFile = new LinkedHashMap<>();
        Map<String, long[]> counted = new LinkedHashMap<>();
        for (String status : List.of("FAILED", "PENDING", "SUCCEEDED")) {
            byFile.put(status, new ArrayList<>());
            counted.put(status, new long[2]);
        }
        for (int i = 0; i < outcomes.length; i++) {
            ChildExecutions.Outcome o = outcomes[i];
            String file = o == null ? "PENDING" : o.succeeded() ? "SUCCEEDED" : "FAILED";
            List<Object> entries = byFile.get(file);
            if (o == null) {
                entries.add(Json.object("Input", Json.write(units.get(i)), "InputDetails", Json.object("Included", true),
                        "Status", "PENDING"));
            } else {
                add(entries, o, units.get(i), transformation);
            }
            counted.get(file)[0] += itemsOf[i];
            counted.get(file)[1]++;
        }
        Map<String, Object> files = new LinkedHashMap<>();
        for (Map.Entry<String, List<Object>> e : byFile.entrySet()) {
            files.put(e.getKey(), write(bucket, folder, e.getKey(), e.getValue(), lines));
            if (!e.getValue().isEmpty()) {
                mapRun.resultsWritten(counted.get(e.getKey())[0], counted.get(e.getKey())[1]);
            }
        }
        String manifestKey = folder + "manifest.json";
        put(bucket, manifestKey, Json.write(Json.object("DestinationBucket", bucket, "MapRunArn", mapRun.arn(),
                "ResultFiles", files)));
        return Json.object("MapRunArn", mapRun.arn(), "ResultWriterDetails", Json.object("Bucket", bucket, "Key", manifestKey));
    }

    /** One child's result per Transformation; a child that did not succeed is always given whole (NONE). */
    private static void add(List<Object> out, ChildExecutions.Outcome o, Object unit, String transformation) {
        if (o.succeeded() && !"NONE".equals(transformation)) {
            if ("FLATTEN".equals(transformation) && o.output() instanceof List<?> l) {
                out.addAll(l);
            } else {
                out.add(o.output());
            }
            return;
        }
        if (o.description() != null) {
            out.add(o.description());
            return;
        }
        Map<String, Object> d = new LinkedHashMap<>();
        if (o.cause() != null) {
            d.put("Cause", o.cause());
        }
        if (o.error() != null) {
            d.put("Error", o.error());
        }
        d.put("Input", Json.write(unit));
        d.put("InputDetails", Json.object("Included", true));
        if (o.succeeded()) {
            d.put("Output", Json.write(o.output()));
            d.put("OutputDetails", Json.object("Included", true));
        }
        d.put("Status", o.status());
        out.add(d);
    }

    /** Writes one status's entries as {@code <STATUS>_0.json}, {@code _1}, ... each under the file limit. */
    private List<Object> write(String bucket, String folder, String status, List<Object> entries, boolean lines) {
        List<Object> files = new ArrayList<>();
        if (entries.isEmpty()) {
            return files;
        }
        StringBuilder body = new StringBuilder();
        long bytes = 0;
        int count = 0;
        for (Object entry : entries) {
            String text = Json.write(entry);
            long size = text.getBytes(StandardCharsets.UTF_8).length + 1;
            if (count > 0 && bytes + size + 1 > run.resultFileBytes) {
                files.add(flush(bucket, folder, status, files.size(), body, lines));
                body.setLength(0);
                bytes = 0;
                count = 0;
            }
            if (count > 0) {
                body.append(lines ? "\n" : ",");
            }
            body.append(text);
            bytes += size;
            count++;
        }
        files.add(flush(bucket, folder, status, files.size(), body, lines));
        return files;
    }

    private Map<String, Object> flush(String bucket, String folder, String status, int index, StringBuilder entries,
                                      boolean lines) {
        String text = lines ? entries + "\n" : "[" + entries + "]";
        String key = folder + status + "_" + index + ".json";
        put(bucket, key, text);
        return Json.object("Key", key, "Size", text.getBytes(StandardCharsets.UTF_8).length);
    }

    private void put(String bucket, String key, String body) {
        try {
            run.tasks.execute(new TaskCall(m.writerResource, Json.object("Bucket", bucket, "Key", key, "Body", body),
                    m.name, null, null, null, run));
        } catch (SfnException e) {
            throw new SfnException(Errors.RESULT_WRITER_FAILED, "The ResultWriter of state '" + m.name
                    + "' could not write s3://" + bucket + "/" + key + ": " + e.error() + ": " + e.cause());
        }
    }

    // ---------------------------------------------------------------- batches

    /**
     * ItemBatcher: groups items into {@code {"BatchInput": ..., "Items": [...]}} objects of at most MaxItemsPerBatch
     * items and MaxInputBytesPerBatch bytes (each the fixed value or its Path). An item that cannot fit in a batch of
     * its own fails the state with States.DataLimitExceeded, as does a batch over the 256 KiB payload limit.
     */
    static List<?> batches(State.MapState m, List<?> items, Scope scope) {
        Object evaluated = m.itemBatcher.evaluate(scope);
        if (!(evaluated instanceof Map<?, ?> batcher)) {
            throw SfnException.runtime("The ItemBatcher of state '" + m.name + "' must be an object, was: " + Json.write(evaluated));
        }
        int maxItems = limit(batcher, scope, "MaxItemsPerBatch");
        int maxBytes = Math.min(limit(batcher, scope, "MaxInputBytesPerBatch"), Interpreter.MAX_PAYLOAD_BYTES);
        Object batchInput = batcher.get("BatchInput");
        boolean bySize = batcher.containsKey("MaxInputBytesPerBatch") || batcher.containsKey("MaxInputBytesPerBatchPath");
        // {"BatchInput":<json>,"Items":[]}: the bytes of a batch around its items
        int overhead = (batchInput == null ? 0 : 14 + utf8(Json.write(batchInput))) + 12;
        List<Object> out = new ArrayList<>();
        List<Object> current = new ArrayList<>();
        long bytes = overhead;
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            long size = bySize ? utf8(Json.write(item)) + 1 : 0;
            if (bySize && overhead + size - 1 > maxBytes) {
                throw new SfnException(Errors.DATA_LIMIT_EXCEEDED, "The item at index " + i + " of state '" + m.name + "' ("
                        + (size - 1) + " bytes) does not fit in a batch of at most " + maxBytes + " bytes (MaxInputBytesPerBatch)");
            }
            if (!current.isEmpty() && (current.size() >= maxItems || bySize && bytes + size - 1 > maxBytes)) {
                out.add(batch(batchInput, current));
                current = new ArrayList<>();
                bytes = overhead;
            }
            current.add(item);
            bytes += size;
        }
        if (!current.isEmpty()) {
            out.add(batch(batchInput, current));
        }
        return out;
    }

    private static Map<String, Object> batch(Object batchInput, List<Object> items) {
        Map<String, Object> batch = new LinkedHashMap<>();
        if (batchInput != null) {
            batch.put("BatchInput", batchInput);
        }
        batch.put("Items", items);
        return batch;
    }

    private static int limit(Map<?, ?> batcher, Scope scope, String field) {
        Object v = batcher.get(field);
        if (batcher.get(field + "Path") instanceof String p) {
            v = scope.read(Path.compile(p));
            if (!(v instanceof Number n) || !Json.isIntegral(n) || n.longValue() < 0) {
                throw SfnException.runtime("The " + field + "Path field refers to value \"" + (v == Path.MISSING ? "null"
                        : Json.write(v)) + "\" which is not a valid positive integer: " + p);
            }
        }
        return v instanceof Number n && n.intValue() > 0 ? n.intValue() : Integer.MAX_VALUE;
    }

    private static int utf8(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
