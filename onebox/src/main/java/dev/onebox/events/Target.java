package dev.onebox.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A rule or schedule target. At most one of {@code input} (constant JSON), {@code inputPath} (JSONPath into
 * the event) and {@code inputTransformer} may be set; with none, the target receives the whole event.
 */
public record Target(String id, String arn, String input, String inputPath, InputTransformer inputTransformer) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Target {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("Target Id must not be empty (target arn " + arn + ")");
        }
        if (arn == null || arn.isBlank()) {
            throw new IllegalArgumentException("Target " + id + ": Arn must not be empty");
        }
        int set = (input != null ? 1 : 0) + (inputPath != null ? 1 : 0) + (inputTransformer != null ? 1 : 0);
        if (set > 1) {
            throw new IllegalArgumentException("Target " + id + ": only one of Input, InputPath and InputTransformer may be given");
        }
        if (input != null) {
            try {
                JSON.readTree(input);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("Target " + id + ": Input is not valid JSON: " + e.getOriginalMessage(), e);
            }
        }
        if (inputPath != null && !inputPath.startsWith("$")) {
            throw new IllegalArgumentException("Target " + id + ": InputPath " + inputPath + " is not a JSONPath starting with $");
        }
    }

    /** A target that receives the whole event. */
    public static Target of(String id, String arn) {
        return new Target(id, arn, null, null, null);
    }

    public static Target withInput(String id, String arn, String constantJson) {
        return new Target(id, arn, constantJson, null, null);
    }

    public static Target withInputPath(String id, String arn, String inputPath) {
        return new Target(id, arn, null, inputPath, null);
    }

    public static Target withTransformer(String id, String arn, InputTransformer transformer) {
        return new Target(id, arn, null, null, transformer);
    }
}
