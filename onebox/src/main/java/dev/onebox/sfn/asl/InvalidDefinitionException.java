package dev.onebox.sfn.asl;

import java.util.List;

/** The definition is not valid Amazon States Language; each problem names the state and field. */
public class InvalidDefinitionException extends RuntimeException {
    private final List<String> problems;

    public InvalidDefinitionException(List<String> problems) {
        super("Invalid State Machine Definition: '" + String.join("', '", problems) + "'");
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
