package dev.onebox.sfn;

import dev.onebox.sfn.asl.ChildExecutions;
import dev.onebox.sfn.asl.Definitions;
import dev.onebox.sfn.asl.Errors;
import dev.onebox.sfn.asl.History;
import dev.onebox.sfn.asl.HistoryEvent;
import dev.onebox.sfn.asl.Interpreter;
import dev.onebox.sfn.asl.InvalidDefinitionException;
import dev.onebox.sfn.asl.Json;
import dev.onebox.sfn.asl.MapRun;
import dev.onebox.sfn.asl.Program;
import dev.onebox.sfn.asl.Progress;
import dev.onebox.sfn.asl.State;
import dev.onebox.sfn.asl.StateTest;
import dev.onebox.sfn.asl.RunContext;
import dev.onebox.sfn.asl.SfnClock;
import dev.onebox.sfn.asl.SfnException;
import dev.onebox.sfn.asl.TaskDispatcher;
import dev.onebox.sfn.asl.Variables;
import dev.onebox.sfn.store.JournalStore;
import dev.onebox.sfn.store.SfnStore;
import dev.onebox.sfn.tasks.TaskClients;
import dev.onebox.sfn.tasks.LambdaFunctions;
import dev.onebox.sfn.tasks.ResourceDispatcher;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The local Step Functions service: holds state machines and executions and runs them with
 * the ASL interpreter. Standard executions run on their own thread; {@link #startSyncExecution}
 * and {@link #run} run on the caller's. Task states reach Lambda functions and AWS services
 * through {@link LambdaFunctions} and {@link TaskClients}.
 * <p>
 * With a data directory ({@link Builder#dataDirectory}) state machines, executions and their histories are kept in
 * its {@link JournalStore} and read back at the next start. An execution that was running when the service stopped
 * (closed, or the process killed) is not resumed: it is read back FAILED with {@value #LOST_ERROR} and the cause
 * {@value #LOST_CAUSE}, its history ending with that ExecutionFailed event (no status-change event is sent for it).
 */
public final class LocalStepFunctions implements AutoCloseable {
    /** The error of an execution that was running when the service stopped, read back after a restart. */
    public static final String LOST_ERROR = Errors.RUNTIME;
    public static final String LOST_CAUSE = "The local Step Functions service stopped while the execution was running; it was not resumed.";
    private static final Pattern NAME = Pattern.compile("[^\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/\\x00-\\x1f\\x7f-\\x9f]{1,80}");

    private final String region;
    private final String accountId;
    private final SfnClock clock;
    private final int historyLimit;
    private final long resultFileBytes;
    private final TaskDispatcher tasks;
    private final ExecutorService threads;
    private final Map<String, StateMachine> stateMachines = new ConcurrentHashMap<>();
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();
    private final Map<String, TaskTokenWait> tokens = new ConcurrentHashMap<>();
    private final Map<String, MapRun> mapRuns = new ConcurrentHashMap<>();
    private final java.util.function.Consumer<ExecutionDescription> statusChanges;
    private final SfnStore store;

    /** A task waiting for SendTaskSuccess/Failure; heartbeats move {@code lastBeat}. */
    public static final class TaskTokenWait {
        final CompletableFuture<Object> result = new CompletableFuture<>();
        volatile long lastBeatNanos = System.nanoTime();
    }

    private LocalStepFunctions(Builder b) {
        this.region = b.region;
        this.accountId = b.accountId;
        this.clock = b.clock;
        this.historyLimit = b.historyLimit;
        this.resultFileBytes = b.resultFileBytes;
        this.statusChanges = b.statusChanges;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "sfn-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.tasks = b.tasks != null ? b.tasks.apply(this)
                : new ResourceDispatcher(this, b.lambdaFunctions, b.taskClients);
        this.store = b.dataDirectory == null ? SfnStore.none() : JournalStore.open(b.dataDirectory);
        try {
            restore(store.load());
        } catch (RuntimeException e) {
            store.close();
            threads.shutdownNow();
            throw e;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Settings: clock (real by default), Lambda functions, AWS clients, region and account. */
    public static final class Builder {
        private String region = "us-east-1";
        private String accountId = "123456789012";
        private SfnClock clock = SfnClock.system();
        private int historyLimit = History.STANDARD_LIMIT;
        private long resultFileBytes = RunContext.RESULT_FILE_BYTES;
        private LambdaFunctions lambdaFunctions = LambdaFunctions.none();
        private TaskClients taskClients = TaskClients.none();
        private Function<LocalStepFunctions, TaskDispatcher> tasks;
        private java.util.function.Consumer<ExecutionDescription> statusChanges = d -> { };
        private Path dataDirectory;

        /**
         * Keeps state machines, executions and histories in this directory's journal and reads them back at start
         * (null, the default: in memory only, nothing written).
         */
        public Builder dataDirectory(Path directory) {
            this.dataDirectory = directory;
            return this;
        }

        /**
         * Told of every status change of a registered Standard execution (RUNNING when it starts, then SUCCEEDED,
         * FAILED, TIMED_OUT or ABORTED), like the "Step Functions Execution Status Change" events AWS sends to
         * EventBridge; called on the thread that changed it.
         */
        public Builder statusChanges(java.util.function.Consumer<ExecutionDescription> listener) {
            this.statusChanges = Objects.requireNonNull(listener);
            return this;
        }

        public Builder region(String region) {
            this.region = Objects.requireNonNull(region);
            return this;
        }

        public Builder accountId(String accountId) {
            this.accountId = Objects.requireNonNull(accountId);
            return this;
        }

        /** {@link SfnClock#instant()} makes Wait states and retry intervals complete at once. */
        public Builder clock(SfnClock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        public Builder lambdaFunctions(LambdaFunctions functions) {
            this.lambdaFunctions = Objects.requireNonNull(functions);
            return this;
        }

        public Builder taskClients(TaskClients clients) {
            this.taskClients = Objects.requireNonNull(clients);
            return this;
        }

        /** Replaces the task dispatcher entirely (tests, or a runtime with its own wiring). */
        public Builder tasks(Function<LocalStepFunctions, TaskDispatcher> factory) {
            this.tasks = factory;
            return this;
        }

        /**
         * The size at which a DISTRIBUTED Map's ResultWriter starts a new result file (AWS: 5 GB, the default); a
         * smaller size lets tests see the split.
         */
        public Builder resultFileBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("resultFileBytes must be positive, was " + bytes);
            }
            this.resultFileBytes = bytes;
            return this;
        }

        /** For tests of continue-as-new designs: a lower Standard history limit than 25,000. */
        public Builder historyLimit(int limit) {
            this.historyLimit = limit;
            return this;
        }

        public LocalStepFunctions build() {
            return new LocalStepFunctions(this);
        }
    }

    public String region() {
        return region;
    }

    public SfnClock clock() {
        return clock;
    }

    // ------------------------------------------------------------ state machines

    /** Creates (or, with the same definition, returns) a state machine; ${Name} placeholders are substituted. */
    public StateMachine createStateMachine(String name, String definitionJson, WorkflowType type,
                                           Map<String, String> substitutions) {
        return createStateMachine(name, definitionJson, type, substitutions, "arn:aws:iam::" + accountId + ":role/StepFunctionsRole");
    }

    public StateMachine createStateMachine(String name, String definitionJson, WorkflowType type,
                                           Map<String, String> substitutions, String roleArn) {
        return createStateMachine(name, definitionJson, type, substitutions, roleArn, LoggingConfiguration.OFF,
                TracingConfiguration.DISABLED);
    }

    /** CreateStateMachine with the logging and tracing settings to keep and describe. */
    public StateMachine createStateMachine(String name, String definitionJson, WorkflowType type,
                                           Map<String, String> substitutions, String roleArn,
                                           LoggingConfiguration logging, TracingConfiguration tracing) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new SfnServiceException("InvalidName", "Invalid Name: '" + name + "'");
        }
        String definition = Definitions.substitute(definitionJson, substitutions);
        Program program;
        try {
            program = Definitions.compile(definition);
        } catch (InvalidDefinitionException e) {
            throw new SfnServiceException("InvalidDefinition", e.getMessage());
        }
        String arn = "arn:aws:states:" + region + ":" + accountId + ":stateMachine:" + name;
        WorkflowType t = type == null ? WorkflowType.STANDARD : type;
        StateMachine sm = new StateMachine(arn, name, t, definition, roleArn, clock.now(), program, logging, tracing);
        StateMachine existing = stateMachines.putIfAbsent(arn, sm);
        if (existing != null) {
            if (!existing.definition().equals(definition) || existing.type() != t) {
                throw new SfnServiceException("StateMachineAlreadyExists", "State Machine Already Exists: '" + arn + "'");
            }
            return existing;
        }
        saved(sm);
        return sm;
    }

    /**
     * A template's state machine, as a deployment makes it: created; or, when it exists (also read back after a
     * restart), updated to a changed definition, or replaced when its type changed.
     */
    public StateMachine deployStateMachine(String name, String definitionJson, WorkflowType type, Map<String, String> substitutions) {
        StateMachine existing = stateMachines.get("arn:aws:states:" + region + ":" + accountId + ":stateMachine:" + name);
        WorkflowType t = type == null ? WorkflowType.STANDARD : type;
        if (existing != null && existing.type() != t) {
            deleteStateMachine(existing.arn());
        } else if (existing != null && !existing.definition().equals(Definitions.substitute(definitionJson, substitutions))) {
            return updateStateMachine(existing.arn(), definitionJson, substitutions);
        }
        return createStateMachine(name, definitionJson, t, substitutions);
    }

    private void saved(StateMachine sm) {
        store.machineSaved(new SfnStore.StoredMachine(sm.arn(), sm.name(), sm.type().name(), sm.definition(), sm.roleArn(),
                sm.creationDate()));
        store.sync();
    }

    /** Replaces a state machine's definition (UpdateStateMachine). */
    public StateMachine updateStateMachine(String arn, String definitionJson, Map<String, String> substitutions) {
        return updateStateMachine(arn, definitionJson, substitutions, null, null, null);
    }

    /** UpdateStateMachine: each of definition, role, logging and tracing that is not null replaces the current one. */
    public StateMachine updateStateMachine(String arn, String definitionJson, Map<String, String> substitutions,
                                           String roleArn, LoggingConfiguration logging, TracingConfiguration tracing) {
        StateMachine old = stateMachine(arn);
        String definition = definitionJson == null ? old.definition() : Definitions.substitute(definitionJson, substitutions);
        Program program;
        try {
            program = Definitions.compile(definition);
        } catch (InvalidDefinitionException e) {
            throw new SfnServiceException("InvalidDefinition", e.getMessage());
        }
        StateMachine sm = new StateMachine(arn, old.name(), old.type(), definition,
                roleArn == null ? old.roleArn() : roleArn, old.creationDate(), program,
                logging == null ? old.logging() : logging, tracing == null ? old.tracing() : tracing);
        stateMachines.put(arn, sm);
        saved(sm);
        return sm;
    }

    public StateMachine stateMachine(String arn) {
        StateMachine sm = stateMachines.get(arn);
        if (sm == null) {
            throw new SfnServiceException("StateMachineDoesNotExist", "State Machine Does Not Exist: '" + arn + "'");
        }
        return sm;
    }

    public List<StateMachine> listStateMachines() {
        List<StateMachine> l = new ArrayList<>(stateMachines.values());
        l.sort(Comparator.comparing(StateMachine::name));
        return l;
    }

    public void deleteStateMachine(String arn) {
        if (stateMachines.remove(arn) != null) {
            store.machineDeleted(arn);
            store.sync();
        }
    }

    // ------------------------------------------------------------ executions

    /** StartExecution: Standard runs in the background; an existing name with the same input is returned as is. */
    public ExecutionDescription startExecution(String stateMachineArn, String name, String inputJson) {
        Execution e = begin(stateMachine(stateMachineArn), name, inputJson);
        if (e.launch()) {
            threads.submit(() -> execute(e));
        }
        store.sync();
        return e.snapshot();
    }

    /** StartSyncExecution: runs to the end on the calling thread. */
    public ExecutionDescription startSyncExecution(String stateMachineArn, String name, String inputJson) {
        Execution e = begin(stateMachine(stateMachineArn), name, inputJson);
        if (e.launch()) {
            execute(e);
        } else {
            e.completion().join();
        }
        store.sync();
        return e.snapshot();
    }

    /** Runs a definition once, without registering it (the command line and the conformance test). */
    public ExecutionResult run(String definitionJson, String inputJson, WorkflowType type) {
        Program program;
        try {
            program = Definitions.compile(definitionJson);
        } catch (InvalidDefinitionException e) {
            throw new SfnServiceException("InvalidDefinition", e.getMessage());
        }
        String name = "run-" + UUID.randomUUID();
        StateMachine sm = new StateMachine("arn:aws:states:" + region + ":" + accountId + ":stateMachine:" + name,
                name, type, definitionJson, "arn:aws:iam::" + accountId + ":role/StepFunctionsRole", clock.now(), program);
        Execution e = newExecution(sm, name, inputJson == null ? "{}" : inputJson);
        execute(e);
        return e.completion().join();
    }

    private synchronized Execution begin(StateMachine sm, String name, String inputJson) {
        String input = inputJson == null ? "{}" : inputJson;
        String n = name == null ? UUID.randomUUID().toString() : name;
        if (!NAME.matcher(n).matches()) {
            throw new SfnServiceException("InvalidName", "Invalid Name: '" + n + "'");
        }
        String arn = executionArn(sm, n);
        Execution existing = executions.get(arn);
        if (existing != null) {
            if (existing.input().equals(input) && existing.snapshot().status() == ExecutionStatus.RUNNING) {
                return existing;
            }
            throw new SfnServiceException("ExecutionAlreadyExists", "Execution Already Exists: '" + arn + "'");
        }
        Execution e = newExecution(sm, n, input);
        executions.put(arn, e);
        journal(e);
        if (sm.type() == WorkflowType.STANDARD) {
            notifyStatus(e);
            e.completion().whenComplete((r, ex) -> notifyStatus(e));
        }
        return e;
    }

    /** Keeps a registered execution's start and, from now on, its history events (the first ones included). */
    private void journal(Execution e) {
        StateMachine sm = e.stateMachine();
        ExecutionDescription d = e.snapshot();
        store.executionStarted(new SfnStore.ExecutionStart(e.arn(), e.name(), sm.arn(), sm.name(), sm.type().name(),
                sm.roleArn(), e.input(), d.startDate()));
        e.history().subscribe(event -> store.eventAppended(e.arn(), event), true);
    }

    /** Ends an execution once: its result, its history's closing event, and (when registered) the store. */
    private boolean end(Execution e, ExecutionResult r, String closingEvent, Map<String, Object> details) {
        java.time.Instant at = clock.now();
        if (!e.finish(r, at)) {
            return false;
        }
        e.history().close(closingEvent, details);
        if (executions.get(e.arn()) == e) {
            store.executionEnded(e.arn(), new SfnStore.Ending(r.status().name(), r.output(), r.error(), r.cause(), at));
        }
        return true;
    }

    /** Reads back what the store kept; executions that were running end as {@link #LOST_CAUSE} says. */
    private void restore(SfnStore.Contents kept) {
        for (SfnStore.StoredMachine m : kept.machines()) {
            Program program;
            try {
                program = Definitions.compile(m.definition());
            } catch (InvalidDefinitionException e) {
                throw new IllegalStateException("the kept state machine " + m.arn() + " no longer compiles: " + e.getMessage(), e);
            }
            stateMachines.put(m.arn(), new StateMachine(m.arn(), m.name(), WorkflowType.valueOf(m.type()), m.definition(),
                    m.roleArn(), m.creationDate(), program));
        }
        int lost = 0;
        for (SfnStore.StoredExecution x : kept.executions()) {
            SfnStore.ExecutionStart s = x.start();
            WorkflowType type = WorkflowType.valueOf(s.type());
            StateMachine sm = stateMachines.get(s.stateMachineArn());
            if (sm == null) { // deleted since, or a DISTRIBUTED Map run's machine: described as far as it is known
                sm = new StateMachine(s.stateMachineArn(), s.stateMachineName(), type, "", s.roleArn(), s.startDate(), null);
            }
            SfnStore.Ending ending = x.ending();
            History history = History.restored(clock, type == WorkflowType.STANDARD, historyLimit, x.events(), ending != null);
            if (ending == null) {
                history.subscribe(event -> store.eventAppended(s.arn(), event), false);
                java.time.Instant at = clock.now();
                history.close("ExecutionFailed", details(LOST_ERROR, LOST_CAUSE));
                ending = new SfnStore.Ending(ExecutionStatus.FAILED.name(), null, LOST_ERROR, LOST_CAUSE, at);
                store.executionEnded(s.arn(), ending);
                lost++;
            }
            ExecutionResult result = new ExecutionResult(ExecutionStatus.valueOf(ending.status()), ending.output(),
                    ending.error(), ending.cause());
            executions.put(s.arn(), Execution.restored(s.arn(), s.name(), sm, s.input(), s.startDate(), history, result,
                    ending.stopDate()));
        }
        if (lost > 0) {
            store.sync();
            System.err.println("sfn: " + lost + " execution(s) were running when the service stopped; read back as FAILED ("
                    + LOST_ERROR + ")");
        }
    }

    private void notifyStatus(Execution e) {
        try {
            statusChanges.accept(e.snapshot());
        } catch (RuntimeException ex) {
            // AWS delivers these events at least once and never fails the execution for them: log, go on
            System.err.println("sfn: status change of " + e.arn() + " not delivered: " + ex);
        }
    }

    private String executionArn(StateMachine sm, String name) {
        return "arn:aws:states:" + region + ":" + accountId + ":" + (sm.type() == WorkflowType.EXPRESS ? "express" : "execution")
                + ":" + sm.name() + ":" + name;
    }

    private Execution newExecution(StateMachine sm, String name, String input) {
        Object parsed;
        try {
            parsed = Json.parse(input);
        } catch (IllegalArgumentException ex) {
            throw new SfnServiceException("InvalidExecutionInput", "Invalid State Machine Execution Input: '" + ex.getMessage() + "'");
        }
        History history = sm.type() == WorkflowType.EXPRESS ? History.express(clock) : History.standard(clock, historyLimit);
        Execution e = new Execution(executionArn(sm, name), name, sm, input, clock.now(), history);
        RunContext run = new RunContext(e.arn(), name, sm.arn(), sm.name(), sm.roleArn(), parsed, clock, history, tasks,
                threads, sm.type() == WorkflowType.EXPRESS);
        run.children = this::runMapChild;
        run.resultFileBytes = resultFileBytes;
        run.mapRuns = r -> mapRuns.put(r.arn(), r);
        if (sm.type() == WorkflowType.STANDARD) {
            run.progress = new Progress();
        }
        if (sm.program().timeoutSeconds() != null) {
            run.deadline = run.startTime.plusSeconds(sm.program().timeoutSeconds());
        }
        e.attach(run);
        history.add("ExecutionStarted", () -> Json.object("input", input, "inputDetails", Json.object("truncated", false),
                "roleArn", sm.roleArn(), "stateMachineArn", sm.arn()));
        return e;
    }

    /**
     * A DISTRIBUTED Map item: a registered child execution of the map run's state machine. An input over the 256 KiB
     * payload limit cannot start one: the item fails with States.DataLimitExceeded.
     */
    private ChildExecutions.Outcome runMapChild(RunContext parent, MapRun mapRun, String mapRunName, int index,
                                                Program processor, Object input, boolean express) {
        String json = Json.write(input);
        if (json.length() > Interpreter.MAX_PAYLOAD_BYTES / 3
                && json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > Interpreter.MAX_PAYLOAD_BYTES) {
            return ChildExecutions.Outcome.failed(Errors.DATA_LIMIT_EXCEEDED, "The input of item " + index + " of map run "
                    + mapRun.arn() + " exceeds the maximum of " + Interpreter.MAX_PAYLOAD_BYTES + " bytes", null);
        }
        String arn = "arn:aws:states:" + region + ":" + accountId + ":stateMachine:" + mapRunName;
        StateMachine sm = new StateMachine(arn, mapRunName, express ? WorkflowType.EXPRESS : WorkflowType.STANDARD,
                "", parent.roleArn, clock.now(), processor);
        Execution e = newExecution(sm, mapRun.id() + "_" + index, json);
        e.run().parent = parent;
        e.run().mapRun = mapRun;
        executions.put(e.arn(), e);
        journal(e);
        e.launch();
        execute(e);
        e.completion().join();
        ExecutionDescription d = e.snapshot();
        Map<String, Object> description = resultEntry(d);
        return switch (d.status()) {
            case SUCCEEDED -> ChildExecutions.Outcome.succeeded(Json.parse(d.output()), description);
            case ABORTED -> new ChildExecutions.Outcome("ABORTED", null, d.error(), d.cause(), description);
            case TIMED_OUT -> new ChildExecutions.Outcome("TIMED_OUT", null, d.error(), d.cause(), description);
            default -> ChildExecutions.Outcome.failed(d.error(), d.cause(), description);
        };
    }

    /** A child execution as ResultWriter writes it (AWS's members, in AWS's order). */
    private static Map<String, Object> resultEntry(ExecutionDescription d) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (d.cause() != null) {
            m.put("Cause", d.cause());
        }
        if (d.error() != null) {
            m.put("Error", d.error());
        }
        m.put("ExecutionArn", d.executionArn());
        m.put("Input", d.input());
        m.put("InputDetails", Json.object("Included", true));
        m.put("Name", d.name());
        if (d.output() != null) {
            m.put("Output", d.output());
            m.put("OutputDetails", Json.object("Included", true));
        }
        m.put("RedriveCount", d.redriveCount());
        boolean succeeded = d.status() == ExecutionStatus.SUCCEEDED;
        m.put("RedriveStatus", succeeded ? "NOT_REDRIVABLE" : "REDRIVABLE_BY_MAP_RUN");
        if (succeeded) {
            m.put("RedriveStatusReason", "Execution is SUCCEEDED and cannot be redriven");
        }
        m.put("StartDate", RunContext.TIMESTAMP.format(d.startDate()));
        m.put("StateMachineArn", d.stateMachineArn());
        m.put("Status", d.status().name());
        if (d.stopDate() != null) {
            m.put("StopDate", RunContext.TIMESTAMP.format(d.stopDate()));
        }
        return m;
    }

    // ------------------------------------------------------------ map runs

    /** DescribeMapRun: a DISTRIBUTED Map run, its settings and live counts. */
    public MapRun describeMapRun(String mapRunArn) {
        MapRun r = mapRuns.get(mapRunArn);
        if (r == null) {
            throw new SfnServiceException("ResourceNotFound", "Resource not found: '" + mapRunArn + "'");
        }
        return r;
    }

    /** The ARN of the map run an execution is a child of (DescribeExecution's mapRunArn), or null. */
    public String mapRunArnOf(String executionArn) {
        RunContext run = execution(executionArn).run();
        return run == null || run.mapRun == null ? null : run.mapRun.arn();
    }

    /** ListMapRuns: the map runs an execution started, the latest first. */
    public List<MapRun> listMapRuns(String executionArn) {
        execution(executionArn);
        List<MapRun> out = new ArrayList<>();
        for (MapRun r : mapRuns.values()) {
            if (r.executionArn().equals(executionArn)) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparing(MapRun::startDate).reversed());
        return out;
    }

    /**
     * UpdateMapRun: changes a map run's MaxConcurrency (0: no limit of its own), ToleratedFailurePercentage (0-100)
     * and/or ToleratedFailureCount (>= 0); a running map run applies them at once.
     */
    public void updateMapRun(String mapRunArn, Integer maxConcurrency, Double toleratedFailurePercentage,
                             Long toleratedFailureCount) {
        MapRun r = describeMapRun(mapRunArn);
        if (maxConcurrency == null && toleratedFailurePercentage == null && toleratedFailureCount == null) {
            throw new SfnServiceException("ValidationException", "At least one of maxConcurrency, "
                    + "toleratedFailurePercentage or toleratedFailureCount must be specified");
        }
        if (maxConcurrency != null && maxConcurrency < 0) {
            throw new SfnServiceException("ValidationException", "1 validation error detected: Value '" + maxConcurrency
                    + "' at 'maxConcurrency' failed to satisfy constraint: Member must have value greater than or equal to 0");
        }
        if (toleratedFailurePercentage != null && (toleratedFailurePercentage < 0 || toleratedFailurePercentage > 100)) {
            throw new SfnServiceException("ValidationException", "1 validation error detected: Value '"
                    + toleratedFailurePercentage + "' at 'toleratedFailurePercentage' failed to satisfy constraint: "
                    + "Member must have value between 0 and 100");
        }
        if (toleratedFailureCount != null && toleratedFailureCount < 0) {
            throw new SfnServiceException("ValidationException", "1 validation error detected: Value '"
                    + toleratedFailureCount + "' at 'toleratedFailureCount' failed to satisfy constraint: "
                    + "Member must have value greater than or equal to 0");
        }
        r.update(maxConcurrency, toleratedFailurePercentage, toleratedFailureCount);
    }

    private void execute(Execution e) {
        execute(e, false);
    }

    private void execute(Execution e, boolean redrive) {
        java.util.concurrent.CompletableFuture<Void> attempt = e.attempt();
        try {
            attempt(e, redrive);
        } finally {
            attempt.complete(null);
        }
    }

    private void attempt(Execution e, boolean redrive) {
        RunContext run = e.run();
        try {
            Interpreter interpreter = new Interpreter(run);
            Object out = redrive ? interpreter.redrive(e.stateMachine().program())
                    : interpreter.run(e.stateMachine().program(), run.input, new Variables(null));
            String output = Json.write(out);
            end(e, ExecutionResult.succeeded(output), "ExecutionSucceeded",
                    Json.object("output", output, "outputDetails", Json.object("truncated", false)));
        } catch (SfnException ex) {
            end(e, ExecutionResult.failed(ex.error(), ex.cause()), "ExecutionFailed", details(ex.error(), ex.cause()));
        } catch (Interpreter.ExecutionTimedOut ex) {
            end(e, new ExecutionResult(ExecutionStatus.TIMED_OUT, null, Errors.TIMEOUT, null), "ExecutionTimedOut",
                    details(Errors.TIMEOUT, null));
        } catch (History.LimitReached ex) {
            end(e, ExecutionResult.failed(Errors.RUNTIME, History.LIMIT_CAUSE), "ExecutionFailed",
                    details(Errors.RUNTIME, History.LIMIT_CAUSE));
        } catch (Interpreter.Stopped ex) {
            // stopExecution has already recorded the end; a child stopped with its parent records it here
            end(e, new ExecutionResult(ExecutionStatus.ABORTED, null, null, null), "ExecutionAborted", Map.of());
        } catch (RuntimeException ex) {
            String cause = ex.getClass().getName() + ": " + ex.getMessage();
            end(e, ExecutionResult.failed(Errors.RUNTIME, cause), "ExecutionFailed", details(Errors.RUNTIME, cause));
        }
    }

    private static Map<String, Object> details(String error, String cause) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (error != null) {
            m.put("error", error);
        }
        if (cause != null) {
            m.put("cause", cause);
        }
        return m;
    }

    public Execution execution(String executionArn) {
        Execution e = executions.get(executionArn);
        if (e == null) {
            throw new SfnServiceException("ExecutionDoesNotExist", "Execution Does Not Exist: '" + executionArn + "'");
        }
        return e;
    }

    public ExecutionDescription describeExecution(String executionArn) {
        return execution(executionArn).snapshot();
    }

    /** Blocks until the execution ends (tests, .sync integrations, the command line). */
    public ExecutionDescription awaitExecution(String executionArn, Duration timeout) {
        Execution e = execution(executionArn);
        try {
            e.completion().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException ex) {
            // still running: describe as is
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException ex) {
            throw new IllegalStateException(ex.getCause());
        }
        return e.snapshot();
    }

    public ExecutionDescription stopExecution(String executionArn, String error, String cause) {
        Execution e = execution(executionArn);
        if (end(e, new ExecutionResult(ExecutionStatus.ABORTED, null, error, cause), "ExecutionAborted", details(error, cause))) {
            e.run().stop();
            for (MapRun r : mapRuns.values()) {
                if (r.executionArn().equals(executionArn)) {
                    r.abort(clock.now());
                }
            }
        }
        store.sync();
        return e.snapshot();
    }

    /** ListExecutions of a state machine (or of a DISTRIBUTED Map run's child machine, "parent/Label"). */
    public List<ExecutionDescription> listExecutions(String stateMachineArn, ExecutionStatus statusFilter) {
        if (!stateMachines.containsKey(stateMachineArn)
                && executions.values().stream().noneMatch(e -> e.stateMachine().arn().equals(stateMachineArn))) {
            stateMachine(stateMachineArn);
        }
        List<ExecutionDescription> out = new ArrayList<>();
        for (Execution e : executions.values()) {
            if (e.stateMachine().arn().equals(stateMachineArn)) {
                ExecutionDescription d = e.snapshot();
                if (statusFilter == null || d.status() == statusFilter) {
                    out.add(d);
                }
            }
        }
        out.sort(Comparator.comparing(ExecutionDescription::startDate).reversed());
        return out;
    }

    // ------------------------------------------------------------ TestState

    /**
     * TestState: runs one state once, outside any execution (no history, not listed), with the task resources,
     * clock and threads of this service. An invalid definition is refused with InvalidDefinition.
     */
    public StateTest.Result testState(StateTest.Request request, String roleArn) {
        State state;
        try {
            state = StateTest.compile(request.definition(), request.stateName());
        } catch (InvalidDefinitionException e) {
            throw new SfnServiceException("InvalidDefinition", e.getMessage());
        }
        String id = UUID.randomUUID().toString();
        String machine = "TestStateMachine";
        RunContext run = new RunContext("arn:aws:states:" + region + ":" + accountId + ":execution:" + machine + ":" + id,
                id, "arn:aws:states:" + region + ":" + accountId + ":stateMachine:" + machine, machine,
                roleArn == null ? "arn:aws:iam::" + accountId + ":role/StepFunctionsRole" : roleArn, request.input(),
                clock, History.express(clock), tasks, threads, true);
        return StateTest.run(state, request, run);
    }

    // ------------------------------------------------------------ redrive

    /** How long after its end an execution may be redriven (AWS's redrivable period). */
    public static final Duration REDRIVABLE_PERIOD = Duration.ofDays(14);

    /** DescribeExecution's redriveStatus and, where AWS gives one, redriveStatusReason. */
    public record RedriveStatus(String status, String reason) {
    }

    /**
     * Whether RedriveExecution would restart the execution now, and why not: REDRIVABLE for a Standard execution that
     * failed, timed out or was aborted within the last 14 days with room left in its history; REDRIVABLE_BY_MAP_RUN
     * for an unsuccessful child execution of a DISTRIBUTED Map (its parent's redrive reruns it); NOT_REDRIVABLE
     * otherwise.
     */
    public RedriveStatus redriveStatus(String executionArn) {
        return redriveStatus(execution(executionArn));
    }

    private RedriveStatus redriveStatus(Execution e) {
        ExecutionResult r = e.result();
        RunContext run = e.run();
        if (r == null) {
            return new RedriveStatus("NOT_REDRIVABLE", "Execution is RUNNING and cannot be redriven");
        }
        if (r.status() == ExecutionStatus.SUCCEEDED) {
            return new RedriveStatus("NOT_REDRIVABLE", "Execution is SUCCEEDED and cannot be redriven");
        }
        if (e.stateMachine().type() == WorkflowType.EXPRESS) {
            return new RedriveStatus("NOT_REDRIVABLE", null);
        }
        if (run == null || run.progress == null) {   // read back from the data directory: where it stopped is not kept
            return new RedriveStatus("NOT_REDRIVABLE", "Execution was read back after a restart of the local service; "
                    + "the progress a redrive resumes from is not kept");
        }
        if (run.parent != null) {
            return new RedriveStatus("REDRIVABLE_BY_MAP_RUN", null);
        }
        if (!stateMachines.containsKey(e.stateMachine().arn())) {
            return new RedriveStatus("NOT_REDRIVABLE", "State machine is in DELETING status.");
        }
        if (!e.history().roomForRedrive() || History.LIMIT_CAUSE.equals(r.cause())) {
            return new RedriveStatus("NOT_REDRIVABLE", "Execution history event limit exceeded.");
        }
        if (e.stopDate().plus(REDRIVABLE_PERIOD).isBefore(clock.now())) {
            return new RedriveStatus("NOT_REDRIVABLE", "Execution redrivable period exceeded.");
        }
        return new RedriveStatus("REDRIVABLE", null);
    }

    /**
     * RedriveExecution: restarts a failed, timed-out or aborted Standard execution from the state(s) it did not
     * finish, with the input they had; states that succeeded are not run again, and in a Parallel or Map state only
     * the branches/iterations that failed or were aborted rerun. The history gets ExecutionRedriven and goes on.
     * A repeated {@code clientToken} returns the earlier redrive. Refused with ExecutionNotRedrivable otherwise.
     */
    public Instant redriveExecution(String executionArn, String clientToken) {
        Execution e = execution(executionArn);
        Instant now = clock.now();
        if (e.result() != null) {
            // a stopped attempt ends at once, its thread soon after: it must have let go before the redrive runs
            try {
                e.attempt().get(1, TimeUnit.MINUTES);
            } catch (TimeoutException | java.util.concurrent.ExecutionException ex) {
                // checked again below, under the lock
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (e) {
            Instant earlier = e.redrivenWith(clientToken, now);
            if (earlier != null) {
                return earlier;
            }
            RedriveStatus status = redriveStatus(e);
            if ("REDRIVABLE".equals(status.status()) && !e.attempt().isDone()) {
                status = new RedriveStatus("NOT_REDRIVABLE", "The stopped attempt has not ended yet");
            }
            if (!"REDRIVABLE".equals(status.status())) {
                throw new SfnServiceException("ExecutionNotRedrivable", "Execution is not redrivable: '" + executionArn
                        + "'" + (status.reason() == null ? "" : " (" + status.reason() + ")"));
            }
            e.redrive(clientToken, now);
            RunContext run = e.run();
            run.redrive(e.stateMachine().program().timeoutSeconds());
            e.history().reopen();
            int count = run.redriveCount;
            e.history().add("ExecutionRedriven", Json.object("redriveCount", count));
        }
        notifyStatus(e);
        e.completion().whenComplete((r, ex) -> notifyStatus(e));
        threads.submit(() -> execute(e, true));
        return now;
    }

    public List<HistoryEvent> getExecutionHistory(String executionArn) {
        Execution e = execution(executionArn);
        if (e.stateMachine().type() == WorkflowType.EXPRESS) {
            throw new SfnServiceException("InvalidArn", "Invalid Arn: 'Resource type not valid in this context: express'");
        }
        return e.history().events();
    }

    // ------------------------------------------------------------ task tokens

    /** Registers a task token before its task starts; the dispatcher then waits on it. */
    public TaskTokenWait registerToken(String token) {
        TaskTokenWait w = new TaskTokenWait();
        tokens.put(token, w);
        return w;
    }

    public void forgetToken(String token) {
        tokens.remove(token);
    }

    public void sendTaskSuccess(String taskToken, String outputJson) {
        Object out;
        try {
            out = Json.parse(outputJson);
        } catch (IllegalArgumentException e) {
            throw new SfnServiceException("InvalidOutput", "Invalid Output: '" + e.getMessage() + "'");
        }
        token(taskToken).result.complete(out);
    }

    public void sendTaskFailure(String taskToken, String error, String cause) {
        token(taskToken).result.completeExceptionally(new SfnException(error, cause));
    }

    public void sendTaskHeartbeat(String taskToken) {
        token(taskToken).lastBeatNanos = System.nanoTime();
    }

    private TaskTokenWait token(String taskToken) {
        TaskTokenWait w = taskToken == null ? null : tokens.get(taskToken);
        if (w == null || w.result.isDone()) {
            throw new SfnServiceException(taskToken == null || taskToken.isEmpty() ? "InvalidToken" : "TaskDoesNotExist",
                    "Task Does Not Exist: '" + taskToken + "'");
        }
        return w;
    }

    /** Waits for a token's result, honouring TimeoutSeconds and HeartbeatSeconds (in real time). */
    public Object awaitToken(String token, TaskTokenWait w, Integer timeoutSeconds, Integer heartbeatSeconds,
                             RunContext run) {
        long start = System.nanoTime();
        try {
            while (true) {
                if (run.stopped()) {
                    throw new Interpreter.Stopped();
                }
                try {
                    return w.result.get(50, TimeUnit.MILLISECONDS);
                } catch (TimeoutException ex) {
                    long now = System.nanoTime();
                    if (timeoutSeconds != null && now - start > TimeUnit.SECONDS.toNanos(timeoutSeconds)) {
                        throw new SfnException(Errors.TIMEOUT, null);
                    }
                    if (heartbeatSeconds != null && now - w.lastBeatNanos > TimeUnit.SECONDS.toNanos(heartbeatSeconds)) {
                        throw new SfnException(Errors.HEARTBEAT_TIMEOUT, null);
                    }
                } catch (java.util.concurrent.ExecutionException ex) {
                    if (ex.getCause() instanceof SfnException se) {
                        throw se;
                    }
                    throw new SfnException(Errors.TASK_FAILED, String.valueOf(ex.getCause()));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new Interpreter.Stopped();
                }
            }
        } finally {
            tokens.remove(token);
        }
    }

    @Override
    public void close() {
        // first: executions stopped by the close are not recorded as ended, so that a restart reads them back as lost
        store.close();
        for (Execution e : executions.values()) {
            RunContext r = e.run();
            if (r != null) {
                r.stop();
            }
        }
        threads.shutdownNow();
    }
}
