package dev.onebox.sfn.asl;

/**
 * Runs one item of a DISTRIBUTED Map as a child execution (the service registers it, so it
 * can be described and its history read). Returns the child's output or throws its failure.
 */
@FunctionalInterface
public interface ChildExecutions {
    Object run(RunContext parent, String mapRunName, String mapRunId, int index, Program processor, Object input,
               boolean express);
}
