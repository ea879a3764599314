package dev.onebox.sfn.asl;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Everything one execution's states share: identity (for the context object), the clock,
 * the history, the task dispatcher, and the stop flag StopExecution sets.
 */
public final class RunContext {
    public final String executionArn;
    public final String executionName;
    public final String stateMachineArn;
    public final String stateMachineName;
    public final String roleArn;
    public final Instant startTime;
    public final Object input;
    public final SfnClock clock;
    public final History history;
    public final TaskDispatcher tasks;
    public final ExecutorService threads;
    public final boolean express;
    private volatile boolean stopped;
    /** Runs DISTRIBUTED Map items as child executions; null runs them in line with their own history. */
    public volatile ChildExecutions children;
    private final String startTimeText;
    /** Context-object timestamps: ISO-8601 in UTC with milliseconds, as Step Functions writes them. */
    public static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    public RunContext(String executionArn, String executionName, String stateMachineArn, String stateMachineName,
                      String roleArn, Object input, SfnClock clock, History history, TaskDispatcher tasks,
                      ExecutorService threads, boolean express) {
        this.executionArn = executionArn;
        this.executionName = executionName;
        this.stateMachineArn = stateMachineArn;
        this.stateMachineName = stateMachineName;
        this.roleArn = roleArn;
        this.input = input;
        this.clock = clock;
        this.startTime = clock.now();
        this.startTimeText = TIMESTAMP.format(startTime);
        this.history = history;
        this.tasks = tasks;
        this.threads = threads;
        this.express = express;
    }

    /** When the state machine's TimeoutSeconds runs out, or null. */
    public volatile Instant deadline;

    /** How far a Standard execution got, for RedriveExecution; null for Express executions. */
    public volatile Progress progress;

    /** How often RedriveExecution restarted this execution ({@code $$.Execution.RedriveCount}). */
    public volatile int redriveCount;

    /** The execution that started this one as a DISTRIBUTED Map item, if any: stopping it stops this. */
    public volatile RunContext parent;

    /** The DISTRIBUTED Map run this execution is a child of, if any: a run that failed or was aborted stops it. */
    public volatile MapRun mapRun;

    /** AWS starts a new ResultWriter file when one would pass 5 GB. */
    public static final long RESULT_FILE_BYTES = 5L * 1024 * 1024 * 1024;

    /** Where a DISTRIBUTED Map's ResultWriter cuts its result files. */
    public volatile long resultFileBytes = RESULT_FILE_BYTES;

    /** Told of every DISTRIBUTED Map run this execution starts (the service keeps them for DescribeMapRun). */
    public volatile java.util.function.Consumer<MapRun> mapRuns;

    public boolean stopped() {
        return stopped || parent != null && parent.stopped() || mapRun != null && mapRun.status() != MapRun.Status.RUNNING
                && mapRun.status() != MapRun.Status.SUCCEEDED;
    }

    public void stop() {
        stopped = true;
    }

    /**
     * RedriveExecution: the execution runs again; the state machine's TimeoutSeconds counts from now, as AWS resets
     * it on a redrive.
     */
    public void redrive(Integer timeoutSeconds) {
        redriveCount++;
        deadline = timeoutSeconds == null ? null : clock.now().plusSeconds(timeoutSeconds);
        stopped = false;
    }

    /** The context object {@code $$} for a state. */
    public Map<String, Object> contextObject(String stateName, Instant entered, int retryCount, String taskToken,
                                             Object mapItem, int mapIndex) {
        Map<String, Object> execution = new LinkedHashMap<>();
        execution.put("Id", executionArn);
        execution.put("Input", input);
        execution.put("Name", executionName);
        execution.put("RoleArn", roleArn);
        execution.put("StartTime", startTimeText);
        execution.put("RedriveCount", redriveCount);
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("EnteredTime", TIMESTAMP.format(entered));
        state.put("Name", stateName);
        state.put("RetryCount", retryCount);
        Map<String, Object> sm = new LinkedHashMap<>();
        sm.put("Id", stateMachineArn);
        sm.put("Name", stateMachineName);
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("Execution", execution);
        ctx.put("State", state);
        ctx.put("StateMachine", sm);
        if (taskToken != null) {
            ctx.put("Task", Json.object("Token", taskToken));
        }
        if (mapIndex >= 0) {
            ctx.put("Map", Json.object("Item", Json.object("Index", mapIndex, "Value", mapItem)));
        }
        return ctx;
    }
}
