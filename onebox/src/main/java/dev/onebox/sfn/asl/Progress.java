package dev.onebox.sfn.asl;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How far one run of a state graph got (the whole state machine, a Parallel branch or a Map iteration), kept for
 * RedriveExecution: the state entered and not left, with the input and variables it had, and, for a Parallel or Map
 * state in progress, each branch's or iteration's own progress. A redrive resumes the state in progress with that
 * input; the branches and iterations that finished keep their output and are not run again.
 */
public final class Progress {
    private volatile String state;
    private volatile Object input;
    private volatile Variables variables;
    private volatile long enteredId;
    private volatile boolean finished;
    private volatile Object output;
    private volatile String mapRunId;
    private final ConcurrentHashMap<Integer, Progress> children = new ConcurrentHashMap<>();

    void enter(String stateName, Object stateInput, Variables vars, long entered) {
        children.clear();
        mapRunId = null;
        variables = vars;
        input = stateInput;
        enteredId = entered;
        state = stateName;
    }

    /** A retry runs the state's branches or iterations anew. */
    void restartState() {
        children.clear();
        mapRunId = null;
    }

    void finish(Object out) {
        output = out;
        finished = true;
    }

    Progress child(int index) {
        return children.computeIfAbsent(index, i -> new Progress());
    }

    /** Whether there is a state to resume: entered, not left, and the graph did not end. */
    public boolean resumable() {
        return state != null && !finished;
    }

    String state() {
        return state;
    }

    Object input() {
        return input;
    }

    Variables variables() {
        return variables;
    }

    long enteredId() {
        return enteredId;
    }

    boolean finished() {
        return finished;
    }

    Object output() {
        return output;
    }

    String mapRunId() {
        return mapRunId;
    }

    void mapRunId(String id) {
        mapRunId = id;
    }
}
