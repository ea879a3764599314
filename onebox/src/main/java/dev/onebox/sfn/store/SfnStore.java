package dev.onebox.sfn.store;

import dev.onebox.sfn.asl.HistoryEvent;

import java.time.Instant;
import java.util.List;

/**
 * Where the local Step Functions service keeps its state machines, executions and histories across restarts.
 * {@link #none()} keeps nothing (everything lives in memory only); {@link JournalStore} appends to a file.
 * Writes are recorded in the order they are made; {@link #sync()} returns once every write made before it is
 * durable, and is called before an API call that changed something answers.
 */
public interface SfnStore extends AutoCloseable {

    /** A state machine as created or last updated. */
    record StoredMachine(String arn, String name, String type, String definition, String roleArn, Instant creationDate) {
    }

    /** What StartExecution fixed: the execution and the machine it runs. */
    record ExecutionStart(String arn, String name, String stateMachineArn, String stateMachineName, String type,
                          String roleArn, String input, Instant startDate) {
    }

    /** How an execution ended (output when SUCCEEDED, otherwise error and cause, each possibly null). */
    record Ending(String status, String output, String error, String cause, Instant stopDate) {
    }

    /** An execution read back: {@code ending} is null when it was still running when the store was last written. */
    record StoredExecution(ExecutionStart start, List<HistoryEvent> events, Ending ending) {
    }

    /** Everything kept, in the order it was first written. */
    record Contents(List<StoredMachine> machines, List<StoredExecution> executions) {
        public static final Contents EMPTY = new Contents(List.of(), List.of());
    }

    /** What was kept before; read once, before anything is written. */
    Contents load();

    void machineSaved(StoredMachine machine);

    void machineDeleted(String stateMachineArn);

    void executionStarted(ExecutionStart start);

    void eventAppended(String executionArn, HistoryEvent event);

    void executionEnded(String executionArn, Ending ending);

    /** Returns once every write made before is durable; throws when the store could not write it. */
    void sync();

    /** Makes every write made before durable and stops writing: later writes are not kept. */
    @Override
    void close();

    /** Keeps nothing: the service's state lives in memory only. */
    static SfnStore none() {
        return new SfnStore() {
            @Override
            public Contents load() {
                return Contents.EMPTY;
            }

            @Override
            public void machineSaved(StoredMachine machine) {
            }

            @Override
            public void machineDeleted(String stateMachineArn) {
            }

            @Override
            public void executionStarted(ExecutionStart start) {
            }

            @Override
            public void eventAppended(String executionArn, HistoryEvent event) {
            }

            @Override
            public void executionEnded(String executionArn, Ending ending) {
            }

            @Override
            public void sync() {
            }

            @Override
            public void close() {
            }
        };
    }
}
