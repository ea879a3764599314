package dev.onebox.template;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The resources of template.yaml as the local runtime sees them, every value resolved: parameters (defaults and
 * overrides), tables, streams, buckets, functions (Globals merged), state machines and EventBridge rules, each map
 * keyed by logical id in template order, and the routes declared as {@code AWS::ApiGatewayV2::Route} resources.
 * {@link #resolver()} resolves anything else in {@link #raw()}.
 */
public record Template(Path file, Map<String, String> parameters, Map<String, TableResource> tables,
                       Map<String, StreamResource> streams, Map<String, BucketResource> buckets,
                       Map<String, FunctionResource> functions, Map<String, StateMachineResource> stateMachines,
                       Map<String, RuleResource> rules, List<ApiRoute> routes, Resolver resolver,
                       Map<String, Object> raw) {

    /** The name of the template file at the repository root. */
    public static final String FILE_NAME = "template.yaml";

    /** Loads a template with its parameters' defaults. */
    public static Template load(Path file) {
        return load(file, Map.of());
    }

    /** Loads a template; {@code parameterOverrides} win over the parameters' defaults. */
    public static Template load(Path file, Map<String, String> parameterOverrides) {
        return load(file, parameterOverrides, LocalNames.DEFAULT_STACK_NAME);
    }

    /** Loads a template as the stack {@code stackName} (AWS::StackName, AWS::StackId). */
    public static Template load(Path file, Map<String, String> parameterOverrides, String stackName) {
        return new TemplateReader(file, CfnYaml.read(file), parameterOverrides, stackName).read();
    }

    /** Finds template.yaml in {@code start} or the nearest folder above it. */
    public static Path locate(Path start) {
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(FILE_NAME);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new TemplateException("No " + FILE_NAME + " in " + start.toAbsolutePath() + " or any folder above it");
    }

    /** The function with this logical id; fails naming the id when there is none. */
    public FunctionResource function(String logicalId) {
        return require(functions, logicalId, "function");
    }

    public TableResource table(String logicalId) {
        return require(tables, logicalId, "table");
    }

    public StreamResource stream(String logicalId) {
        return require(streams, logicalId, "stream");
    }

    public BucketResource bucket(String logicalId) {
        return require(buckets, logicalId, "bucket");
    }

    public StateMachineResource stateMachine(String logicalId) {
        return require(stateMachines, logicalId, "state machine");
    }

    /** The stream with this physical name, if the template declares it. */
    public Optional<StreamResource> streamNamed(String streamName) {
        return streams.values().stream().filter(s -> s.streamName().equals(streamName)).findFirst();
    }

    /** Every Kinesis event source of every function, as (function, event) pairs in template order. */
    public List<KinesisMapping> kinesisMappings() {
        List<KinesisMapping> result = new ArrayList<>();
        for (FunctionResource function : functions.values()) {
            for (EventSource.Kinesis event : function.events(EventSource.Kinesis.class)) {
                result.add(new KinesisMapping(function, event));
            }
        }
        return result;
    }

    /**
     * Every API route, as (function, route) pairs in template order: the functions' {@code Api}/{@code HttpApi}
     * events, then the {@code AWS::ApiGatewayV2::Route} resources.
     */
    public List<ApiRoute> apiRoutes() {
        List<ApiRoute> result = new ArrayList<>();
        for (FunctionResource function : functions.values()) {
            for (EventSource.Api event : function.events(EventSource.Api.class)) {
                result.add(new ApiRoute(function, event));
            }
        }
        result.addAll(routes);
        return result;
    }

    /**
     * The custom event buses ({@code AWS::Events::EventBus}) with the statements of their {@code AWS::Events::EventBusPolicy}
     * resources (a policy's {@code Statement}, or its legacy {@code Action}/{@code Principal}/{@code Condition} form), keyed by
     * logical id in template order. A policy naming a bus the template does not declare fails, naming the policy.
     */
    @SuppressWarnings("unchecked")
    public Map<String, EventBusResource> eventBuses() {
        Map<String, Object> resources = raw.get("Resources") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        Map<String, String> names = new java.util.LinkedHashMap<>();
        Map<String, List<Map<String, Object>>> statements = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Object> e : resources.entrySet()) {
            if (e.getValue() instanceof Map<?, ?> r && "AWS::Events::EventBus".equals(r.get("Type")) && included(r, e.getKey())) {
                names.put(e.getKey(), resolver.physicalName(e.getKey()));
                statements.put(e.getKey(), new ArrayList<>());
            }
        }
        for (Map.Entry<String, Object> e : resources.entrySet()) {
            if (!(e.getValue() instanceof Map<?, ?> r) || !"AWS::Events::EventBusPolicy".equals(r.get("Type")) || !included(r, e.getKey())) {
                continue;
            }
            String where = e.getKey() + ".Properties";
            Object resolved = resolver.resolve(r.get("Properties"), where);
            Map<String, Object> p = resolved instanceof Map<?, ?> pm ? (Map<String, Object>) pm : Map.of();
            String bus = String.valueOf(p.getOrDefault("EventBusName", "default"));
            String logicalId = names.entrySet().stream().filter(n -> n.getValue().equals(bus) || LocalNames.eventBusArn(n.getValue()).equals(bus))
                    .map(Map.Entry::getKey).findFirst()
                    .orElseThrow(() -> new TemplateException(file + ": " + where + ".EventBusName " + bus + " is no event bus of the template"));
            Map<String, Object> statement = new java.util.LinkedHashMap<>();
            statement.put("Sid", String.valueOf(p.getOrDefault("StatementId", e.getKey())));
            if (p.get("Statement") instanceof Map<?, ?> st) {
                statement.putAll((Map<String, Object>) st);
            } else {
                statement.put("Effect", "Allow");
                statement.put("Principal", Map.of("AWS", String.valueOf(p.get("Principal"))));
                statement.put("Action", String.valueOf(p.get("Action")));
                if (p.get("Condition") != null) statement.put("Condition", p.get("Condition"));
            }
            statements.get(logicalId).add(statement);
        }
        Map<String, EventBusResource> out = new java.util.LinkedHashMap<>();
        names.forEach((id, name) -> out.put(id, new EventBusResource(id, name, LocalNames.eventBusArn(name), statements.get(id))));
        return out;
    }

    /** The SNS topics ({@code AWS::SNS::Topic}) whose condition holds, keyed by logical id in template order. */
    @SuppressWarnings("unchecked")
    public Map<String, TopicResource> topics() {
        Map<String, Object> resources = raw.get("Resources") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        Map<String, TopicResource> out = new java.util.LinkedHashMap<>();
        resources.forEach((id, r) -> {
            if (r instanceof Map<?, ?> resource && "AWS::SNS::Topic".equals(resource.get("Type")) && included(resource, id)) {
                String name = resolver.physicalName(id);
                out.put(id, new TopicResource(id, name, LocalNames.topicArn(name)));
            }
        });
        return out;
    }

    private boolean included(Map<?, ?> resource, String logicalId) {
        return !resource.containsKey("Condition") || resolver.condition(String.valueOf(resource.get("Condition")), logicalId + ".Condition");
    }

    /** A function and one of its Kinesis events. */
    public record KinesisMapping(FunctionResource function, EventSource.Kinesis event) {
    }

    /** A function and one of its Api events. */
    public record ApiRoute(FunctionResource function, EventSource.Api event) {
    }

    private <T> T require(Map<String, T> map, String logicalId, String kind) {
        T value = map.get(logicalId);
        if (value == null) {
            throw new TemplateException(file + ": no " + kind + " " + logicalId + " (known: " + map.keySet() + ")");
        }
        return value;
    }
}
