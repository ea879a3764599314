package dev.onebox.sfn.asl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TestState: runs one state of a definition once, with a given input and variables, and tells what it did: its
 * status (SUCCEEDED, FAILED, CAUGHT_ERROR when a Catch took the error, RETRIABLE when a Retry would run it again),
 * output, error and cause, the next state, and at DEBUG/TRACE the data at each step of its input and output
 * processing. The definition is one state (its Next, Default and Catch targets need not exist) or, with a state
 * name, a whole state machine.
 */
public final class StateTest {
    /** The name a lone state's definition runs under. */
    public static final String LONE_STATE = "TestState";

    private StateTest() {
    }

    public enum Level { INFO, DEBUG, TRACE }

    /** A mocked task result: either {@code result} (a JSON value) or the error and cause it fails with. */
    public record Mock(Object result, String error, String cause) {
    }

    /** What to test. {@code variables} are the workflow variables the state sees; {@code mock} may be null. */
    public record Request(String definition, String stateName, Object input, Map<String, Object> variables,
                          Level level, int retrierRetryCount, Mock mock) {
    }

    /** The outcome; {@code output} is JSON text, absent (null) when the state failed; inspectionData at DEBUG/TRACE. */
    public record Result(String status, String output, String error, String cause, String nextState,
                         Map<String, Object> inspectionData) {
    }

    /** Compiles the state to test; an invalid definition throws {@link InvalidDefinitionException}. */
    public static State compile(String definition, String stateName) {
        Object parsed;
        try {
            parsed = Json.parse(definition);
        } catch (IllegalArgumentException e) {
            throw new InvalidDefinitionException(List.of("INVALID_JSON_DESCRIPTION: " + e.getMessage()));
        }
        if (!(parsed instanceof Map<?, ?> def)) {
            throw new InvalidDefinitionException(List.of("SCHEMA_VALIDATION_FAILED: The definition must be a JSON object at /"));
        }
        if (stateName != null) {
            Program program = Definitions.compile(def);
            State s = program.states().get(stateName);
            if (s == null) {
                throw new InvalidDefinitionException(List.of("SCHEMA_VALIDATION_FAILED: The state '" + stateName
                        + "' is not defined in the definition's States at /States"));
            }
            return s;
        }
        Map<String, Object> states = new LinkedHashMap<>();
        states.put(LONE_STATE, def);
        for (String target : targets(def)) {
            if (!LONE_STATE.equals(target)) {
                states.putIfAbsent(target, Json.object("Type", "Succeed"));
            }
        }
        Map<String, Object> machine = new LinkedHashMap<>();
        if (def.get("QueryLanguage") != null) {
            machine.put("QueryLanguage", def.get("QueryLanguage"));
        }
        machine.put("StartAt", LONE_STATE);
        machine.put("States", states);
        return Definitions.compile(machine).states().get(LONE_STATE);
    }

    /** The states a lone state may go to: Next, Default, each Choice rule's and each Catcher's Next. */
    private static List<String> targets(Map<?, ?> def) {
        List<String> out = new ArrayList<>();
        if (def.get("Next") instanceof String n) {
            out.add(n);
        }
        if (def.get("Default") instanceof String d) {
            out.add(d);
        }
        for (String list : List.of("Choices", "Catch")) {
            if (def.get(list) instanceof List<?> l) {
                for (Object o : l) {
                    if (o instanceof Map<?, ?> m && m.get("Next") instanceof String n) {
                        out.add(n);
                    }
                }
            }
        }
        return out;
    }

    /** Runs the state once on the run context (which supplies the tasks, the clock and the context object). */
    public static Result run(State state, Request r, RunContext context) {
        Inspection inspection = new Inspection(r.retrierRetryCount(), r.mock());
        Variables vars = new Variables(null);
        if (r.variables() != null) {
            vars.assign(r.variables());
        }
        Object out;
        try {
            out = new Interpreter(context).test(state, r.input(), vars, inspection);
        } catch (SfnException e) {
            return new Result("FAILED", null, e.error(), e.cause(), null, data(r, inspection, vars));
        }
        Map<String, Object> data = data(r, inspection, vars);
        if (inspection.status != null) {
            SfnException e = inspection.error;
            return "RETRIABLE".equals(inspection.status)
                    ? new Result("RETRIABLE", null, e.error(), e.cause(), null, data)
                    : new Result("CAUGHT_ERROR", Json.write(out), e.error(), e.cause(), inspection.next, data);
        }
        return new Result("SUCCEEDED", Json.write(out), null, null, inspection.next, data);
    }

    private static Map<String, Object> data(Request r, Inspection inspection, Variables vars) {
        if (r.level() == Level.INFO) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : inspection.data.entrySet()) {
            out.put(e.getKey(), Json.write(e.getValue()));
        }
        Map<String, Object> variables = vars.own();
        if (!variables.isEmpty()) {
            out.put("variables", Json.write(variables));
        }
        return out;
    }

    /** What the tested state did, filled in by the interpreter as it runs the state. */
    static final class Inspection {
        private final Map<String, Object> data = new LinkedHashMap<>();
        private final int retrierRetryCount;
        private final Mock mock;
        private String status;
        private SfnException error;
        String next;

        Inspection(int retrierRetryCount, Mock mock) {
            this.retrierRetryCount = retrierRetryCount;
            this.mock = mock;
        }

        void put(String step, Object value) {
            data.put(step, value);
        }

        int retrierRetryCount() {
            return retrierRetryCount;
        }

        void retriable(SfnException e) {
            status = "RETRIABLE";
            error = e;
        }

        void caught(SfnException e) {
            status = "CAUGHT_ERROR";
            error = e;
        }

        boolean mocked() {
            return mock != null;
        }

        Object mockResult() {
            if (mock.error() != null) {
                throw new SfnException(mock.error(), mock.cause());
            }
            return mock.result();
        }
    }
}
