package dev.onebox.sfn.asl;

import java.util.Map;

/**
 * A compiled state graph: a whole state machine, a Parallel branch, or a Map item processor.
 * {@code blocking} tells whether it contains states that may wait on the outside world
 * (Task), so that branches and iterations are run on threads instead of in line.
 */
public record Program(String startAt, State start, Map<String, State> states, boolean blocking,
                      Integer timeoutSeconds) {
}
