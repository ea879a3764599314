package dev.onebox.template;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Builds a {@link Template} from the parsed YAML tree. */
final class TemplateReader {
    private final Path file;
    private final Map<String, Object> root;
    private final Map<String, String> overrides;
    private final String stackName;
    private Resolver resolver;

    TemplateReader(Path file, Map<String, Object> root, Map<String, String> overrides, String stackName) {
        this.file = file.toAbsolutePath();
        this.root = root;
        this.overrides = overrides;
        this.stackName = stackName;
    }

    Template read() {
        Map<String, Map<String, Object>> resources = resources();
        Map<String, Object> parameterValues = new LinkedHashMap<>();
        Map<String, String> parameters = parameters(parameterValues);
        resolver = new Resolver(parameterValues, resources, mapping(root.get("Conditions"), "Conditions"),
                mapping(root.get("Mappings"), "Mappings"), stackName);
        Map<String, Object> globalFunction = mapping(mapping(root.get("Globals"), "Globals").get("Function"),
                "Globals.Function");

        Map<String, TableResource> tables = new LinkedHashMap<>();
        Map<String, StreamResource> streams = new LinkedHashMap<>();
        Map<String, BucketResource> buckets = new LinkedHashMap<>();
        Map<String, FunctionResource> functions = new LinkedHashMap<>();
        Map<String, StateMachineResource> stateMachines = new LinkedHashMap<>();
        Map<String, RuleResource> rules = new LinkedHashMap<>();
        Map<String, Map<String, Object>> routes = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Object>> entry : resources.entrySet()) {
            String id = entry.getKey();
            Map<String, Object> resource = entry.getValue();
            if (resource.containsKey("Condition")
                    && !resolver.condition(String.valueOf(resource.get("Condition")), id + ".Condition")) {
                continue;
            }
            Map<String, Object> properties = mapping(resource.get("Properties"), id + ".Properties");
            String type = String.valueOf(resource.get("Type"));
            switch (type) {
                case "AWS::DynamoDB::Table" -> tables.put(id, table(id, properties));
                case "AWS::Kinesis::Stream" -> streams.put(id, stream(id, properties));
                case "AWS::S3::Bucket" -> buckets.put(id, bucket(id));
                case "AWS::Serverless::Function" -> functions.put(id, function(id, merge(globalFunction, properties)));
                case "AWS::Serverless::StateMachine" -> stateMachines.put(id, stateMachine(id, properties));
                case "AWS::Events::Rule" -> rules.put(id, rule(id, properties));
                case "AWS::ApiGatewayV2::Route" -> routes.put(id, properties);
                // Monitoring has no local counterpart: CloudWatch is not emulated (the handlers' metric lines are log
                // lines locally) and a topic's subscribers are not called. Read and ignored; Template.topics() lists the
                // topics, which EventBridge rules may target. Kept in raw().
                case "AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm", "AWS::CloudWatch::Dashboard",
                     "AWS::SNS::Topic", "AWS::SNS::TopicPolicy", "AWS::SNS::Subscription", "AWS::KMS::Key",
                     "AWS::KMS::Alias" -> {
                }
                default -> {
                    // Other resource types (IAM roles, permissions, ...) have no local counterpart; kept in raw().
                }
            }
        }
        List<Template.ApiRoute> apiRoutes = new ArrayList<>();
        routes.forEach((id, properties) -> apiRoutes.add(route(id, properties, resources, functions)));
        return new Template(file, Collections.unmodifiableMap(parameters), Collections.unmodifiableMap(tables),
                Collections.unmodifiableMap(streams), Collections.unmodifiableMap(buckets),
                Collections.unmodifiableMap(functions), Collections.unmodifiableMap(stateMachines),
                Collections.unmodifiableMap(rules), List.copyOf(apiRoutes), resolver, Collections.unmodifiableMap(root));
    }

    private Map<String, Map<String, Object>> resources() {
        Map<String, Object> section = mapping(root.get("Resources"), "Resources");
        if (section.isEmpty()) {
            throw new TemplateException(file + ": the template has no Resources");
        }
        Map<String, Map<String, Object>> resources = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : section.entrySet()) {
            Map<String, Object> resource = mapping(entry.getValue(), "Resources." + entry.getKey());
            if (!(resource.get("Type") instanceof String)) {
                throw new TemplateException(file + ": resource " + entry.getKey() + " has no Type");
            }
            resources.put(entry.getKey(), resource);
        }
        return resources;
    }

    private Map<String, String> parameters(Map<String, Object> values) {
        Map<String, Object> section = mapping(root.get("Parameters"), "Parameters");
        for (String name : overrides.keySet()) {
            if (!section.containsKey(name)) {
                throw new TemplateException(file + ": parameter override " + name
                        + " names no parameter of the template (known: " + section.keySet() + ")");
            }
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : section.entrySet()) {
            String name = entry.getKey();
            Map<String, Object> declaration = mapping(entry.getValue(), "Parameters." + name);
            String value = overrides.containsKey(name) ? overrides.get(name)
                    : declaration.containsKey("Default") ? String.valueOf(declaration.get("Default")) : null;
            if (value == null) {
                throw new TemplateException(file + ": parameter " + name + " has no Default and no override was given");
            }
            if (declaration.get("AllowedValues") instanceof List<?> allowed
                    && allowed.stream().map(String::valueOf).noneMatch(value::equals)) {
                throw new TemplateException(file + ": parameter " + name + " = " + value + " is not one of " + allowed);
            }
            if (declaration.get("AllowedPattern") instanceof String pattern && !value.matches(pattern)) {
                // As CloudFormation: the whole value must match; the ConstraintDescription says what is expected.
                throw new TemplateException(file + ": parameter " + name + " = '" + value + "' does not match "
                        + pattern + Optional.ofNullable(declaration.get("ConstraintDescription"))
                        .map(d -> " (" + d + ")").orElse(""));
            }
            result.put(name, value);
            String type = String.valueOf(declaration.getOrDefault("Type", "String"));
            values.put(name, type.startsWith("List<") || type.equals("CommaDelimitedList")
                    ? new ArrayList<>(List.of(value.split(",", -1))) : value);
        }
        return result;
    }

    private TableResource table(String id, Map<String, Object> p) {
        String where = id + ".Properties";
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Object definition : list(resolve(p.get("AttributeDefinitions"), where + ".AttributeDefinitions"),
                where + ".AttributeDefinitions")) {
            Map<String, Object> d = mapping(definition, where + ".AttributeDefinitions");
            attributes.put(requiredString(d, "AttributeName", where + ".AttributeDefinitions"),
                    requiredString(d, "AttributeType", where + ".AttributeDefinitions"));
        }
        List<TableResource.KeyElement> key = keySchema(p.get("KeySchema"), where + ".KeySchema");
        if (key.isEmpty()) {
            throw new TemplateException(where + ".KeySchema: a table needs a key schema");
        }
        String billingMode = Optional.ofNullable(resolver.resolveString(p.get("BillingMode"), where + ".BillingMode"))
                .orElse("PROVISIONED");
        Optional<TableResource.Throughput> throughput = throughput(p.get("ProvisionedThroughput"),
                where + ".ProvisionedThroughput");
        Map<String, Object> streamSpec = mapping(resolve(p.get("StreamSpecification"), where), where);
        Map<String, Object> ttl = mapping(resolve(p.get("TimeToLiveSpecification"), where), where);
        Optional<String> ttlAttribute = Boolean.parseBoolean(String.valueOf(ttl.get("Enabled")))
                ? Optional.ofNullable((String) ttl.get("AttributeName")) : Optional.empty();
        Map<String, Object> pitr = mapping(resolve(p.get("PointInTimeRecoverySpecification"), where), where);
        String name = resolver.physicalName(id);
        return new TableResource(id, name, LocalNames.tableArn(name), key, attributes,
                indexes(p.get("GlobalSecondaryIndexes"), where + ".GlobalSecondaryIndexes"),
                indexes(p.get("LocalSecondaryIndexes"), where + ".LocalSecondaryIndexes"), billingMode, throughput,
                Optional.ofNullable((String) streamSpec.get("StreamViewType")), ttlAttribute,
                Boolean.parseBoolean(String.valueOf(pitr.get("PointInTimeRecoveryEnabled"))));
    }

    private List<TableResource.KeyElement> keySchema(Object value, String where) {
        List<TableResource.KeyElement> key = new ArrayList<>();
        for (Object element : list(resolve(value, where), where)) {
            Map<String, Object> e = mapping(element, where);
            key.add(new TableResource.KeyElement(requiredString(e, "AttributeName", where),
                    requiredString(e, "KeyType", where)));
        }
        return key;
    }

    private List<TableResource.SecondaryIndex> indexes(Object value, String where) {
        List<TableResource.SecondaryIndex> indexes = new ArrayList<>();
        for (Object index : list(resolve(value, where), where)) {
            Map<String, Object> i = mapping(index, where);
            String name = requiredString(i, "IndexName", where);
            String at = where + "." + name;
            Map<String, Object> projection = mapping(i.get("Projection"), at + ".Projection");
            List<String> nonKey = list(projection.get("NonKeyAttributes"), at + ".Projection.NonKeyAttributes")
                    .stream().map(String::valueOf).toList();
            indexes.add(new TableResource.SecondaryIndex(name, keySchema(i.get("KeySchema"), at + ".KeySchema"),
                    String.valueOf(projection.getOrDefault("ProjectionType", "ALL")), nonKey,
                    throughput(i.get("ProvisionedThroughput"), at + ".ProvisionedThroughput")));
        }
        return indexes;
    }

    private Optional<TableResource.Throughput> throughput(Object value, String where) {
        if (value == null) {
            return Optional.empty();
        }
        Map<String, Object> t = mapping(resolve(value, where), where);
        return Optional.of(new TableResource.Throughput(
                Long.parseLong(requiredString(t, "ReadCapacityUnits", where)),
                Long.parseLong(requiredString(t, "WriteCapacityUnits", where))));
    }

    private StreamResource stream(String id, Map<String, Object> p) {
        String where = id + ".Properties";
        String name = resolver.physicalName(id);
        Map<String, Object> mode = mapping(resolve(p.get("StreamModeDetails"), where + ".StreamModeDetails"),
                where + ".StreamModeDetails");
        int defaultShards = "ON_DEMAND".equals(mode.get("StreamMode")) ? 4 : 1;
        return new StreamResource(id, name, LocalNames.streamArn(name),
                integer(p, "ShardCount", defaultShards, where), integer(p, "RetentionPeriodHours", 24, where));
    }

    private BucketResource bucket(String id) {
        String name = resolver.physicalName(id);
        return new BucketResource(id, name, LocalNames.bucketArn(name));
    }

    private FunctionResource function(String id, Map<String, Object> p) {
        String where = id + ".Properties";
        String handler = requiredString(p, "Handler", where);
        String handlerClass = handler;
        String handlerMethod = "handleRequest";
        int separator = handler.indexOf("::");
        if (separator >= 0) {
            handlerClass = handler.substring(0, separator);
            handlerMethod = handler.substring(separator + 2);
        }
        if (handlerClass.isBlank() || handlerMethod.isBlank()) {
            throw new TemplateException(where + ".Handler: expected package.Class::method, found " + handler);
        }
        Map<String, String> environment = new LinkedHashMap<>();
        Map<String, Object> variables = mapping(mapping(p.get("Environment"), where + ".Environment").get("Variables"),
                where + ".Environment.Variables");
        for (Map.Entry<String, Object> variable : variables.entrySet()) {
            String value = resolver.resolveString(variable.getValue(),
                    where + ".Environment.Variables." + variable.getKey());
            if (value != null) {
                environment.put(variable.getKey(), value);
            }
        }
        String name = resolver.physicalName(id);
        return new FunctionResource(id, name, LocalNames.functionArn(name), handlerClass, handlerMethod,
                String.valueOf(p.getOrDefault("Runtime", "java21")), integer(p, "Timeout", 3, where),
                integer(p, "MemorySize", 128, where), environment, events(p.get("Events"), where + ".Events"));
    }

    private StateMachineResource stateMachine(String id, Map<String, Object> p) {
        String where = id + ".Properties";
        Optional<Path> definitionUri = Optional.ofNullable(resolver.resolveString(p.get("DefinitionUri"),
                where + ".DefinitionUri")).map(uri -> file.getParent().resolve(uri).normalize());
        Optional<Object> definition = Optional.ofNullable(resolve(p.get("Definition"), where + ".Definition"));
        if (definitionUri.isEmpty() && definition.isEmpty()) {
            throw new TemplateException(where + ": a state machine needs DefinitionUri or Definition");
        }
        Map<String, String> substitutions = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : mapping(p.get("DefinitionSubstitutions"),
                where + ".DefinitionSubstitutions").entrySet()) {
            substitutions.put(entry.getKey(), resolver.resolveString(entry.getValue(),
                    where + ".DefinitionSubstitutions." + entry.getKey()));
        }
        String name = resolver.physicalName(id);
        String type = Optional.ofNullable(resolver.resolveString(p.get("Type"), where + ".Type")).orElse("STANDARD");
        return new StateMachineResource(id, name, LocalNames.stateMachineArn(name), definitionUri, definition,
                substitutions, type, events(p.get("Events"), where + ".Events"));
    }

    private RuleResource rule(String id, Map<String, Object> p) {
        String where = id + ".Properties";
        Map<String, Object> resolved = mapping(resolve(p, where), where);
        List<RuleResource.Target> targets = new ArrayList<>();
        for (Object target : list(resolved.get("Targets"), where + ".Targets")) {
            Map<String, Object> t = mapping(target, where + ".Targets");
            targets.add(new RuleResource.Target(requiredString(t, "Id", where + ".Targets"),
                    requiredString(t, "Arn", where + ".Targets"), Optional.ofNullable(stringOrJson(t.get("Input"))), t));
        }
        Object pattern = resolved.get("EventPattern");
        String name = resolver.physicalName(id);
        return new RuleResource(id, name, LocalNames.ruleArn(name),
                Optional.ofNullable((String) resolved.get("ScheduleExpression")),
                pattern == null ? Optional.empty() : Optional.of(mapping(pattern, where + ".EventPattern")),
                String.valueOf(resolved.getOrDefault("EventBusName", "default")),
                String.valueOf(resolved.getOrDefault("State", "ENABLED")), targets);
    }

    /**
     * An {@code AWS::ApiGatewayV2::Route} of an HTTP API: its RouteKey ({@code METHOD /path}) and, through its Target
     * ({@code integrations/<Integration>}), the function of that integration's IntegrationUri (the function's ARN or
     * API Gateway's {@code .../functions/<arn>/invocations}). Its authorization is not read here.
     */
    private Template.ApiRoute route(String id, Map<String, Object> p, Map<String, Map<String, Object>> resources,
                                    Map<String, FunctionResource> functions) {
        String where = id + ".Properties";
        String routeKey = requiredString(p, "RouteKey", where);
        int space = routeKey.indexOf(' ');
        if (space < 1 || !routeKey.startsWith("/", space + 1)) {
            throw new TemplateException(file + ": " + where + ".RouteKey: expected 'METHOD /path', found " + routeKey);
        }
        String target = requiredString(p, "Target", where);
        String integrationId = target.startsWith("integrations/") ? target.substring("integrations/".length()) : "";
        Map<String, Object> integration = resources.get(integrationId);
        if (integration == null || !"AWS::ApiGatewayV2::Integration".equals(integration.get("Type"))) {
            throw new TemplateException(file + ": " + where + ".Target: " + target
                    + " names no AWS::ApiGatewayV2::Integration of the template (expected integrations/<LogicalId>)");
        }
        String uri = requiredString(mapping(integration.get("Properties"), integrationId + ".Properties"),
                "IntegrationUri", integrationId + ".Properties");
        java.util.regex.Matcher invocation = java.util.regex.Pattern.compile(".*:lambda:path/[^/]+/functions/(.+)/invocations")
                .matcher(uri);
        String functionArn = invocation.matches() ? invocation.group(1) : uri;
        FunctionResource function = functions.values().stream().filter(f -> f.arn().equals(functionArn)).findFirst()
                .orElseThrow(() -> new TemplateException(file + ": " + integrationId + ".Properties.IntegrationUri: "
                        + uri + " names no function of the template (route " + id + ")"));
        return new Template.ApiRoute(function, new EventSource.Api(id, routeKey.substring(space + 1),
                routeKey.substring(0, space).toUpperCase(Locale.ROOT)));
    }

    private List<EventSource> events(Object value, String where) {
        List<EventSource> events = new ArrayList<>();
        for (Map.Entry<String, Object> entry : mapping(value, where).entrySet()) {
            String name = entry.getKey();
            String at = where + "." + name;
            Map<String, Object> event = mapping(entry.getValue(), at);
            String type = requiredString(event, "Type", at);
            Map<String, Object> p = mapping(resolve(event.get("Properties"), at + ".Properties"), at + ".Properties");
            String pat = at + ".Properties";
            events.add(switch (type) {
                case "Kinesis" -> kinesis(name, p, pat);
                case "Api", "HttpApi" -> new EventSource.Api(name, requiredString(p, "Path", pat),
                        requiredString(p, "Method", pat).toUpperCase(Locale.ROOT));
                case "Schedule", "ScheduleV2" -> new EventSource.Schedule(name, type,
                        requiredString(p, "Schedule".equals(type) ? "Schedule" : "ScheduleExpression", pat),
                        Optional.ofNullable(stringOrJson(p.get("Input"))), enabled(p), p);
                case "EventBridgeRule", "CloudWatchEvent" -> new EventSource.EventBridgeRule(name,
                        mapping(p.get("Pattern"), pat + ".Pattern"),
                        String.valueOf(p.getOrDefault("EventBusName", "default")),
                        Optional.ofNullable(stringOrJson(p.get("Input"))), enabled(p), p);
                default -> new EventSource.Other(name, type, p);
            });
        }
        return events;
    }

    private static boolean enabled(Map<String, Object> p) {
        if (p.containsKey("State")) {
            return "ENABLED".equals(String.valueOf(p.get("State")));
        }
        return !"false".equalsIgnoreCase(String.valueOf(p.getOrDefault("Enabled", "true")));
    }

    private EventSource.Kinesis kinesis(String name, Map<String, Object> p, String where) {
        String streamArn = requiredString(p, "Stream", where);
        String streamName;
        try {
            streamName = LocalNames.streamNameOf(streamArn);
        } catch (IllegalArgumentException e) {
            throw new TemplateException(where + ".Stream: " + e.getMessage(), e);
        }
        EventSource.StartingPosition position;
        String positionText = requiredString(p, "StartingPosition", where);
        try {
            position = EventSource.StartingPosition.valueOf(positionText);
        } catch (IllegalArgumentException e) {
            throw new TemplateException(where + ".StartingPosition: " + positionText
                    + " is not TRIM_HORIZON, LATEST or AT_TIMESTAMP", e);
        }
        Optional<Instant> timestamp = Optional.empty();
        if (position == EventSource.StartingPosition.AT_TIMESTAMP) {
            String seconds = requiredString(p, "StartingPositionTimestamp", where);
            double epochSeconds = Double.parseDouble(seconds);
            timestamp = Optional.of(Instant.ofEpochMilli((long) (epochSeconds * 1000)));
        }
        int batchSize = bounded(p, "BatchSize", 100, 1, 10_000, where);
        int window = bounded(p, "MaximumBatchingWindowInSeconds", 0, 0, 300, where);
        int retries = bounded(p, "MaximumRetryAttempts", -1, -1, 10_000, where);
        int age = bounded(p, "MaximumRecordAgeInSeconds", -1, -1, 604_800, where);
        if (age != -1 && age < 60) {
            throw new TemplateException(where + ".MaximumRecordAgeInSeconds: " + age + " must be -1 or 60..604800");
        }
        int parallelization = bounded(p, "ParallelizationFactor", 1, 1, 10, where);
        List<String> responseTypes = list(p.get("FunctionResponseTypes"), where + ".FunctionResponseTypes").stream()
                .map(String::valueOf).toList();
        for (String responseType : responseTypes) {
            if (!responseType.equals("ReportBatchItemFailures")) {
                throw new TemplateException(where + ".FunctionResponseTypes: unknown " + responseType);
            }
        }
        Optional<EventSource.OnFailure> onFailure = Optional.empty();
        Map<String, Object> destination = mapping(mapping(p.get("DestinationConfig"), where + ".DestinationConfig")
                .get("OnFailure"), where + ".DestinationConfig.OnFailure");
        if (!destination.isEmpty()) {
            String arn = requiredString(destination, "Destination", where + ".DestinationConfig.OnFailure");
            String type = destination.containsKey("Type") ? String.valueOf(destination.get("Type"))
                    : arn.startsWith("arn:aws:s3:") ? "S3" : arn.startsWith("arn:aws:sns:") ? "SNS" : "SQS";
            onFailure = Optional.of(new EventSource.OnFailure(type, arn));
        }
        return new EventSource.Kinesis(name, streamArn, streamName, position, timestamp, batchSize,
                Duration.ofSeconds(window), bool(p, "BisectBatchOnFunctionError", where), retries, age,
                parallelization, responseTypes.contains("ReportBatchItemFailures"), onFailure,
                !"false".equalsIgnoreCase(String.valueOf(p.getOrDefault("Enabled", "true"))));
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private Object resolve(Object value, String where) {
        return resolver.resolve(value, where);
    }

    /** Globals first, the function's own properties over them; mappings merge key by key. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> globals, Map<String, Object> own) {
        Map<String, Object> merged = new LinkedHashMap<>(globals);
        for (Map.Entry<String, Object> entry : own.entrySet()) {
            Object global = merged.get(entry.getKey());
            if (global instanceof Map<?, ?> g && entry.getValue() instanceof Map<?, ?> o && !isIntrinsic(o)
                    && !isIntrinsic(g)) {
                merged.put(entry.getKey(), merge((Map<String, Object>) g, (Map<String, Object>) o));
            } else {
                merged.put(entry.getKey(), entry.getValue());
            }
        }
        return merged;
    }

    private static boolean isIntrinsic(Map<?, ?> map) {
        if (map.size() != 1) {
            return false;
        }
        String key = String.valueOf(map.keySet().iterator().next());
        return key.equals("Ref") || key.startsWith("Fn::");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> mapping(Object value, String where) {
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new TemplateException(file + ": " + where + " must be a mapping, found " + value);
    }

    private List<?> list(Object value, String where) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list;
        }
        throw new TemplateException(file + ": " + where + " must be a list, found " + value);
    }

    private String requiredString(Map<String, Object> map, String key, String where) {
        String value = resolver.resolveString(map.get(key), where + "." + key);
        if (value == null || value.isBlank()) {
            throw new TemplateException(file + ": " + where + "." + key + " is required");
        }
        return value;
    }

    private int integer(Map<String, Object> map, String key, int fallback, String where) {
        String value = resolver.resolveString(map.get(key), where + "." + key);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new TemplateException(file + ": " + where + "." + key + " = " + value + " is not a whole number", e);
        }
    }

    private int bounded(Map<String, Object> map, String key, int fallback, int min, int max, String where) {
        int value = integer(map, key, fallback, where);
        if (value < min || value > max) {
            throw new TemplateException(file + ": " + where + "." + key + " = " + value + " is not in " + min + ".."
                    + max);
        }
        return value;
    }

    private boolean bool(Map<String, Object> map, String key, String where) {
        String value = resolver.resolveString(map.get(key), where + "." + key);
        if (value == null) {
            return false;
        }
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new TemplateException(file + ": " + where + "." + key + " = " + value + " is not true or false");
        }
        return Boolean.parseBoolean(value);
    }

    /** An event's Input is a JSON string in templates; a mapping written in YAML is turned into JSON text. */
    private static String stringOrJson(Object value) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new TemplateException("Cannot write Input as JSON: " + value, e);
        }
    }
}
