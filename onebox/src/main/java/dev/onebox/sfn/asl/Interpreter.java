package dev.onebox.sfn.asl;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Runs compiled state graphs. One instance per execution; Parallel branches and Map
 * iterations reuse it (on other threads when they contain Task states).
 */
public final class Interpreter {
    /** AWS's payload limit: 256 KiB. */
    public static final int MAX_PAYLOAD_BYTES = 256 * 1024;

    private final RunContext run;
    private final History history;
    private final boolean recording;

    public Interpreter(RunContext run) {
        this.run = run;
        this.history = run.history;
        this.recording = history.recording();
    }

    /** Thrown when StopExecution was called; ends the run without a failure. */
    public static final class Stopped extends RuntimeException {
        public Stopped() {
            super("stopped", null, false, false);
        }
    }

    /** Runs a whole program; returns its output or throws the unhandled SfnException. */
    public Object run(Program program, Object input, Variables variables) {
        return run(program, input, variables, run.progress, false);
    }

    /**
     * RedriveExecution: resumes the program at the state that was in progress when the execution ended, with the
     * input and variables it had; a Parallel or Map state in progress reruns only its unfinished branches/iterations.
     */
    public Object redrive(Program program) {
        Progress p = run.progress;
        if (!p.resumable()) {
            // stopped before its first state was entered: it starts again from the beginning
            return run(program, run.input, new Variables(null), p, false);
        }
        return run(program, p.input(), p.variables(), p, true);
    }

    /** TestState: runs one state once; Retry is reported (not slept on) and no history is kept. */
    Object test(State s, Object input, Variables variables, StateTest.Inspection inspection) {
        Step step = new Step();
        step.test = inspection;
        Object out = runState(s, input, variables, step);
        inspection.next = step.next == null ? null : step.next.name;
        return out;
    }

    private Object run(Program program, Object input, Variables variables, Progress progress, boolean resume) {
        State s;
        Object data;
        Variables vars = variables;
        boolean resuming = resume && progress != null && progress.resumable();
        if (resuming) {
            s = program.states().get(progress.state());
            data = progress.input();
            vars = progress.variables();
        } else {
            s = program.start();
            data = input;
        }
        Instant deadline = run.deadline;
        while (true) {
            if (run.stopped()) {
                throw new Stopped();
            }
            if (deadline != null && run.clock.now().isAfter(deadline)) {
                throw new ExecutionTimedOut();
            }
            Step step = new Step();
            step.progress = progress;
            step.resume = resuming;
            resuming = false;
            Object out = runState(s, data, vars, step);
            if (step.next == null) {
                if (progress != null) {
                    progress.finish(out);
                }
                return out;
            }
            data = out;
            s = step.next;
        }
    }

    /** Where a state goes next (null: the program ends), and how it is run. */
    private static final class Step {
        State next;
        long enteredId;
        /** The graph's progress (Standard executions), or null. */
        Progress progress;
        /** Redrive: the state continues where it was; it is not entered again. */
        boolean resume;
        /** TestState: what the state did, step by step; null in executions. */
        StateTest.Inspection test;
    }

    private Object runState(State s, Object input, Variables vars, Step step) {
        final Object stateInput = input;
        long entered;
        if (step.resume) {
            entered = step.progress.enteredId();
        } else {
            entered = recording
                    ? history.add(s.type + "StateEntered", Json.object("name", s.name, "input", Json.lazy(stateInput)))
                    : history.count(1);
            if (step.progress != null) {
                step.progress.enter(s.name, stateInput, vars, entered);
            }
        }
        step.enteredId = entered;
        if (step.test != null) {
            step.test.put("input", stateInput);
        }
        int retryCount = 0;
        int[] attempts = s.retry.isEmpty() ? null : new int[s.retry.size()];
        while (true) {
            try {
                Object out = execute(s, stateInput, vars, step, retryCount);
                if (!(s instanceof State.Fail)) {
                    checkSize(s, out);
                    if (recording) {
                        history.add(s.type + "StateExited", Json.object("name", s.name, "output", Json.lazy(out)));
                    } else {
                        history.count(1);
                    }
                }
                return out;
            } catch (SfnException e) {
                SfnException err = decorate(e, s, entered);
                if (Errors.QUERY_EVALUATION.equals(err.error())) {
                    history.add("EvaluationFailed", () -> Json.object("error", err.error(), "cause", err.cause(),
                            "state", s.name));
                }
                if (attempts != null && !Errors.RUNTIME.equals(err.error()) && !Errors.DATA_LIMIT_EXCEEDED.equals(err.error())) {
                    State.Retrier r = null;
                    int idx = -1;
                    for (int i = 0; i < s.retry.size(); i++) {
                        if (s.retry.get(i).matches(err.error())) {
                            r = s.retry.get(i);
                            idx = i;
                            break;
                        }
                    }
                    if (r != null && step.test != null) {
                        if (step.test.retrierRetryCount() < r.maxAttempts()) {
                            step.test.retriable(err);
                            return null;
                        }
                        r = null;
                    }
                    if (r != null && attempts[idx] < r.maxAttempts()) {
                        double delay = r.intervalSeconds() * Math.pow(r.backoffRate(), attempts[idx]);
                        if (r.maxDelaySeconds() != null) {
                            delay = Math.min(delay, r.maxDelaySeconds());
                        }
                        if (r.fullJitter()) {
                            delay = ThreadLocalRandom.current().nextDouble() * delay;
                        }
                        attempts[idx]++;
                        retryCount++;
                        sleep(Duration.ofNanos((long) (delay * 1e9)));
                        step.resume = false;
                        if (step.progress != null) {
                            step.progress.restartState();
                        }
                        continue;
                    }
                }
                if (!s.catchers.isEmpty() && !Errors.RUNTIME.equals(err.error())) {
                    for (State.Catcher c : s.catchers) {
                        if (c.matches(err.error())) {
                            Object out = caught(s, c, stateInput, vars, err, step, retryCount);
                            if (step.test != null) {
                                step.test.caught(err);
                            }
                            return out;
                        }
                    }
                }
                throw err;
            }
        }
    }

    private SfnException decorate(SfnException e, State s, long entered) {
        String err = e.error();
        if ((Errors.RUNTIME.equals(err) || Errors.QUERY_EVALUATION.equals(err) || Errors.INTRINSIC_FAILURE.equals(err))
                && e.cause() != null && !e.cause().startsWith("An error occurred while executing the state")) {
            return new SfnException(err, "An error occurred while executing the state '" + s.name
                    + "' (entered at the event id #" + entered + "). " + e.cause());
        }
        return e;
    }

    private Object caught(State s, State.Catcher c, Object stateInput, Variables vars, SfnException err, Step step,
                          int retryCount) {
        Map<String, Object> errorOutput = new LinkedHashMap<>();
        errorOutput.put("Error", err.error());
        errorOutput.put("Cause", err.cause());
        Object out;
        if (s.jsonata()) {
            Scope scope = scope(s, stateInput, vars, retryCount, null).withErrorOutput(errorOutput);
            Map<String, Object> assigned = c.assign() == null ? null : assignValues(c.assign(), scope);
            out = c.output() == null ? errorOutput : c.output().evaluate(scope);
            if (assigned != null) {
                vars.assign(assigned);
            }
        } else {
            if (c.assign() != null) {
                Scope scope = scope(s, errorOutput, vars, retryCount, null);
                vars.assign(assignValues(c.assign(), scope));
            }
            if (c.discardResult()) {
                out = stateInput;
            } else if (c.resultPath() == null) {
                out = errorOutput;
            } else {
                out = c.resultPath().set(stateInput, errorOutput);
            }
        }
        step.next = s.catchTargets.get(c.next());
        return out;
    }

    private Scope scope(State s, Object value, Variables vars, int retryCount, String token) {
        Supplier<Object> ctx = () -> run.contextObject(s.name, run.clock.now(), retryCount, token, null, -1);
        return new Scope(value, ctx, vars);
    }

    private void sleep(Duration d) {
        Instant deadline = run.deadline;
        if (deadline != null && run.clock.now().plus(d).isAfter(deadline)) {
            Duration left = Duration.between(run.clock.now(), deadline);
            sleepFor(left.isNegative() ? Duration.ZERO : left);
            throw new ExecutionTimedOut();
        }
        sleepFor(d);
    }

    private void sleepFor(Duration d) {
        try {
            if (!run.clock.sleep(d, run::stopped)) {
                throw new Stopped();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        }
    }

    private void checkSize(State s, Object out) {
        if (exceeds(out, MAX_PAYLOAD_BYTES)) {
            throw new SfnException(Errors.DATA_LIMIT_EXCEEDED, "The state/task '" + s.name
                    + "' returned a result with a size exceeding the maximum number of bytes service limit.");
        }
    }

    /** Whether the JSON text of v is longer than limit bytes (estimated without writing it). */
    static boolean exceeds(Object v, int limit) {
        return estimate(v, limit) > limit;
    }

    private static long estimate(Object v, long budget) {
        if (v instanceof String s) {
            return s.length() + 2L + (s.length() > 64 ? countExtra(s) : 0);
        }
        if (v instanceof Map<?, ?> m) {
            long n = 2;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                n += ((String) e.getKey()).length() + 4 + estimate(e.getValue(), budget - n);
                if (n > budget) {
                    return n;
                }
            }
            return n;
        }
        if (v instanceof List<?> l) {
            long n = 2;
            for (Object o : l) {
                n += 1 + estimate(o, budget - n);
                if (n > budget) {
                    return n;
                }
            }
            return n;
        }
        return 8;
    }

    private static long countExtra(String s) {
        long extra = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0x7f) {
                extra += c > 0x7ff ? 2 : 1;
            } else if (c == '"' || c == '\\' || c < 0x20) {
                extra += 1;
            }
        }
        return extra;
    }

    // ---------------------------------------------------------------- states

    private Object execute(State s, Object rawInput, Variables vars, Step step, int retryCount) {
        if (s.jsonata()) {
            return executeJsonata(s, rawInput, vars, step, retryCount);
        }
        return executeJsonPath(s, rawInput, vars, step, retryCount);
    }

    private Object applyInputPath(State s, Scope raw) {
        if (s.inputNull) {
            return new LinkedHashMap<>();
        }
        if (s.inputPath == null) {
            return raw.input();
        }
        Object v = raw.read(s.inputPath);
        if (v == Path.MISSING) {
            throw SfnException.runtime("Invalid path '" + s.inputPath.text() + "' : No results for path: "
                    + s.inputPath.bracketNotation());
        }
        return v;
    }

    private Object applyOutputPath(State s, Scope scope, Object value) {
        if (s.outputNull) {
            return new LinkedHashMap<>();
        }
        if (s.outputPath == null) {
            return value;
        }
        Object v = scope.with(value).read(s.outputPath);
        if (v == Path.MISSING) {
            throw SfnException.runtime("Invalid path '" + s.outputPath.text() + "' : No results for path: "
                    + s.outputPath.bracketNotation());
        }
        return v;
    }

    private Object applyResultPath(State s, Object rawInput, Object result) {
        if (s.resultDiscard) {
            return rawInput;
        }
        if (s.resultPath == null) {
            return result;
        }
        return s.resultPath.set(rawInput, result);
    }

    private static Map<String, Object> assignValues(PayloadTemplate t, Scope scope) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) t.evaluate(scope);
        return m;
    }

    private Object executeJsonPath(State s, Object rawInput, Variables vars, Step step, int retryCount) {
        String token = null;
        if (s instanceof State.Task t && t.resource != null && t.resource.endsWith(".waitForTaskToken")) {
            token = UUID.randomUUID().toString();
        }
        Scope raw = scope(s, rawInput, vars, retryCount, token);
        if (s instanceof State.Choice c) {
            Object in = applyInputPath(s, raw);
            Scope scope = raw.with(in);
            for (State.ChoiceRule rule : c.choices) {
                if (rule.condition().test(scope)) {
                    if (rule.assign() != null) {
                        vars.assign(assignValues(rule.assign(), scope));
                    }
                    step.next = c.targets.get(rule.next());
                    return applyOutputPath(s, scope, in);
                }
            }
            if (c.defaultNext == null) {
                throw new SfnException(Errors.NO_CHOICE_MATCHED, "No Matches!");
            }
            if (s.assign != null) {
                vars.assign(assignValues(s.assign, scope));
            }
            step.next = c.targets.get(c.defaultNext);
            return applyOutputPath(s, scope, in);
        }
        if (s instanceof State.Fail f) {
            String error = f.errorPath != null ? stringOf(f.errorPath.evaluate(raw)) : (String) f.error;
            String cause = f.causePath != null ? stringOf(f.causePath.evaluate(raw)) : (String) f.cause;
            throw new FailState(error, cause);
        }
        Object in = applyInputPath(s, raw);
        StateTest.Inspection test = step.test;
        if (test != null) {
            test.put("afterInputPath", in);
        }
        Scope scope = raw.with(in);
        Object result;
        if (s instanceof State.Pass p) {
            if (p.hasResult) {
                result = p.result;
            } else if (p.parameters != null) {
                result = p.parameters.evaluate(scope);
                if (test != null) {
                    test.put("afterParameters", result);
                }
            } else {
                result = in;
            }
        } else if (s instanceof State.Succeed) {
            step.next = null;
            return applyOutputPath(s, scope, in);
        } else if (s instanceof State.Wait w) {
            waitFor(w, scope, null);
            result = in;
            if (s.assign != null) {
                vars.assign(assignValues(s.assign, scope));
            }
            step.next = s.nextState;
            return applyOutputPath(s, scope, in);
        } else if (s instanceof State.Task t) {
            Object params = s.parameters != null ? s.parameters.evaluate(scope) : in;
            if (test != null) {
                test.put("afterParameters", params);
            }
            result = task(t, params, token, scope, step);
        } else if (s instanceof State.Parallel p) {
            Object branchInput = s.parameters != null ? s.parameters.evaluate(scope) : in;
            if (test != null) {
                test.put("afterParameters", branchInput);
            }
            result = parallel(p, branchInput, vars, step);
        } else {
            State.MapState m = (State.MapState) s;
            result = map(m, scope, vars, retryCount, step);
        }
        if (test != null) {
            test.put("result", result);
        }
        if (s.resultSelector != null) {
            result = s.resultSelector.evaluate(scope.with(result));
            if (test != null) {
                test.put("afterResultSelector", result);
            }
        }
        if (s.assign != null) {
            vars.assign(assignValues(s.assign, scope.with(result)));
        }
        checkSize(s, result);
        Object out = applyResultPath(s, rawInput, result);
        if (test != null) {
            test.put("afterResultPath", out);
        }
        step.next = s.nextState;
        return applyOutputPath(s, raw, out);
    }

    private static String stringOf(Object v) {
        if (v == null || v instanceof String) {
            return (String) v;
        }
        return Json.write(v);
    }

    /** The state machine's TimeoutSeconds passed: the execution ends TIMED_OUT; nothing catches it. */
    public static final class ExecutionTimedOut extends RuntimeException {
        public ExecutionTimedOut() {
            super("The execution timed out", null, false, false);
        }
    }

    /** A Fail state: its error and cause end the run unless an enclosing state catches them. */
    public static final class FailState extends SfnException {
        public FailState(String error, String cause) {
            super(error, cause);
        }
    }

    private Object executeJsonata(State s, Object rawInput, Variables vars, Step step, int retryCount) {
        String token = null;
        if (s instanceof State.Task t && t.resource != null && t.resource.endsWith(".waitForTaskToken")) {
            token = UUID.randomUUID().toString();
        }
        Scope scope = scope(s, rawInput, vars, retryCount, token);
        if (s instanceof State.Choice c) {
            for (State.ChoiceRule rule : c.choices) {
                if (rule.condition().test(scope)) {
                    Map<String, Object> assigned = rule.assign() == null ? null : assignValues(rule.assign(), scope);
                    // a matching rule uses its own Assign/Output; the state's apply to Default only
                    Object out = rule.output() != null ? rule.output().evaluate(scope) : rawInput;
                    if (assigned != null) {
                        vars.assign(assigned);
                    }
                    step.next = c.targets.get(rule.next());
                    return out;
                }
            }
            if (c.defaultNext == null) {
                throw new SfnException(Errors.NO_CHOICE_MATCHED, "No Matches!");
            }
            Map<String, Object> assigned = s.assign == null ? null : assignValues(s.assign, scope);
            Object out = s.output != null ? s.output.evaluate(scope) : rawInput;
            if (assigned != null) {
                vars.assign(assigned);
            }
            step.next = c.targets.get(c.defaultNext);
            return out;
        }
        if (s instanceof State.Fail f) {
            String error = f.error instanceof JsonataExpression e ? stringOf(evalExpr(e, scope)) : (String) f.error;
            String cause = f.cause instanceof JsonataExpression e ? stringOf(evalExpr(e, scope)) : (String) f.cause;
            throw new FailState(error, cause);
        }
        Object result;
        boolean hasResult = true;
        if (s instanceof State.Pass) {
            result = rawInput;
            hasResult = false;
        } else if (s instanceof State.Succeed) {
            step.next = null;
            return s.output != null ? s.output.evaluate(scope) : rawInput;
        } else if (s instanceof State.Wait w) {
            waitFor(w, scope, scope);
            result = rawInput;
            hasResult = false;
        } else if (s instanceof State.Task t) {
            Object args = s.arguments != null ? s.arguments.evaluate(scope) : rawInput;
            if (step.test != null) {
                step.test.put("afterArguments", args);
            }
            result = task(t, args, token, scope, step);
        } else if (s instanceof State.Parallel p) {
            Object args = s.arguments != null ? s.arguments.evaluate(scope) : rawInput;
            if (step.test != null) {
                step.test.put("afterArguments", args);
            }
            result = parallel(p, args, vars, step);
        } else {
            result = map((State.MapState) s, scope, vars, retryCount, step);
        }
        if (step.test != null && hasResult) {
            step.test.put("result", result);
        }
        Scope after = hasResult ? scope.withResult(result) : scope;
        Map<String, Object> assigned = s.assign == null ? null : assignValues(s.assign, after);
        Object out = s.output != null ? s.output.evaluate(after) : result;
        if (assigned != null) {
            vars.assign(assigned);
        }
        step.next = s.nextState;
        return out;
    }

    private static Object evalExpr(JsonataExpression e, Scope scope) {
        Object v = e.evaluate(scope.states(), scope.variables());
        if (v == Path.MISSING) {
            throw SfnException.query("The JSONata expression '" + e.source() + "' specified for the field '"
                    + e.field() + "' returned nothing (undefined).");
        }
        return v;
    }

    // ---------------------------------------------------------------- Wait

    private void waitFor(State.Wait w, Scope scope, Scope jsonata) {
        Duration d;
        if (w.seconds instanceof Number n) {
            d = Duration.ofSeconds(n.longValue());
        } else if (w.seconds instanceof JsonataExpression e) {
            Object v = evalExpr(e, jsonata);
            if (!(v instanceof Number n) || !Json.isIntegral(n) || n.longValue() < 0) {
                throw SfnException.query("The JSONata expression '" + e.source()
                        + "' specified for the field 'Seconds' returned an unexpected result type. Expected 'integer', but was '"
                        + Json.typeName(v) + "' for value: " + Json.write(v));
            }
            d = Duration.ofSeconds(n.longValue());
        } else if (w.secondsPath != null) {
            Object v = scope.read(w.secondsPath);
            if (v == Path.MISSING) {
                throw SfnException.runtime("The SecondsPath parameter does not reference an input value: " + w.secondsPath.text());
            }
            if (!(v instanceof Number n) || !Json.isIntegral(n)) {
                throw SfnException.runtime("The SecondsPath parameter cannot be parsed as a long value: "
                        + w.secondsPath.text() + " == " + Json.write(v));
            }
            if (n.longValue() < 0) {
                throw SfnException.runtime("The SecondsPath parameter references a negative value: "
                        + w.secondsPath.text() + " == " + Json.write(v));
            }
            d = Duration.ofSeconds(n.longValue());
        } else {
            String ts;
            if (w.timestamp instanceof String s) {
                ts = s;
            } else if (w.timestamp instanceof JsonataExpression e) {
                Object v = evalExpr(e, jsonata);
                if (!(v instanceof String s) || Condition.timestamp(s) == null) {
                    throw SfnException.query("The JSONata expression '" + e.source()
                            + "' specified for the field 'Timestamp' returned an unexpected result. Expected a valid timestamp, but was: "
                            + Json.write(v));
                }
                ts = s;
            } else {
                Object v = scope.read(w.timestampPath);
                if (v == Path.MISSING) {
                    throw SfnException.runtime("The TimestampPath parameter does not reference an input value: " + w.timestampPath.text());
                }
                if (!(v instanceof String s) || Condition.timestamp(s) == null) {
                    throw SfnException.runtime("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: "
                            + w.timestampPath.text() + " == " + Json.write(v));
                }
                ts = s;
            }
            OffsetDateTime when = Condition.timestamp(ts);
            d = Duration.between(run.clock.now(), when.toInstant());
            if (d.isNegative()) {
                d = Duration.ZERO;
            }
        }
        if (!d.isZero()) {
            sleep(d);
        }
    }

    // ---------------------------------------------------------------- Task

    private Object task(State.Task t, Object params, String token, Scope scope, Step step) {
        String resource = t.resource;
        Integer timeout = t.timeoutSeconds;
        if (t.timeoutSecondsDynamic != null) {
            Object v = t.timeoutSecondsDynamic.evaluate(scope);
            timeout = v instanceof Number n ? n.intValue() : null;
        }
        Integer heartbeat = t.heartbeatSeconds;
        if (t.heartbeatSecondsDynamic != null) {
            Object v = t.heartbeatSecondsDynamic.evaluate(scope);
            heartbeat = v instanceof Number n ? n.intValue() : null;
        }
        boolean lambdaArn = resource.startsWith("arn:aws:lambda:");
        String[] kind = resourceKind(resource);
        if (recording) {
            if (lambdaArn) {
                history.add("LambdaFunctionScheduled", Json.object("resource", resource, "input", Json.lazy(params)));
                history.add("LambdaFunctionStarted", Map.of());
            } else {
                Map<String, Object> d = Json.object("resourceType", kind[0], "resource", kind[1], "region", "us-east-1",
                        "parameters", Json.lazy(params));
                if (timeout != null) {
                    d.put("timeoutInSeconds", timeout);
                }
                if (heartbeat != null) {
                    d.put("heartbeatInSeconds", heartbeat);
                }
                history.add("TaskScheduled", d);
                history.add("TaskStarted", Json.object("resourceType", kind[0], "resource", kind[1]));
            }
        } else {
            history.count(2);
        }
        try {
            Object result = step.test != null && step.test.mocked()
                    ? step.test.mockResult()
                    : run.tasks.execute(new TaskCall(resource, params, t.name, token, timeout, heartbeat, run));
            if (recording) {
                if (lambdaArn) {
                    history.add("LambdaFunctionSucceeded", Json.object("output", Json.lazy(result)));
                } else {
                    history.add("TaskSucceeded", Json.object("resourceType", kind[0], "resource", kind[1],
                            "output", Json.lazy(result)));
                }
            } else {
                history.count(1);
            }
            return result;
        } catch (SfnException e) {
            if (recording) {
                String type = lambdaArn ? "LambdaFunction" : "Task";
                if (Errors.TIMEOUT.equals(e.error()) || Errors.HEARTBEAT_TIMEOUT.equals(e.error())) {
                    history.add(type + "TimedOut", lambdaArn ? Json.object("error", e.error(), "cause", e.cause())
                            : Json.object("resourceType", kind[0], "resource", kind[1], "error", e.error(), "cause", e.cause()));
                } else {
                    history.add(type + "Failed", lambdaArn ? Json.object("error", e.error(), "cause", e.cause())
                            : Json.object("resourceType", kind[0], "resource", kind[1], "error", e.error(), "cause", e.cause()));
                }
            } else {
                history.count(1);
            }
            throw e;
        }
    }

    /** "arn:aws:states:::lambda:invoke" → ["lambda", "invoke"]; aws-sdk → ["aws-sdk:dynamodb", "getItem"]. */
    static String[] resourceKind(String resource) {
        String prefix = "arn:aws:states:::";
        int i = resource.indexOf(":::");
        if (i < 0) {
            return new String[] {"lambda", resource};
        }
        String rest = resource.substring(i + 3);
        if (rest.startsWith("aws-sdk:")) {
            int j = rest.lastIndexOf(':');
            return new String[] {rest.substring(0, j), rest.substring(j + 1)};
        }
        int j = rest.indexOf(':');
        return j < 0 ? new String[] {rest, ""} : new String[] {rest.substring(0, j), rest.substring(j + 1)};
    }

    // ---------------------------------------------------------------- Parallel

    private Object parallel(State.Parallel p, Object input, Variables vars, Step step) {
        Progress progress = step.progress;
        boolean resume = step.resume;
        if (!resume) {
            history.add("ParallelStateStarted", Map::of);
        }
        int n = p.branches.size();
        Object[] results = new Object[n];
        try {
            boolean threaded = n > 1 && p.branches.stream().anyMatch(Program::blocking);
            if (threaded) {
                List<java.util.concurrent.Callable<Object>> branches = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    final int idx = i;
                    branches.add(() -> branch(p.branches.get(idx), input, vars, progress, idx, resume));
                }
                runAll(branches, results, null, Integer.MAX_VALUE);
            } else {
                for (int i = 0; i < n; i++) {
                    results[i] = branch(p.branches.get(i), input, vars, progress, i, resume);
                }
            }
        } catch (SfnException e) {
            history.add("ParallelStateFailed", () -> Json.object("error", e.error(), "cause", e.cause()));
            throw e;
        }
        history.add("ParallelStateSucceeded", Map::of);
        List<Object> out = new ArrayList<>(n);
        for (Object o : results) {
            out.add(o);
        }
        return out;
    }

    /** One Parallel branch; on a redrive a branch that finished gives its output again without running. */
    private Object branch(Program b, Object input, Variables vars, Progress progress, int index, boolean resume) {
        Progress own = progress == null ? null : progress.child(index);
        if (resume && own.finished()) {
            return own.output();
        }
        return run(b, input, new Variables(vars), own, resume);
    }

    /** Inline Map iterations run at most this many at a time when MaxConcurrency is 0 (as on AWS). */
    static final int INLINE_MAP_CONCURRENCY = 40;

    /**
     * Runs tasks on the execution's threads, at most {@code limit} at a time, and collects their
     * results in completion order: the first failure ends the wait and cancels the others
     * (unless {@code failures} collects them, for Map's tolerated failures).
     */
    private void runAll(List<java.util.concurrent.Callable<Object>> tasks, Object[] results, SfnException[] failures,
                        int limit) {
        java.util.concurrent.ExecutorCompletionService<Object> done = new java.util.concurrent.ExecutorCompletionService<>(run.threads);
        Map<Future<Object>, Integer> index = new java.util.HashMap<>();
        int next = 0;
        try {
            while (next < tasks.size() && next < limit) {
                index.put(done.submit(tasks.get(next)), next);
                next++;
            }
            for (int n = 0; n < tasks.size(); n++) {
                Future<Object> f = done.take();
                int i = index.get(f);
                try {
                    results[i] = f.get();
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof Stopped st) {
                        throw st;
                    }
                    if (c instanceof History.LimitReached lr) {
                        throw lr;
                    }
                    if (c instanceof ExecutionTimedOut t) {
                        throw t;
                    }
                    SfnException se = c instanceof SfnException x ? x : new SfnException(Errors.RUNTIME, String.valueOf(c));
                    if (failures == null) {
                        throw se;
                    }
                    failures[i] = se;
                }
                if (next < tasks.size()) {
                    index.put(done.submit(tasks.get(next)), next);
                    next++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel(index);
            throw new Stopped();
        } catch (RuntimeException e) {
            cancel(index);
            throw e;
        }
    }

    private static void cancel(Map<Future<Object>, Integer> futures) {
        for (Future<Object> f : futures.keySet()) {
            f.cancel(true);
        }
    }

    // ---------------------------------------------------------------- Map

    private Object map(State.MapState m, Scope scope, Variables vars, int retryCount, Step step) {
        Progress progress = step.progress;
        boolean resume = step.resume;
        Object itemsValue;
        if (m.readerResource != null) {
            itemsValue = ItemReader.read(m, scope, run);
        } else if (m.jsonata()) {
            if (m.items != null) {
                itemsValue = m.items.evaluate(scope);
                if (!(itemsValue instanceof List)) {
                    String src = m.items instanceof PayloadTemplate.JsonataValue jv ? jv.expression().source() : Json.write(itemsValue);
                    throw SfnException.query("The JSONata expression '" + src
                            + "' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '"
                            + Json.typeName(itemsValue) + "' for value: " + Json.write(itemsValue));
                }
            } else {
                itemsValue = scope.input();
                if (!(itemsValue instanceof List)) {
                    throw SfnException.query("Map state input must be an array but was: " + Json.write(itemsValue));
                }
            }
        } else {
            itemsValue = m.itemsPath == null ? scope.input() : scope.read(m.itemsPath);
            if (itemsValue == Path.MISSING) {
                throw SfnException.runtime("Invalid path '" + m.itemsPath.text() + "' : No results for path: "
                        + m.itemsPath.bracketNotation());
            }
            if (!(itemsValue instanceof List)) {
                throw SfnException.query("Map state input must be an array but was: " + Json.write(itemsValue));
            }
        }
        List<?> read = (List<?>) itemsValue;
        if (m.itemBatcher != null) {
            // as on AWS: ItemSelector shapes each item, then ItemBatcher groups them
            if (m.itemSelector != null) {
                List<Object> selected = new ArrayList<>(read.size());
                for (int i = 0; i < read.size(); i++) {
                    selected.add(selectItem(m, scope, vars, i, read.get(i), retryCount));
                }
                read = selected;
            }
            read = DistributedMap.batches(m, read, scope);
        }
        List<?> items = read;
        int maxConcurrency = maxConcurrency(m, scope);
        double toleratedCount = tolerated(m, scope, true);
        double toleratedPercent = tolerated(m, scope, false);
        if (!resume) {
            history.add("MapStateStarted", () -> Json.object("length", items.size()));
        }
        if (m.distributed) {
            return new DistributedMap(this, m, scope, vars, retryCount, progress, resume)
                    .run(items, maxConcurrency, toleratedCount, toleratedPercent);
        }
        int n = items.size();
        Object[] results = new Object[n];
        SfnException[] failures = new SfnException[n];
        boolean tolerant = toleratedCount >= 0 || toleratedPercent >= 0;
        try {
            boolean threaded = n > 1 && m.processor.blocking() && maxConcurrency != 1;
            if (threaded) {
                List<java.util.concurrent.Callable<Object>> iterations = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    final int idx = i;
                    final Object item = items.get(i);
                    iterations.add(() -> iteration(m, scope, vars, idx, item, retryCount, progress, resume));
                }
                runAll(iterations, results, tolerant ? failures : null,
                        maxConcurrency > 0 ? maxConcurrency : INLINE_MAP_CONCURRENCY);
            } else {
                for (int i = 0; i < n; i++) {
                    try {
                        results[i] = iteration(m, scope, vars, i, items.get(i), retryCount, progress, resume);
                    } catch (SfnException e) {
                        if (!tolerant) {
                            throw e;
                        }
                        failures[i] = e;
                    }
                }
            }
            if (tolerant) {
                int failed = 0;
                for (int i = 0; i < n; i++) {
                    if (failures[i] != null) {
                        failed++;
                        results[i] = Json.object("Error", failures[i].error(), "Cause", failures[i].cause());
                    }
                }
                boolean exceeded = toleratedCount >= 0 && failed > toleratedCount
                        || toleratedPercent >= 0 && n > 0 && failed * 100.0 / n > toleratedPercent;
                if (exceeded) {
                    throw new SfnException(Errors.EXCEED_TOLERATED_FAILURE,
                            "The specified tolerated failure threshold was exceeded");
                }
            }
        } catch (SfnException e) {
            history.add("MapStateFailed", Map::of);
            throw e;
        }
        history.add("MapStateSucceeded", Map::of);
        List<Object> out = new ArrayList<>(n);
        for (Object o : results) {
            out.add(o);
        }
        return out;
    }

    private Object iteration(State.MapState m, Scope scope, Variables vars, int index, Object item, int retryCount,
                             Progress progress, boolean resume) {
        Progress own = progress == null ? null : progress.child(index);
        if (resume && own.finished()) {
            return own.output(); // a redrive reruns only the iterations that failed or were aborted
        }
        Object input = item;
        if (m.itemSelector != null) {
            input = selectItem(m, scope, vars, index, item, retryCount);
        }
        history.add("MapIterationStarted", () -> Json.object("name", m.name, "index", index));
        try {
            Object out = run(m.processor, input, new Variables(vars), own, resume);
            history.add("MapIterationSucceeded", () -> Json.object("name", m.name, "index", index));
            return out;
        } catch (SfnException e) {
            history.add("MapIterationFailed", () -> Json.object("name", m.name, "index", index));
            throw e;
        }
    }

    /** ItemSelector (Parameters) of one Map item, with {@code $$.Map.Item} bound. */
    Object selectItem(State.MapState m, Scope scope, Variables vars, int index, Object item, int retryCount) {
        Supplier<Object> ctx = () -> run.contextObject(m.name, run.clock.now(), retryCount, null, item, index);
        return m.itemSelector.evaluate(new Scope(scope.input(), ctx, vars));
    }

    RunContext runContext() {
        return run;
    }

    History history() {
        return history;
    }

    private int maxConcurrency(State.MapState m, Scope scope) {
        if (m.maxConcurrencyPath != null) {
            Object v = scope.read(m.maxConcurrencyPath);
            if (!(v instanceof Number n) || !Json.isIntegral(n) || n.longValue() < 0) {
                String shown = v instanceof String s ? s : v == Path.MISSING ? "null" : Json.write(v);
                throw SfnException.runtime("The MaxConcurrencyPath field refers to value \"" + shown
                        + "\" which is not a valid integer: " + m.maxConcurrencyPath.text());
            }
            return n.intValue();
        }
        if (m.maxConcurrencyDynamic != null) {
            Object v = m.maxConcurrencyDynamic.evaluate(scope);
            if (!(v instanceof Number n) || !Json.isIntegral(n) || n.longValue() < 0) {
                throw SfnException.query("The MaxConcurrency field must evaluate to a non-negative integer, but was: " + Json.write(v));
            }
            return n.intValue();
        }
        return m.maxConcurrency == null ? 0 : m.maxConcurrency;
    }

    /** Tolerated failure count or percentage; -1 when not set. */
    private double tolerated(State.MapState m, Scope scope, boolean count) {
        Number fixed = count ? m.toleratedFailureCount : m.toleratedFailurePercentage;
        Path path = count ? m.toleratedFailureCountPath : m.toleratedFailurePercentagePath;
        PayloadTemplate dyn = count ? m.toleratedDynamicCount : m.toleratedDynamicPercentage;
        String field = count ? "ToleratedFailureCount" : "ToleratedFailurePercentage";
        Object v;
        if (fixed != null) {
            v = fixed;
        } else if (path != null) {
            v = scope.read(path);
            field = field + "Path";
        } else if (dyn != null) {
            v = dyn.evaluate(scope);
        } else {
            return -1;
        }
        if (!(v instanceof Number n) || n.doubleValue() < 0 || (!count && n.doubleValue() > 100)
                || (count && !Json.isIntegral(n))) {
            throw SfnException.runtime("The " + field + " field refers to value \"" + (v == Path.MISSING ? "null" : Json.write(v))
                    + "\" which is not a valid " + (count ? "integer" : "percentage"));
        }
        return n.doubleValue();
    }
}
