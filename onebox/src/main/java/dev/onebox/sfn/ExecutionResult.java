package dev.onebox.sfn;

import dev.onebox.sfn.asl.Json;

import java.util.LinkedHashMap;
import java.util.Map;

/** How an execution ended: status and output (JSON text), or error and cause. */
public record ExecutionResult(ExecutionStatus status, String output, String error, String cause) {

    public static ExecutionResult succeeded(String output) {
        return new ExecutionResult(ExecutionStatus.SUCCEEDED, output, null, null);
    }

    public static ExecutionResult failed(String error, String cause) {
        return new ExecutionResult(ExecutionStatus.FAILED, null, error, cause);
    }

    /** The command line's JSON line: {"status":"SUCCEEDED","output":…} or {"status":"FAILED","error":…,"cause":…}. */
    public String toJsonLine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status.name());
        if (status == ExecutionStatus.SUCCEEDED) {
            m.put("output", output == null ? null : Json.parse(output));
        } else {
            m.put("error", error);
            m.put("cause", cause);
        }
        return Json.write(m);
    }
}
