package dev.onebox.template;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves CloudFormation intrinsic functions to local values: {@code Ref}, {@code Fn::GetAtt}, {@code Fn::Sub},
 * {@code Fn::Join}, {@code Fn::Select}, {@code Fn::Split}, {@code Fn::If} (with the template's Conditions),
 * {@code Fn::FindInMap}, {@code Fn::Base64}, {@code Fn::GetAZs}. A reference that cannot be resolved fails with a
 * {@link TemplateException} naming the place ({@code Resource.Properties.Property}) at fault.
 */
public final class Resolver {
    /** Marker returned for {@code !Ref AWS::NoValue}: the property is dropped. */
    static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    private final Map<String, Object> parameters;
    private final Map<String, Map<String, Object>> resources;
    private final Map<String, Object> conditions;
    private final Map<String, Object> mappings;
    private final String stackName;
    private final Map<String, Boolean> conditionValues = new HashMap<>();

    Resolver(Map<String, Object> parameters, Map<String, Map<String, Object>> resources,
             Map<String, Object> conditions, Map<String, Object> mappings, String stackName) {
        this.parameters = parameters;
        this.resources = resources;
        this.conditions = conditions;
        this.mappings = mappings;
        this.stackName = stackName;
    }

    /** Resolves every intrinsic function inside {@code value}; {@code where} names the place for error messages. */
    public Object resolve(Object value, String where) {
        Object resolved = resolveOrNoValue(value, where);
        return resolved == NO_VALUE ? null : resolved;
    }

    /** Resolves {@code value} and requires a string (numbers and booleans are turned into their text). */
    public String resolveString(Object value, String where) {
        Object resolved = resolve(value, where);
        if (resolved == null) {
            return null;
        }
        if (resolved instanceof String || resolved instanceof Number || resolved instanceof Boolean) {
            return String.valueOf(resolved);
        }
        throw new TemplateException(where + ": expected a string but found " + describe(resolved));
    }

    /** The local physical name of a resource, as {@code !Ref} gives it. */
    public String physicalName(String logicalId) {
        Map<String, Object> resource = resources.get(logicalId);
        if (resource == null) {
            throw new TemplateException("No resource " + logicalId + " in the template");
        }
        String type = String.valueOf(resource.get("Type"));
        Object explicit = switch (type) {
            case "AWS::DynamoDB::Table" -> property(resource, "TableName");
            case "AWS::Kinesis::Stream", "AWS::Events::Rule", "AWS::Events::EventBus", "AWS::StepFunctions::StateMachine",
                 "AWS::Serverless::StateMachine" -> property(resource, "Name");
            case "AWS::S3::Bucket" -> property(resource, "BucketName");
            case "AWS::Serverless::Function", "AWS::Lambda::Function" -> property(resource, "FunctionName");
            case "AWS::SNS::Topic" -> property(resource, "TopicName");
            default -> null;
        };
        if (explicit != null) {
            return resolveString(explicit, logicalId + ".Properties (name)");
        }
        return type.equals("AWS::S3::Bucket") ? LocalNames.bucketNameFor(logicalId) : logicalId;
    }

    /** Whether the named condition of the template's Conditions section holds. */
    public boolean condition(String name, String where) {
        Boolean known = conditionValues.get(name);
        if (known != null) {
            return known;
        }
        if (!conditions.containsKey(name)) {
            throw new TemplateException(where + ": no condition " + name + " in the template's Conditions");
        }
        boolean value = truth(conditions.get(name), "Conditions." + name);
        conditionValues.put(name, value);
        return value;
    }

    private static Object property(Map<String, Object> resource, String name) {
        return resource.get("Properties") instanceof Map<?, ?> properties ? properties.get(name) : null;
    }

    private Object resolveOrNoValue(Object value, String where) {
        if (value instanceof Map<?, ?> map) {
            if (map.size() == 1) {
                Map.Entry<?, ?> only = map.entrySet().iterator().next();
                String key = String.valueOf(only.getKey());
                if (key.equals("Ref") || key.startsWith("Fn::")) {
                    return function(key, only.getValue(), where);
                }
            }
            Map<String, Object> result = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                Object resolved = resolveOrNoValue(entry.getValue(), where + "." + key);
                if (resolved != NO_VALUE) {
                    result.put(key, resolved);
                }
            }
            return result;
        }
        if (value instanceof List<?> list) {
            List<Object> result = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                Object resolved = resolveOrNoValue(list.get(i), where + "[" + i + "]");
                if (resolved != NO_VALUE) {
                    result.add(resolved);
                }
            }
            return result;
        }
        return value;
    }

    private Object function(String name, Object argument, String where) {
        String at = where + " (" + name + ")";
        return switch (name) {
            case "Ref" -> ref(stringArgument(argument, at), at);
            case "Fn::GetAtt" -> getAtt(argument, at);
            case "Fn::Sub" -> sub(argument, at);
            case "Fn::Join" -> {
                List<?> args = listArgument(argument, 2, at);
                String delimiter = resolveString(args.get(0), at);
                Object items = resolve(args.get(1), at);
                if (!(items instanceof List<?> list)) {
                    throw new TemplateException(at + ": the second argument must be a list, found " + describe(items));
                }
                List<String> parts = new ArrayList<>();
                for (Object item : list) {
                    parts.add(resolveString(item, at));
                }
                yield String.join(delimiter, parts);
            }
            case "Fn::Select" -> {
                List<?> args = listArgument(argument, 2, at);
                int index = Integer.parseInt(resolveString(args.get(0), at));
                Object items = resolve(args.get(1), at);
                if (!(items instanceof List<?> list) || index < 0 || index >= list.size()) {
                    throw new TemplateException(at + ": index " + index + " is not in " + describe(items));
                }
                yield list.get(index);
            }
            case "Fn::Split" -> {
                List<?> args = listArgument(argument, 2, at);
                String delimiter = resolveString(args.get(0), at);
                String source = resolveString(args.get(1), at);
                yield new ArrayList<>(List.of(source.split(Pattern.quote(delimiter), -1)));
            }
            case "Fn::If" -> {
                List<?> args = listArgument(argument, 3, at);
                String condition = stringArgument(args.get(0), at);
                yield condition(condition, at) ? resolveOrNoValue(args.get(1), at) : resolveOrNoValue(args.get(2), at);
            }
            case "Fn::FindInMap" -> {
                List<?> args = listArgument(argument, 3, at);
                String map = resolveString(args.get(0), at);
                String first = resolveString(args.get(1), at);
                String second = resolveString(args.get(2), at);
                Object found = mappings.get(map) instanceof Map<?, ?> m && m.get(first) instanceof Map<?, ?> inner
                        ? inner.get(second) : null;
                if (found == null) {
                    throw new TemplateException(at + ": Mappings has no " + map + "." + first + "." + second);
                }
                yield resolve(found, at);
            }
            case "Fn::Base64" -> Base64.getEncoder().encodeToString(
                    resolveString(argument, at).getBytes(StandardCharsets.UTF_8));
            case "Fn::GetAZs" -> new ArrayList<>(List.of(
                    LocalNames.REGION + "a", LocalNames.REGION + "b", LocalNames.REGION + "c"));
            default -> throw new TemplateException(at + ": the intrinsic function " + name
                    + " is not supported by the local runtime");
        };
    }

    private Object ref(String target, String where) {
        switch (target) {
            case "AWS::Region":
                return LocalNames.REGION;
            case "AWS::AccountId":
                return LocalNames.ACCOUNT;
            case "AWS::Partition":
                return LocalNames.PARTITION;
            case "AWS::StackName":
                return stackName;
            case "AWS::StackId":
                return "arn:aws:cloudformation:" + LocalNames.REGION + ":" + LocalNames.ACCOUNT + ":stack/"
                        + stackName + "/00000000-0000-0000-0000-000000000000";
            case "AWS::URLSuffix":
                return "amazonaws.com";
            case "AWS::NoValue":
                return NO_VALUE;
            case "AWS::NotificationARNs":
                return new ArrayList<>();
            default:
                break;
        }
        if (parameters.containsKey(target)) {
            return parameters.get(target);
        }
        Map<String, Object> resource = resources.get(target);
        if (resource == null) {
            throw new TemplateException(where + ": !Ref " + target + " names neither a parameter nor a resource");
        }
        String type = String.valueOf(resource.get("Type"));
        String name = physicalName(target);
        return switch (type) {
            case "AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine" -> LocalNames.stateMachineArn(name);
            case "AWS::SNS::Topic" -> LocalNames.topicArn(name);
            default -> name;
        };
    }

    private Object getAtt(Object argument, String where) {
        List<String> parts = new ArrayList<>();
        if (argument instanceof String text) {
            int dot = text.indexOf('.');
            if (dot < 0) {
                throw new TemplateException(where + ": expected LogicalId.Attribute, found " + text);
            }
            parts.add(text.substring(0, dot));
            parts.add(text.substring(dot + 1));
        } else {
            for (Object part : listArgument(argument, 2, where)) {
                parts.add(resolveString(part, where));
            }
        }
        String logicalId = parts.get(0);
        String attribute = parts.get(1);
        Map<String, Object> resource = resources.get(logicalId);
        if (resource == null) {
            throw new TemplateException(where + ": !GetAtt " + logicalId + "." + attribute + " names no resource");
        }
        String type = String.valueOf(resource.get("Type"));
        String name = physicalName(logicalId);
        Optional<String> value = switch (type + "#" + attribute) {
            case "AWS::DynamoDB::Table#Arn" -> Optional.of(LocalNames.tableArn(name));
            case "AWS::DynamoDB::Table#StreamArn" -> Optional.of(LocalNames.tableArn(name) + "/stream/local");
            case "AWS::Kinesis::Stream#Arn" -> Optional.of(LocalNames.streamArn(name));
            case "AWS::S3::Bucket#Arn" -> Optional.of(LocalNames.bucketArn(name));
            case "AWS::S3::Bucket#DomainName" -> Optional.of(name + ".s3.amazonaws.com");
            case "AWS::S3::Bucket#RegionalDomainName" -> Optional.of(name + ".s3." + LocalNames.REGION + ".amazonaws.com");
            case "AWS::Serverless::Function#Arn", "AWS::Lambda::Function#Arn" -> Optional.of(LocalNames.functionArn(name));
            case "AWS::Serverless::StateMachine#Arn", "AWS::StepFunctions::StateMachine#Arn" ->
                    Optional.of(LocalNames.stateMachineArn(name));
            case "AWS::Serverless::StateMachine#Name", "AWS::StepFunctions::StateMachine#Name" -> Optional.of(name);
            case "AWS::Events::Rule#Arn" -> Optional.of(LocalNames.ruleArn(name));
            case "AWS::Events::EventBus#Arn" -> Optional.of(LocalNames.eventBusArn(name));
            case "AWS::Events::EventBus#Name" -> Optional.of(name);
            case "AWS::SNS::Topic#TopicArn" -> Optional.of(LocalNames.topicArn(name));
            case "AWS::SNS::Topic#TopicName" -> Optional.of(name);
            default -> Optional.empty();
        };
        return value.orElseThrow(() -> new TemplateException(where + ": !GetAtt " + logicalId + "." + attribute
                + " is not supported locally for a resource of type " + type));
    }

    private Object sub(Object argument, String where) {
        String text;
        Map<String, Object> variables = new HashMap<>();
        if (argument instanceof String s) {
            text = s;
        } else {
            List<?> args = listArgument(argument, 2, where);
            text = stringArgument(args.get(0), where);
            if (!(args.get(1) instanceof Map<?, ?> map)) {
                throw new TemplateException(where + ": the second argument of Fn::Sub must be a mapping");
            }
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                variables.put(String.valueOf(entry.getKey()), resolve(entry.getValue(), where + "." + entry.getKey()));
            }
        }
        Matcher matcher = SUB_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String variable = matcher.group(1).trim();
            String replacement;
            if (variable.startsWith("!")) {
                replacement = "${" + variable.substring(1) + "}";
            } else if (variables.containsKey(variable)) {
                replacement = String.valueOf(variables.get(variable));
            } else if (variable.contains(".") && !variable.startsWith("AWS::")) {
                int dot = variable.indexOf('.');
                replacement = String.valueOf(getAtt(List.of(variable.substring(0, dot), variable.substring(dot + 1)),
                        where + " ${" + variable + "}"));
            } else {
                Object value = ref(variable, where + " ${" + variable + "}");
                if (value == NO_VALUE || value instanceof List<?>) {
                    throw new TemplateException(where + ": ${" + variable + "} is not a string");
                }
                replacement = String.valueOf(value);
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private boolean truth(Object expression, String where) {
        if (expression instanceof Boolean b) {
            return b;
        }
        if (expression instanceof Map<?, ?> map && map.size() == 1) {
            Map.Entry<?, ?> only = map.entrySet().iterator().next();
            String key = String.valueOf(only.getKey());
            String at = where + " (" + key + ")";
            switch (key) {
                case "Condition":
                    return condition(stringArgument(only.getValue(), at), at);
                case "Fn::Equals": {
                    List<?> args = listArgument(only.getValue(), 2, at);
                    return String.valueOf(resolve(args.get(0), at)).equals(String.valueOf(resolve(args.get(1), at)));
                }
                case "Fn::Not":
                    return !truth(listArgument(only.getValue(), 1, at).get(0), at);
                case "Fn::And":
                    for (Object operand : (List<?>) only.getValue()) {
                        if (!truth(operand, at)) {
                            return false;
                        }
                    }
                    return true;
                case "Fn::Or":
                    for (Object operand : (List<?>) only.getValue()) {
                        if (truth(operand, at)) {
                            return true;
                        }
                    }
                    return false;
                default:
                    break;
            }
        }
        Object resolved = resolve(expression, where);
        if (resolved instanceof Boolean b) {
            return b;
        }
        if ("true".equalsIgnoreCase(String.valueOf(resolved)) || "false".equalsIgnoreCase(String.valueOf(resolved))) {
            return Boolean.parseBoolean(String.valueOf(resolved));
        }
        throw new TemplateException(where + ": not a condition: " + describe(expression));
    }

    private static String stringArgument(Object argument, String where) {
        if (argument instanceof String s) {
            return s;
        }
        throw new TemplateException(where + ": expected a plain string argument, found " + describe(argument));
    }

    private static List<?> listArgument(Object argument, int size, String where) {
        if (argument instanceof List<?> list && list.size() == size) {
            return list;
        }
        throw new TemplateException(where + ": expected a list of " + size + " arguments, found " + describe(argument));
    }

    private static String describe(Object value) {
        return value == null ? "nothing" : value.getClass().getSimpleName() + " " + value;
    }
}
