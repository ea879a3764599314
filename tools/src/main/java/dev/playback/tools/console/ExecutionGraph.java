package dev.playback.tools.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An execution's history read against its state machine's definition: per top-level state of the definition its
 * status ({@code succeeded}, {@code running}, {@code failed}, {@code caught}) and how often it was entered, the states
 * running now and the state the execution failed in. A state inside a Map or Parallel counts for its top-level state.
 *
 * <p>A failure event ({@code TaskFailed}, {@code LambdaFunctionTimedOut}, ...) leaves its state's failure pending: a
 * new attempt of a task in that state (a Retry) clears it, the state exiting or another top-level state being entered
 * (a Catch led on) makes it {@code caught}, {@code ExecutionFailed} (or a time-out or abort) makes it the
 * {@code failed} state.
 */
public final class ExecutionGraph {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** History events the console shows at most (the newest). */
    static final int HISTORY_SHOWN = 100;

    /** One top-level state: how its latest entry went and how often it was entered. */
    public record StateStatus(String status, int entered) {
    }

    /** The outcome. */
    public record Summary(Map<String, StateStatus> states, List<String> current, String failed) {
    }

    private ExecutionGraph() {
    }

    /** The top-level state of every state name in {@code definition} (a nested state maps to its top-level owner). */
    static Map<String, String> owners(JsonNode definition) {
        Map<String, String> owners = new HashMap<>();
        JsonNode states = definition.path("States");
        states.fieldNames().forEachRemaining(top -> {
            owners.put(top, top);
        });
        states.fields().forEachRemaining(top -> nested(top.getValue(), top.getKey(), owners));
        return owners;
    }

    private static void nested(JsonNode state, String top, Map<String, String> owners) {
        List<JsonNode> machines = new ArrayList<>();
        if (state.has("ItemProcessor")) machines.add(state.get("ItemProcessor"));
        if (state.has("Iterator")) machines.add(state.get("Iterator"));
        state.path("Branches").forEach(machines::add);
        for (JsonNode m : machines) {
            m.path("States").fields().forEachRemaining(inner -> {
                owners.putIfAbsent(inner.getKey(), top);
                nested(inner.getValue(), top, owners);
            });
        }
    }

    public static Summary summarise(JsonNode definition, List<HistoryEvent> history) {
        Map<String, String> owners = owners(definition);
        Map<String, String> status = new LinkedHashMap<>();
        Map<String, Integer> entered = new LinkedHashMap<>();
        definition.path("States").fieldNames().forEachRemaining(name -> entered.put(name, 0));
        String lastEntered = null;
        String pending = null;
        String failed = null;
        for (HistoryEvent e : history) {
            String type = e.typeAsString();
            if (e.stateEnteredEventDetails() != null) {
                String name = e.stateEnteredEventDetails().name();
                String top = owners.getOrDefault(name, name);
                if (pending != null && !pending.equals(top)) {
                    status.put(pending, "caught");
                    pending = null;
                }
                if (name.equals(top)) {
                    entered.merge(top, 1, Integer::sum);
                    status.put(top, "running");
                }
                lastEntered = top;
            } else if (e.stateExitedEventDetails() != null) {
                String name = e.stateExitedEventDetails().name();
                String top = owners.getOrDefault(name, name);
                if (name.equals(top)) {
                    status.put(top, top.equals(pending) ? "caught" : "succeeded");
                    if (top.equals(pending)) pending = null;
                }
            } else if (type.equals("ExecutionFailed") || type.equals("ExecutionTimedOut") || type.equals("ExecutionAborted")) {
                String at = pending != null ? pending : openState(status, lastEntered);
                if (at != null) {
                    status.put(at, "failed");
                    failed = at;
                }
                pending = null;
            } else if ((type.endsWith("Failed") || type.endsWith("TimedOut")) && lastEntered != null) {
                pending = lastEntered;
            } else if ((type.endsWith("Scheduled") || type.endsWith("Started")) && pending != null && pending.equals(lastEntered)
                    && !type.startsWith("Execution")) {
                pending = null;   // a Retry: a new attempt in the same state
            }
        }
        Map<String, StateStatus> states = new LinkedHashMap<>();
        List<String> current = new ArrayList<>();
        for (var name : entered.keySet()) {
            String s = status.get(name);
            if (s == null) continue;
            states.put(name, new StateStatus(s, entered.get(name)));
            if (s.equals("running")) current.add(name);
        }
        return new Summary(states, current, failed);
    }

    /** The state still running when the execution ended (the last entered, when it has not exited). */
    private static String openState(Map<String, String> status, String lastEntered) {
        if (lastEntered != null && "running".equals(status.get(lastEntered))) return lastEntered;
        return status.entrySet().stream().filter(s -> s.getValue().equals("running")).map(Map.Entry::getKey).reduce((a, b) -> b)
                .orElse(lastEntered);
    }

    /** The summary as the API's {@code states}, {@code current} and {@code failed}, put into {@code into}. */
    static void into(Summary s, ObjectNode into) {
        ObjectNode states = into.putObject("states");
        s.states().forEach((name, st) -> states.putObject(name).put("status", st.status()).put("entered", st.entered()));
        ArrayNode current = into.putArray("current");
        s.current().forEach(current::add);
        if (s.failed() == null) into.putNull("failed");
        else into.put("failed", s.failed());
    }

    /** The last {@value #HISTORY_SHOWN} events as {@code {id, type, timestamp, state, detail}}. */
    static ArrayNode history(List<HistoryEvent> history) {
        ArrayNode out = JSON.arrayNode();
        String lastEntered = null;
        int from = Math.max(0, history.size() - HISTORY_SHOWN);
        for (int i = 0; i < history.size(); i++) {
            HistoryEvent e = history.get(i);
            String state = null;
            if (e.stateEnteredEventDetails() != null) {
                state = e.stateEnteredEventDetails().name();
                lastEntered = state;
            } else if (e.stateExitedEventDetails() != null) {
                state = e.stateExitedEventDetails().name();
            } else if (!e.typeAsString().startsWith("Execution")) {
                state = lastEntered;
            }
            if (i < from) continue;
            ObjectNode n = out.addObject().put("id", e.id()).put("type", e.typeAsString())
                    .put("timestamp", e.timestamp() == null ? null : e.timestamp().toString());
            if (state == null) n.putNull("state");
            else n.put("state", state);
            String detail = detail(e);
            if (detail == null) n.putNull("detail");
            else n.put("detail", detail.length() > 500 ? detail.substring(0, 500) + "…" : detail);
        }
        return out;
    }

    /** The error and cause of a failure event; null for other events. */
    static String detail(HistoryEvent e) {
        String[] ec = e.executionFailedEventDetails() != null ? pair(e.executionFailedEventDetails().error(), e.executionFailedEventDetails().cause())
                : e.taskFailedEventDetails() != null ? pair(e.taskFailedEventDetails().error(), e.taskFailedEventDetails().cause())
                : e.lambdaFunctionFailedEventDetails() != null ? pair(e.lambdaFunctionFailedEventDetails().error(), e.lambdaFunctionFailedEventDetails().cause())
                : e.taskTimedOutEventDetails() != null ? pair(e.taskTimedOutEventDetails().error(), e.taskTimedOutEventDetails().cause())
                : e.lambdaFunctionTimedOutEventDetails() != null ? pair(e.lambdaFunctionTimedOutEventDetails().error(), e.lambdaFunctionTimedOutEventDetails().cause())
                : e.executionTimedOutEventDetails() != null ? pair(e.executionTimedOutEventDetails().error(), e.executionTimedOutEventDetails().cause())
                : e.executionAbortedEventDetails() != null ? pair(e.executionAbortedEventDetails().error(), e.executionAbortedEventDetails().cause())
                : e.mapRunFailedEventDetails() != null ? pair(e.mapRunFailedEventDetails().error(), e.mapRunFailedEventDetails().cause())
                : null;
        if (ec == null || (ec[0] == null && ec[1] == null)) return null;
        if (ec[1] == null) return ec[0];
        return ec[0] == null ? ec[1] : ec[0] + ": " + ec[1];
    }

    private static String[] pair(String error, String cause) {
        return new String[]{error, cause};
    }
}
