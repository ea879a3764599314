package dev.onebox.sfn.store;

import dev.onebox.sfn.asl.HistoryEvent;
import dev.onebox.sfn.asl.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Step Functions state of a data directory as an append-only journal, {@value #FILE}: one JSON line per change
 * (a state machine saved or deleted, an execution started, a history event appended, an execution ended), read back
 * in order when the store opens.
 * <p>
 * One writer thread appends what the service records, in batches (at most {@value #BATCH_RECORDS} records or about
 * {@value #BATCH_BYTES} bytes per write); the queue in front of it holds at most {@value #QUEUE_RECORDS} records, so a
 * writer that falls behind slows the executions down instead of holding their events in memory. Every line is handed
 * to the operating system as soon as its batch is written, so a process killed with SIGKILL loses only the records
 * still queued; {@link #sync()} also forces the file to the disk, and the service calls it before an API call that
 * changed something answers.
 * <p>
 * A last line cut short (the process killed in the middle of a write) is left out with a warning and cut off the
 * file; an unreadable line followed by others means the file was damaged, and opening fails naming the line. The
 * directory is locked while the store is open: a second process on the same directory is refused.
 */
public final class JournalStore implements SfnStore {
    public static final String FILE = "journal.jsonl";
    static final int QUEUE_RECORDS = 16_384;
    static final int BATCH_RECORDS = 4_096;
    static final int BATCH_BYTES = 1 << 20;
    private static final Object STOP = new Object();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Contents contents;
    private final PrintStream warnings;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_RECORDS);
    private final Thread writer;
    private volatile boolean closed;
    private volatile Exception failure;

    private record Sync(CompletableFuture<Void> done) {
    }

    private JournalStore(Path file, PrintStream warnings) throws IOException {
        this.file = file;
        this.warnings = warnings;
        Files.createDirectories(file.toAbsolutePath().getParent());
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            l = null; // held by this very process
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (l == null) {
            channel.close();
            throw new IllegalStateException("the Step Functions journal " + file + " is in use by another Step Functions service");
        }
        lock = l;
        try {
            Reading r = read(file, warnings);
            contents = r.contents();
            if (r.readableLength() < channel.size()) {
                channel.truncate(r.readableLength());
                channel.force(true);
            }
            channel.position(r.readableLength());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        writer = new Thread(this::writeLoop, "sfn-journal");
        writer.setDaemon(true);
        writer.start();
    }

    /** Opens (or creates) the journal of {@code directory}; warnings (a last line cut short) go to stderr. */
    public static JournalStore open(Path directory) {
        return open(directory, System.err);
    }

    public static JournalStore open(Path directory, PrintStream warnings) {
        try {
            return new JournalStore(directory.resolve(FILE), warnings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the Step Functions journal in " + directory + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    @Override
    public Contents load() {
        return contents;
    }

    @Override
    public void machineSaved(StoredMachine m) {
        Map<String, Object> r = record("stateMachine");
        r.put("arn", m.arn());
        r.put("name", m.name());
        r.put("type", m.type());
        r.put("definition", m.definition());
        r.put("roleArn", m.roleArn());
        r.put("creationDate", m.creationDate().toString());
        put(r);
    }

    @Override
    public void machineDeleted(String stateMachineArn) {
        Map<String, Object> r = record("stateMachineDeleted");
        r.put("arn", stateMachineArn);
        put(r);
    }

    @Override
    public void executionStarted(ExecutionStart s) {
        Map<String, Object> r = record("executionStarted");
        r.put("arn", s.arn());
        r.put("name", s.name());
        r.put("stateMachineArn", s.stateMachineArn());
        r.put("stateMachineName", s.stateMachineName());
        r.put("type", s.type());
        r.put("roleArn", s.roleArn());
        r.put("input", s.input());
        r.put("startDate", s.startDate().toString());
        put(r);
    }

    @Override
    public void eventAppended(String executionArn, HistoryEvent e) {
        Map<String, Object> r = record("event");
        r.put("execution", executionArn);
        r.put("id", e.id());
        r.put("previousEventId", e.previousEventId());
        r.put("timestamp", e.timestamp().toString());
        r.put("type", e.type());
        r.put("details", new Details(e));
        put(r);
    }

    /** An event's details, turned into JSON text on the writer thread rather than on the execution's. */
    private record Details(HistoryEvent event) {
        @com.fasterxml.jackson.annotation.JsonValue
        Map<String, Object> value() {
            return event.details();
        }
    }

    @Override
    public void executionEnded(String executionArn, Ending end) {
        Map<String, Object> r = record("executionEnded");
        r.put("arn", executionArn);
        r.put("status", end.status());
        r.put("output", end.output());
        r.put("error", end.error());
        r.put("cause", end.cause());
        r.put("stopDate", end.stopDate().toString());
        put(r);
    }

    private static Map<String, Object> record(String kind) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("record", kind);
        return r;
    }

    /** Queues a record; after {@link #close()} records are not kept. Never interrupted: an event is not dropped for it. */
    private void put(Object record) {
        if (closed) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(record);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void sync() {
        if (closed) {
            return;
        }
        Sync s = new Sync(new CompletableFuture<>());
        put(s);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    s.done().get(1, TimeUnit.SECONDS);
                    return;
                } catch (TimeoutException e) {
                    if (!writer.isAlive() && !s.done().isDone()) {
                        if (closed) {
                            return; // closed meanwhile: what was queued before the close was written by it
                        }
                        throw new IllegalStateException("the Step Functions journal " + file + " stopped writing", failure);
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw new IllegalStateException("the Step Functions journal " + file + " could not be written: "
                            + e.getCause().getMessage(), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void writeLoop() {
        List<Object> batch = new ArrayList<>(BATCH_RECORDS);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(64 * 1024);
        boolean stop = false;
        while (!stop) {
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // only close() ends the writer, so that nothing queued is left behind
            }
            queue.drainTo(batch, BATCH_RECORDS - 1);
            List<CompletableFuture<Void>> syncs = new ArrayList<>();
            try {
                for (Object o : batch) {
                    if (o == STOP) {
                        stop = true;
                    } else if (o instanceof Sync s) {
                        syncs.add(s.done());
                    } else if (failure == null) {
                        bytes.write(Json.write(o).getBytes(StandardCharsets.UTF_8));
                        bytes.write('\n');
                        if (bytes.size() >= BATCH_BYTES) {
                            writeOut(bytes);
                        }
                    }
                }
                if (failure != null) {
                    throw failure;
                }
                writeOut(bytes);
                if (!syncs.isEmpty() || stop) {
                    channel.force(false);
                }
                syncs.forEach(f -> f.complete(null));
            } catch (Exception e) {
                if (failure == null) {
                    // nothing is appended after a failed write: a later line after a torn one would damage the file
                    failure = e;
                    warnings.println("sfn: the Step Functions journal " + file + " could not be written, nothing more is kept: " + e);
                }
                bytes.reset();
                syncs.forEach(f -> f.completeExceptionally(failure));
            }
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            warnings.println("sfn: closing the Step Functions journal " + file + " failed: " + e);
        }
    }

    private void writeOut(java.io.ByteArrayOutputStream bytes) throws IOException {
        if (bytes.size() == 0) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes.toByteArray());
        while (b.hasRemaining()) {
            channel.write(b);
        }
        bytes.reset();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        put(STOP);
        closed = true;
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------ reading

    private record Reading(Contents contents, long readableLength) {
    }

    /** Replays the journal; the length is that of its readable lines (a torn last line left out). */
    static Reading read(Path file, PrintStream warnings) throws IOException {
        Map<String, StoredMachine> machines = new LinkedHashMap<>();
        Map<String, Building> executions = new LinkedHashMap<>();
        long size = Files.size(file);
        long offset = 0;
        long readable = 0;
        int lineNo = 0;
        String bad = null;
        int badLine = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                offset += line.getBytes(StandardCharsets.UTF_8).length + 1;
                if (bad != null) {
                    throw new IllegalStateException("the Step Functions journal " + file + " is damaged at line " + badLine
                            + " (" + bad + "), which is not its last line; move the file away to start without it");
                }
                boolean complete = offset <= size;
                if (!complete) {
                    bad = "no line end";
                    badLine = lineNo;
                    continue;
                }
                try {
                    apply(line, machines, executions);
                    readable = offset;
                } catch (RuntimeException e) {
                    bad = e.getMessage();
                    badLine = lineNo;
                }
            }
        }
        if (bad != null) {
            warnings.println("sfn: the last line (" + badLine + ") of the Step Functions journal " + file
                    + " was cut short, left out: " + bad);
        }
        List<StoredExecution> out = new ArrayList<>(executions.size());
        executions.values().forEach(b -> out.add(new StoredExecution(b.start, List.copyOf(b.events), b.ending)));
        return new Reading(new Contents(List.copyOf(machines.values()), out), readable);
    }

    private static final class Building {
        final ExecutionStart start;
        final List<HistoryEvent> events = new ArrayList<>();
        Ending ending;

        Building(ExecutionStart start) {
            this.start = start;
        }
    }

    @SuppressWarnings("unchecked")
    private static void apply(String line, Map<String, StoredMachine> machines, Map<String, Building> executions) {
        if (!(Json.parse(line) instanceof Map<?, ?> parsed)) {
            throw new IllegalArgumentException("not a JSON object");
        }
        Map<String, Object> r = (Map<String, Object>) parsed;
        String kind = text(r, "record");
        switch (kind) {
            case "stateMachine" -> machines.put(text(r, "arn"), new StoredMachine(text(r, "arn"), text(r, "name"),
                    text(r, "type"), text(r, "definition"), (String) r.get("roleArn"), instant(r, "creationDate")));
            case "stateMachineDeleted" -> machines.remove(text(r, "arn"));
            case "executionStarted" -> {
                String arn = text(r, "arn");
                if (executions.containsKey(arn)) {
                    throw new IllegalArgumentException("execution " + arn + " started twice");
                }
                executions.put(arn, new Building(new ExecutionStart(arn, text(r, "name"), text(r, "stateMachineArn"),
                        text(r, "stateMachineName"), text(r, "type"), (String) r.get("roleArn"), text(r, "input"),
                        instant(r, "startDate"))));
            }
            case "event" -> {
                Object details = r.get("details");
                Building b = execution(executions, text(r, "execution"));
                b.events.add(new HistoryEvent(number(r, "id"),
                        number(r, "previousEventId"), instant(r, "timestamp"), text(r, "type"),
                        details == null ? null : (Map<String, Object>) details));
                // a redrive runs the ended execution again: it is running until a later end is kept
                if ("ExecutionRedriven".equals(text(r, "type"))) b.ending = null;
            }
            case "executionEnded" -> execution(executions, text(r, "arn")).ending = new Ending(text(r, "status"),
                    (String) r.get("output"), (String) r.get("error"), (String) r.get("cause"), instant(r, "stopDate"));
            default -> throw new IllegalArgumentException("unknown record " + kind);
        }
    }

    private static Building execution(Map<String, Building> executions, String arn) {
        Building b = executions.get(arn);
        if (b == null) {
            throw new IllegalArgumentException("execution " + arn + " was never started");
        }
        return b;
    }

    private static String text(Map<String, Object> r, String key) {
        if (!(r.get(key) instanceof String s)) {
            throw new IllegalArgumentException("no text '" + key + "'");
        }
        return s;
    }

    private static Instant instant(Map<String, Object> r, String key) {
        try {
            return Instant.parse(text(r, key));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("'" + key + "' is not an instant: " + r.get(key));
        }
    }

    private static long number(Map<String, Object> r, String key) {
        if (!(r.get(key) instanceof Number n)) {
            throw new IllegalArgumentException("no number '" + key + "'");
        }
        return n.longValue();
    }
}
