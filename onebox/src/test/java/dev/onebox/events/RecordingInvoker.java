package dev.onebox.events;

import java.util.ArrayList;
import java.util.List;

/** A TargetInvoker for tests: records what it is given, and fails the first {@code failures} calls. */
final class RecordingInvoker implements TargetInvoker {
    record Call(String targetArn, String input) {
    }

    private final List<Call> calls = new ArrayList<>();
    private int failures;

    RecordingInvoker failFirst(int n) {
        failures = n;
        return this;
    }

    @Override
    public synchronized void deliver(String targetArn, String inputJson) {
        calls.add(new Call(targetArn, inputJson));
        if (failures > 0) {
            failures--;
            throw new IllegalStateException("target down");
        }
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }
}
