package dev.onebox.events.transform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import dev.onebox.events.InputTransformer;
import dev.onebox.events.Target;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What EventBridge sends to a target for an event: the whole event (default), the constant {@code Input},
 * the part selected by {@code InputPath}, or the {@code InputTransformer}'s template filled in.
 *
 * <p>Template rules (as EventBridge documents them): a template starting with {@code {} or {@code [} is a JSON
 * template — a placeholder outside quotes is replaced by the value as JSON ({@code "RUNNING"}, {@code 5},
 * {@code {...}}), a placeholder inside a quoted string by the value's text; any other template is a string
 * template, where every placeholder is replaced by the value's text (so {@code "instance <id> is <state>"}
 * gives {@code "instance i-1 is RUNNING"}). A variable whose path is not in the event is replaced by
 * {@code null} outside quotes and by nothing inside them. Unlike EventBridge, text placed inside quotes is
 * JSON-escaped, so a value containing a quote cannot break the output; a JSON template whose result is not
 * valid JSON is an error (EventBridge would fail the delivery too).
 */
public final class TargetInput {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Configuration PATHS = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(JSON))
            .mappingProvider(new JacksonMappingProvider(JSON))
            .options(Set.<Option>of())
            .build();
    private static final Pattern PLACEHOLDER = Pattern.compile("<([A-Za-z0-9_.\\-]+)>");

    public static final String RULE_NAME = "aws.events.rule-name";
    public static final String RULE_ARN = "aws.events.rule-arn";
    public static final String EVENT = "aws.events.event";
    public static final String EVENT_JSON = "aws.events.event.json";
    public static final String INGESTION_TIME = "aws.events.event.ingestion-time";

    private TargetInput() {
    }

    /**
     * The input for {@code target} when {@code event} matched rule {@code ruleName}.
     *
     * @throws TargetInputException when the input cannot be produced (names the target and the cause)
     */
    public static String render(Target target, JsonNode event, String ruleName, String ruleArn, Instant ingestionTime) {
        if (target.input() != null) {
            return target.input();
        }
        if (target.inputPath() != null) {
            JsonNode selected = select(event, target.inputPath(), target, "InputPath");
            return selected == null ? "null" : selected.toString();
        }
        if (target.inputTransformer() != null) {
            return transform(target, event, ruleName, ruleArn, ingestionTime);
        }
        return event.toString();
    }

    private static String transform(Target target, JsonNode event, String ruleName, String ruleArn, Instant ingestionTime) {
        InputTransformer t = target.inputTransformer();
        Map<String, JsonNode> values = new HashMap<>();
        for (Map.Entry<String, String> e : t.inputPathsMap().entrySet()) {
            JsonNode v = select(event, e.getValue(), target, "InputPathsMap[" + e.getKey() + "]");
            if (v != null) {
                values.put(e.getKey(), v);
            }
        }
        values.put(RULE_NAME, TextNode.valueOf(ruleName));
        values.put(RULE_ARN, TextNode.valueOf(ruleArn));
        values.put(INGESTION_TIME, TextNode.valueOf(ingestionTime.truncatedTo(ChronoUnit.SECONDS).toString()));
        values.put(EVENT_JSON, event);
        if (event.isObject()) {
            ObjectNode withoutDetail = ((ObjectNode) event).deepCopy();
            withoutDetail.remove("detail");
            values.put(EVENT, withoutDetail);
        } else {
            values.put(EVENT, event);
        }

        String template = t.inputTemplate();
        String trimmed = template.strip();
        boolean jsonTemplate = trimmed.startsWith("{") || trimmed.startsWith("[");
        StringBuilder out = new StringBuilder(template.length() + 64);
        boolean inString = false;
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '<') {
                Matcher m = PLACEHOLDER.matcher(template).region(i, template.length());
                if (m.lookingAt() && (values.containsKey(m.group(1)) || t.inputPathsMap().containsKey(m.group(1)))) {
                    JsonNode v = values.get(m.group(1));
                    out.append(substitute(v, inString, jsonTemplate));
                    i = m.end();
                    continue;
                }
            }
            if (c == '\\' && inString && i + 1 < template.length()) {
                out.append(c).append(template.charAt(i + 1));
                i += 2;
                continue;
            }
            if (c == '"') {
                inString = !inString;
            }
            out.append(c);
            i++;
        }
        String result = out.toString();
        if (jsonTemplate) {
            try {
                return JSON.readTree(result).toString();
            } catch (JsonProcessingException e) {
                throw new TargetInputException("Target " + target.id() + " (" + target.arn() + "): InputTemplate gave invalid JSON "
                        + result + ": " + e.getOriginalMessage());
            }
        }
        return result;
    }

    private static String substitute(JsonNode v, boolean inString, boolean jsonTemplate) {
        if (inString) {
            if (v == null || v.isNull()) {
                return v == null ? "" : "null";
            }
            String text = v.isTextual() ? v.textValue() : v.toString();
            String quoted = TextNode.valueOf(text).toString();
            return quoted.substring(1, quoted.length() - 1);
        }
        if (jsonTemplate) {
            return v == null ? "null" : v.toString();
        }
        if (v == null) {
            return "";
        }
        return v.isTextual() ? v.textValue() : v.toString();
    }

    private static JsonNode select(JsonNode event, String path, Target target, String what) {
        try {
            Object found = JsonPath.using(PATHS).parse(event).read(path);
            return found == null ? JSON.nullNode() : JSON.valueToTree(found);
        } catch (PathNotFoundException e) {
            return null;
        } catch (InvalidPathException e) {
            throw new TargetInputException("Target " + target.id() + " (" + target.arn() + "): " + what + " " + path
                    + " is not a valid JSONPath: " + e.getMessage());
        }
    }
}
