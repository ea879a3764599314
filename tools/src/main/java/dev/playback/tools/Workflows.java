package dev.playback.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onebox.events.EventBusSettings;
import dev.onebox.events.InputTransformer;
import dev.onebox.events.LocalEventBridge;
import dev.onebox.events.Rule;
import dev.onebox.events.Schedule;
import dev.onebox.events.Target;
import dev.onebox.lambda.LocalFunctions;
import dev.onebox.sfn.LocalStepFunctions;
import dev.onebox.sfn.asl.SfnClock;
import dev.onebox.sfn.WorkflowType;
import dev.onebox.sfn.api.SfnApiServer;
import dev.onebox.sfn.tasks.TaskClients;
import dev.onebox.sfn.tasks.InProcessLambdaFunctions;
import dev.onebox.template.EventBusResource;
import dev.onebox.template.EventSource;
import dev.onebox.template.FunctionResource;
import dev.onebox.template.RuleResource;
import dev.onebox.template.StateMachineResource;
import dev.onebox.template.Template;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The orchestration half of the local stack, from {@code template.yaml}: every state machine on the
 * local Step Functions executor (served over the Step Functions API), every rule and schedule on the
 * local EventBridge (served over the EventBridge API), targets delivered to state machines or functions.
 */
public final class Workflows implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalStepFunctions sfn;
    private final SfnApiServer sfnServer;
    private final LocalEventBridge eventBridge;
    private final EventBridgeClient eventBridgeClient;
    private final Map<String, String> stateMachineArns = new LinkedHashMap<>();
    private final Map<String, String> eventBusNames = new LinkedHashMap<>();
    private final LocalTopics topics;

    public Workflows(Template template, LocalFunctions functions, DynamoDbClient dynamo, KinesisClient kinesis,
                     S3Client s3, SfnClock clock) throws IOException {
        this(template, functions, dynamo, kinesis, s3, clock, 0);
    }

    /**
     * @param sfnPort the port of the Step Functions API (0: any free one); the functions' environment names it
     *                ({@code AWS_ENDPOINT_URL_SFN}) when it was reserved before they were hosted
     */
    public Workflows(Template template, LocalFunctions functions, DynamoDbClient dynamo, KinesisClient kinesis,
                     S3Client s3, SfnClock clock, int sfnPort) throws IOException {
        this(template, functions, dynamo, kinesis, s3, clock, sfnPort, null);
    }

    /**
     * @param sfnData where Step Functions keeps its state machines, executions and histories across restarts
     *                (null: in memory only)
     */
    public Workflows(Template template, LocalFunctions functions, DynamoDbClient dynamo, KinesisClient kinesis,
                     S3Client s3, SfnClock clock, int sfnPort, Path sfnData) throws IOException {
        LocalStepFunctions[] sfnRef = new LocalStepFunctions[1];
        // Notifications to the template's topics (a failed replay execution) go to standard error, one line each.
        LocalTopics localTopics = new LocalTopics(template.topics().values(), line -> System.err.println(line));
        topics = localTopics;
        eventBridge = LocalEventBridge.start((arn, input) -> deliver(sfnRef[0], functions, localTopics, arn, input),
                EventBusSettings.defaults(), 0);
        eventBridgeClient = EventBridgeClient.builder().region(Region.US_EAST_1).endpointOverride(eventBridge.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build();
        sfn = LocalStepFunctions.builder().region("us-east-1").accountId("000000000000").clock(clock)
                .lambdaFunctions(InProcessLambdaFunctions.of(functions)).taskClients(new TaskClients(dynamo, kinesis, s3, eventBridgeClient)).dataDirectory(sfnData)
                .statusChanges(d -> eventBridge.bus().publishServiceEvent("aws.states", "Step Functions Execution Status Change",
                        d.stopDate() != null ? d.stopDate() : d.startDate(), List.of(d.executionArn()), statusChange(d)))
                .build();
        sfnRef[0] = sfn;
        sfnServer = new SfnApiServer(sfn, sfnPort).start();
        eventBusNames.putAll(createEventBuses(template, eventBridge.bus()));
        List<Rule> rules = new ArrayList<>();
        List<Schedule> schedules = new ArrayList<>();
        for (StateMachineResource m : template.stateMachines().values()) {
            String definition = definition(m);
            var created = sfn.deployStateMachine(m.name(), definition,
                    "EXPRESS".equalsIgnoreCase(m.type()) ? WorkflowType.EXPRESS : WorkflowType.STANDARD, m.definitionSubstitutions());
            stateMachineArns.put(m.logicalId(), created.arn());
            collect(m.logicalId(), created.arn(), m.events(), rules, schedules);
        }
        for (FunctionResource f : template.functions().values()) collect(f.logicalId(), f.arn(), f.events(), rules, schedules);
        collect(template.rules().values(), rules, schedules);
        eventBridge.register(rules, schedules);
        eventBridge.scheduler().start();
    }

    /** Creates the template's event buses with their policies on {@code bus}; returns their names by logical id. */
    static Map<String, String> createEventBuses(Template template, dev.onebox.events.EventBus bus) {
        Map<String, String> names = new LinkedHashMap<>();
        for (EventBusResource b : template.eventBuses().values()) {
            bus.createEventBus(b.name());
            names.put(b.logicalId(), b.name());
            for (Map<String, Object> statement : b.policy()) bus.putPermission(b.name(), JSON.valueToTree(statement));
        }
        return names;
    }

    /** The detail of AWS's "Step Functions Execution Status Change" event. */
    static com.fasterxml.jackson.databind.node.ObjectNode statusChange(dev.onebox.sfn.ExecutionDescription d) {
        var detail = JSON.createObjectNode();
        detail.put("executionArn", d.executionArn());
        detail.put("stateMachineArn", d.stateMachineArn());
        detail.put("name", d.name());
        detail.put("status", d.status().name());
        detail.put("startDate", d.startDate().toEpochMilli());
        if (d.stopDate() != null) detail.put("stopDate", d.stopDate().toEpochMilli());
        else detail.putNull("stopDate");
        detail.put("input", d.input());
        detail.put("output", d.output());
        detail.putObject("inputDetails").put("included", true);
        if (d.output() != null) detail.putObject("outputDetails").put("included", true);
        else detail.putNull("outputDetails");
        detail.put("error", d.error());
        detail.put("cause", d.cause());
        return detail;
    }

    static void collect(String owner, String targetArn, List<EventSource> events, List<Rule> rules, List<Schedule> schedules) {
        for (EventSource e : events) {
            if (e instanceof EventSource.Schedule s) {
                Target t = target(owner + s.name(), targetArn, s.input(), s.properties());
                schedules.add(new Schedule(owner + "-" + s.name(), s.scheduleExpression(), List.of(t), s.enabled()));
            } else if (e instanceof EventSource.EventBridgeRule r) {
                Target t = target(owner + r.name(), targetArn, r.input(), r.properties());
                rules.add(new Rule(owner + "-" + r.name(), r.eventBusName(), json(r.pattern()), List.of(t), r.enabled()));
            }
        }
    }

    /** The template's {@code AWS::Events::Rule} resources: a schedule, an event pattern or both, with their targets. */
    static void collect(java.util.Collection<RuleResource> ruleResources, List<Rule> rules, List<Schedule> schedules) {
        for (RuleResource r : ruleResources) {
            List<Target> targets = r.targets().stream().map(t -> target(t.id(), t.arn(), t.input(), t.properties())).toList();
            boolean enabled = !"DISABLED".equalsIgnoreCase(r.state());
            if (r.scheduleExpression().isPresent()) schedules.add(new Schedule(r.name(), r.scheduleExpression().get(), targets, enabled));
            if (r.eventPattern().isPresent()) rules.add(new Rule(r.name(), r.eventBusName(), json(r.eventPattern().get()), targets, enabled));
        }
    }

    @SuppressWarnings("unchecked")
    private static Target target(String id, String arn, Optional<String> input, Map<String, Object> properties) {
        Object transformer = properties.get("InputTransformer");
        if (transformer instanceof Map<?, ?> m) {
            Map<String, String> paths = new LinkedHashMap<>();
            Object map = m.get("InputPathsMap");
            if (map instanceof Map<?, ?> pm) pm.forEach((k, v) -> paths.put(String.valueOf(k), String.valueOf(v)));
            return Target.withTransformer(id, arn, new InputTransformer(paths, String.valueOf(m.get("InputTemplate"))));
        }
        if (input.isPresent()) return Target.withInput(id, arn, input.get());
        Object inputPath = properties.get("InputPath");
        if (inputPath != null) return Target.withInputPath(id, arn, String.valueOf(inputPath));
        return Target.of(id, arn);
    }

    private static String definition(StateMachineResource m) throws IOException {
        if (m.definitionUri().isPresent()) {
            Path file = m.definitionUri().get();
            String text = Files.readString(file);
            if (file.toString().endsWith(".yaml") || file.toString().endsWith(".yml")) {
                return json(new org.yaml.snakeyaml.Yaml().load(text));
            }
            return text;
        }
        return json(m.definition().orElseThrow(() -> new IllegalArgumentException(
                "state machine " + m.logicalId() + " has neither DefinitionUri nor Definition")));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + value + " as JSON", e);
        }
    }

    private static void deliver(LocalStepFunctions sfn, LocalFunctions functions, LocalTopics topics, String arn, String input)
            throws IOException {
        if (arn.startsWith("arn:aws:states:")) {
            sfn.startExecution(arn, null, input);
        } else if (arn.startsWith("arn:aws:lambda:")) {
            functions.get(arn).invokeJson(JSON.readTree(input));
        } else if (arn.startsWith("arn:aws:sns:")) {
            topics.publish(arn, input);
        } else {
            throw new IllegalArgumentException("no local delivery for target " + arn);
        }
    }

    /** The template's SNS topics: what rules published to them. */
    public LocalTopics topics() {
        return topics;
    }

    public LocalStepFunctions stepFunctions() {
        return sfn;
    }

    public URI stepFunctionsEndpoint() {
        return URI.create(sfnServer.endpoint());
    }

    public URI eventBridgeEndpoint() {
        return eventBridge.endpoint();
    }

    public LocalEventBridge eventBridge() {
        return eventBridge;
    }

    /** The local ARN of a state machine of the template, by logical id. */
    public String stateMachineArn(String logicalId) {
        String arn = stateMachineArns.get(logicalId);
        if (arn == null) throw new IllegalArgumentException("template.yaml has no state machine " + logicalId);
        return arn;
    }

    /** The local name of an event bus of the template ({@code AWS::Events::EventBus}), by logical id. */
    public String eventBusName(String logicalId) {
        String name = eventBusNames.get(logicalId);
        if (name == null) throw new IllegalArgumentException("template.yaml has no event bus " + logicalId + " (known: " + eventBusNames.keySet() + ")");
        return name;
    }

    @Override
    public void close() {
        eventBridge.close();
        sfnServer.close();
        sfn.close();
        eventBridgeClient.close();
    }
}
