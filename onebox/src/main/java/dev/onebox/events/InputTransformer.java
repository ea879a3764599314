package dev.onebox.events;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * EventBridge's {@code InputTransformer}: variables taken from the event by JSONPath
 * ({@code {"replayId": "$.detail.replayId"}}) and a template using them as {@code <replayId>}.
 * Predefined variables: {@code aws.events.rule-name}, {@code aws.events.rule-arn},
 * {@code aws.events.event} (the event without {@code detail}), {@code aws.events.event.json}
 * (the whole event), {@code aws.events.event.ingestion-time}.
 */
public record InputTransformer(Map<String, String> inputPathsMap, String inputTemplate) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]+");
    static final int MAX_VARIABLES = 100;

    public InputTransformer {
        inputPathsMap = inputPathsMap == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(inputPathsMap));
        if (inputTemplate == null || inputTemplate.isEmpty()) {
            throw new IllegalArgumentException("InputTransformer.InputTemplate must not be empty");
        }
        if (inputPathsMap.size() > MAX_VARIABLES) {
            throw new IllegalArgumentException("InputTransformer.InputPathsMap has " + inputPathsMap.size()
                    + " variables; at most " + MAX_VARIABLES + " are allowed");
        }
        for (Map.Entry<String, String> e : inputPathsMap.entrySet()) {
            String name = e.getKey();
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("InputTransformer.InputPathsMap key \"" + name
                        + "\" must use only letters, digits, '_', '-' and '.'");
            }
            if (name.startsWith("aws.")) {
                throw new IllegalArgumentException("InputTransformer.InputPathsMap key \"" + name
                        + "\" is reserved: names starting with aws. are predefined");
            }
            String path = e.getValue();
            if (path == null || !path.startsWith("$")) {
                throw new IllegalArgumentException("InputTransformer.InputPathsMap[" + name + "] = " + path
                        + " is not a JSONPath starting with $");
            }
        }
    }
}
