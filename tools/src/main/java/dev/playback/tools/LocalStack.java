package dev.playback.tools;

import dev.playback.tools.cli.LocalEndpoints;
import dev.onebox.emulators.EmulatorInstallation;
import dev.onebox.emulators.EmulatorOptions;
import dev.onebox.emulators.Emulators;
import dev.onebox.eventsource.EventSourceMappings;
import dev.onebox.eventsource.MappingStats;
import dev.onebox.eventsource.PollerSettings;
import dev.playback.examples.external.ExternalServices;
import dev.onebox.http.LocalApi;
import dev.onebox.lambda.AwsEndpoints;
import dev.onebox.lambda.LocalFunction;
import dev.onebox.lambda.LocalFunctions;
import dev.onebox.provision.Provisioner;
import dev.onebox.sfn.asl.SfnClock;
import dev.onebox.template.FunctionResource;
import dev.onebox.template.Template;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The whole system on one machine: emulators on loopback, resources provisioned from
 * {@code template.yaml}, the functions hosted in-process, fed by Kinesis event source mappings and
 * served behind the local HTTP API. {@link #close()} stops everything it started, in reverse order.
 */
public final class LocalStack implements AutoCloseable {
    /** The stack name the local template is loaded as (AWS::StackName: the API and ReplayRequestBus are named after it). */
    public static final String STACK_NAME = "playback-local";
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Emulators emulators;
    private final Template template;
    private final DynamoDbClient dynamo;
    private final KinesisClient kinesis;
    private final S3Client s3;
    private final LocalFunctions functions;
    private final EventSourceMappings mappings;
    private final LocalApi api;
    private final Workflows workflows;
    private final java.nio.file.Path dataDir;
    private final ExternalServices external;
    private boolean closed;
    private final java.nio.file.Path templateFile;
    private final Map<String, String> parameters;

    private LocalStack(LocalOptions options) throws Exception {
        Emulators.disableCbor();
        dataDir = options.dataDir();
        String home = System.getProperty("playback.home");
        EmulatorInstallation installation = home == null || home.isBlank()
                ? EmulatorInstallation.locate() : EmulatorInstallation.at(java.nio.file.Path.of(home));
        try {
            emulators = Emulators.start(installation, options.dataDir() == null ? EmulatorOptions.inMemory()
                    : EmulatorOptions.onDisk(options.dataDir().resolve("emulators")));
            started.add(emulators);
            external = ExternalServices.start(options.dataDir());
            started.add(external);
            templateFile = Template.locate(installation.home());
            parameters = new LinkedHashMap<>(external.parameters());
            parameters.putAll(options.parameters());
            template = Template.load(templateFile, parameters, STACK_NAME);
            dynamo = emulators.dynamoDbClient();
            kinesis = emulators.kinesisClient();
            s3 = emulators.s3Client();
            started.add(dynamo);
            started.add(kinesis);
            started.add(s3);
            new Provisioner(dynamo, kinesis, s3).provision(template);
            // The functions reach the local Step Functions API too (the replay function's scheduled reconcile reads
            // executions): its port is reserved now, as the functions' environment is made before it starts.
            int sfnPort = freeLoopbackPort();
            AwsEndpoints endpoints = new AwsEndpoints(emulators.dynamoDbEndpoint(), emulators.kinesisEndpoint(), emulators.s3Endpoint(),
                    Map.of("SFN", URI.create("http://127.0.0.1:" + sfnPort)));
            functions = host(template, endpoints, functionOverrides(), options.overrides());
            mappings = EventSourceMappings.fromTemplate(template, functions, kinesis, dynamo, s3, PollerSettings.defaults());
            started.add(mappings);
            mappings.start();
            workflows = new Workflows(template, functions, dynamo, kinesis, s3, SfnClock.system(), sfnPort,
                    options.dataDir() == null ? null : options.dataDir().resolve("stepfunctions"));
            started.add(workflows);
            api = LocalApi.fromTemplate(template, functions, options.apiPort(), options.apiAuth()).start();
            started.add(api);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    public static LocalStack start(LocalOptions options) throws Exception {
        return new LocalStack(options);
    }

    private static LocalFunctions host(Template template, AwsEndpoints endpoints, Map<String, String> environment,
                                       Map<String, Function<Map<String, String>, Object>> overrides) {
        LocalFunctions fromTemplate = LocalFunctions.fromTemplate(template, endpoints, environment, Map.of(),
                LocalFunctions.class.getClassLoader());
        if (overrides.isEmpty()) return fromTemplate;
        Map<String, LocalFunction> hosted = new LinkedHashMap<>(fromTemplate.all());
        for (var o : overrides.entrySet()) {
            FunctionResource f = template.function(o.getKey());
            Map<String, String> env = LocalFunctions.environment(f, endpoints, environment, Map.of());
            hosted.put(f.functionName(), new LocalFunction(f.functionName(), f.arn(), f.timeoutSeconds(), f.memorySize(),
                    f.handlerMethod(), env, e -> () -> o.getValue().apply(e)));
        }
        return new LocalFunctions(hosted);
    }

    private static int freeLoopbackPort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * What the local stack sets in every function's environment over the template: the local external services' URLs,
     * and no KMS key for the subjects' data keys (no KMS runs locally: SubjectKeyTable keeps them raw).
     */
    public Map<String, String> functionOverrides() {
        Map<String, String> environment = new LinkedHashMap<>(external.environment());
        environment.put("SUBJECT_KEYS_KMS_KEY", "");
        return environment;
    }

    public URI apiUrl() {
        return api.baseUri();
    }

    public Workflows workflows() {
        return workflows;
    }

    /** The FX service, the partner bank, the tax-rate service and the invoice service. */
    public ExternalServices external() {
        return external;
    }

    public Emulators emulators() {
        return emulators;
    }

    public Template template() {
        return template;
    }

    public DynamoDbClient dynamoDb() {
        return dynamo;
    }

    public KinesisClient kinesis() {
        return kinesis;
    }

    public S3Client s3() {
        return s3;
    }

    public LocalFunctions functions() {
        return functions;
    }

    public EventSourceMappings mappings() {
        return mappings;
    }

    /** The domains the template's functions run: {@code PLAYBACK_DOMAINS} of the first function that sets it. */
    public dev.playback.model.domain.Domains domains() {
        for (FunctionResource f : template.functions().values()) {
            String classes = f.environment().get(dev.playback.model.domain.Domains.VARIABLE);
            if (classes != null) return dev.playback.model.domain.Domains.load(classes);
        }
        throw new IllegalStateException("no function of the local template sets " + dev.playback.model.domain.Domains.VARIABLE);
    }

    /** The local physical name of a table, stream or bucket of the template, by logical id. */
    public String physicalName(String logicalId) {
        if (template.tables().containsKey(logicalId)) return template.table(logicalId).tableName();
        if (template.streams().containsKey(logicalId)) return template.stream(logicalId).streamName();
        if (template.buckets().containsKey(logicalId)) return template.bucket(logicalId).bucketName();
        throw new IllegalArgumentException("template.yaml has no table, stream or bucket named " + logicalId);
    }

    /**
     * Deploys a new value of a template parameter, as {@code sam deploy --parameter-overrides NAME=VALUE} does:
     * every function whose environment the template derives from it gets the new value (new handler instances,
     * as after Lambda's UpdateFunctionConfiguration). Returns the functions changed. The value is checked
     * against the parameter's AllowedValues.
     */
    public synchronized List<String> updateParameter(String name, String value) throws java.io.IOException {
        Map<String, String> next = new LinkedHashMap<>(parameters);
        next.put(name, value);
        Template updated = Template.load(templateFile, next, STACK_NAME);
        List<String> changed = new java.util.ArrayList<>();
        for (FunctionResource f : updated.functions().values()) {
            Map<String, String> before = template.function(f.logicalId()).environment();
            Map<String, String> changes = new LinkedHashMap<>();
            f.environment().forEach((k, v) -> {
                if (!v.equals(before.get(k))) changes.put(k, v);
            });
            if (changes.isEmpty()) continue;
            functions.get(f.functionName()).updateEnvironment(changes);
            changed.add(f.logicalId());
        }
        parameters.put(name, value);
        return changed;
    }

    /** Waits until every event source mapping has processed every record written so far. */
    public void awaitIdle(Duration timeout) {
        if (!mappings.awaitIdle(timeout)) {
            MappingStats.Stats s = mappings.stats();
            throw new IllegalStateException("the event source mappings did not catch up within " + timeout + " (" + s + ")");
        }
    }

    /** Where this stack can be reached, for {@code .playback/local.json}. */
    public LocalEndpoints endpoints() {
        Map<String, String> names = new java.util.TreeMap<>();
        template.tables().keySet().forEach(id -> names.put(id, physicalName(id)));
        template.streams().keySet().forEach(id -> names.put(id, physicalName(id)));
        template.buckets().keySet().forEach(id -> names.put(id, physicalName(id)));
        template.eventBuses().forEach((id, bus) -> names.put(id, bus.name()));
        Map<String, String> machines = new java.util.TreeMap<>();
        template.stateMachines().keySet().forEach(id -> machines.put(id, workflows.stateMachineArn(id)));
        return new LocalEndpoints(apiUrl(), workflows.stepFunctionsEndpoint(), workflows.eventBridgeEndpoint(),
                emulators.dynamoDbEndpoint(), emulators.kinesisEndpoint(), emulators.s3Endpoint(), Emulators.REGION.id(),
                ProcessHandle.current().pid(), dataDir == null ? null : dataDir.toAbsolutePath().toString(), names, machines,
                external.urls());
    }

    public void describe(PrintStream out) {
        out.println("API             " + apiUrl());
        out.println("DynamoDB        " + emulators.dynamoDbEndpoint());
        out.println("Kinesis         " + emulators.kinesisEndpoint());
        out.println("S3              " + emulators.s3Endpoint());
        out.println("Step Functions  " + workflows.stepFunctionsEndpoint());
        out.println("EventBridge     " + workflows.eventBridgeEndpoint());
        out.println("FX service      " + external.fxUrl() + "  (GET /rates?from=X&to=Y, PUT /rates)");
        out.println("partner bank    " + external.bankUrl() + "  (GET /payouts)");
        out.println("tax service     " + external.taxUrl() + "  (GET /rates?country=X&date=YYYY-MM-DD)");
        out.println("invoice service " + external.invoiceUrl() + "  (GET /invoices)");
        out.println("functions       " + String.join(", ", functions.names()));
        LocalEndpoints e = endpoints();
        e.names().forEach((id, name) -> out.printf("%-26s %s%n", id, name));
        e.stateMachines().forEach((id, arn) -> out.printf("%-26s %s%n", id, arn));
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        RuntimeException failure = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                if (failure == null) failure = new IllegalStateException("stopping the local stack failed", e);
                else failure.addSuppressed(e);
            }
        }
        if (failure != null) throw failure;
    }
}
