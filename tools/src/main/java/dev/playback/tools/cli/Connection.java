package dev.playback.tools.cli;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.StateMachineListItem;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The clients the replay commands use, pointed either at a running {@code playback local} (endpoints from
 * its file) or at AWS ({@code --aws}: the SDK's default credentials and region). On AWS the resources come from the
 * stack's outputs ({@code --stack NAME}, see {@link StackOutputs}); {@code --data-table}/{@code $PLAYBACK_DATA_TABLE}
 * and the like override them; without a stack, state machines are found by their SAM names
 * {@code <LogicalId>-<suffix>}.
 */
public final class Connection implements AutoCloseable {
    public static final String DATA_TABLE_ENV = "PLAYBACK_DATA_TABLE";
    public static final String EVENTS_TABLE_ENV = "PLAYBACK_EVENTS_TABLE";
    public static final String REPORT_BUCKET_ENV = "PLAYBACK_REPORT_BUCKET";

    private final SfnClient sfn;
    private final EventBridgeClient events;
    private final DynamoDbClient dynamo;
    private final String dataTable;
    private final String eventsTable;
    private final String reportBucket;
    private final LocalEndpoints local;
    private final Map<String, String> machines = new HashMap<>();
    private final String where;
    private S3Client s3;

    private Connection(SfnClient sfn, EventBridgeClient events, DynamoDbClient dynamo, String dataTable, String eventsTable,
                       String reportBucket, LocalEndpoints local, Map<String, String> stateMachines, String where) {
        this.sfn = sfn;
        this.events = events;
        this.dynamo = dynamo;
        this.dataTable = dataTable;
        this.eventsTable = eventsTable;
        this.reportBucket = reportBucket;
        this.local = local;
        this.where = where;
        machines.putAll(stateMachines);
    }

    /** A connection to the local stack described by {@code file}. */
    public static Connection local(Path file) {
        LocalEndpoints e = LocalEndpoints.read(file);
        if (!e.writerAlive()) {
            throw new UsageException("the local stack recorded in " + file + " (pid " + e.pid() + ") is not running any more: "
                    + "start it again with 'playback local [--data DIR]'");
        }
        return local(e, "local stack (" + file + ")");
    }

    public static Connection local(LocalEndpoints e, String where) {
        SfnClient sfn = e.client(SfnClient.builder(), e.stepFunctions());
        EventBridgeClient eb = e.client(EventBridgeClient.builder(), e.eventBridge());
        DynamoDbClient ddb = e.client(DynamoDbClient.builder(), e.dynamoDb());
        return new Connection(sfn, eb, ddb, e.name("DataTable"), e.name("EventsTable"), e.names().get("ReportBucket"), e,
                e.stateMachines(), where);
    }

    /**
     * A connection to AWS with the SDK's default credentials and region; {@code dataTable}/{@code eventsTable} may be
     * null (then from the environment, then from the outputs of {@code stackName}, when given).
     */
    public static Connection aws(String dataTable, String eventsTable, String stackName) {
        // the HTTP client named, as more than one is on the classpath
        return AwsTarget.withDefaults(() -> {
            StackOutputs stack = stackName == null ? null : AwsTarget.describe(stackName);
            return aws(SfnClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
                    EventBridgeClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
                    DynamoDbClient.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
                    dataTable, eventsTable, System.getenv(), stack);
        });
    }

    /**
     * A connection to AWS through the given clients: each name from its option, else from {@code environment}, else
     * from {@code stack}'s outputs (null: no stack).
     */
    static Connection aws(SfnClient sfn, EventBridgeClient events, DynamoDbClient dynamo, String dataTable, String eventsTable,
                          Map<String, String> environment, StackOutputs stack) {
        String data = AwsTarget.pick(dataTable, environment.get(DATA_TABLE_ENV), stack, StackOutputs.DATA_TABLE);
        String evts = AwsTarget.pick(eventsTable, environment.get(EVENTS_TABLE_ENV), stack, StackOutputs.EVENTS_TABLE);
        String report = AwsTarget.pick(null, environment.get(REPORT_BUCKET_ENV), stack, StackOutputs.REPORT_BUCKET);
        return new Connection(sfn, events, dynamo, data, evts, report, null,
                stack == null ? Map.of() : stack.stateMachines(), stack == null ? "AWS" : "AWS stack " + stack.stackName());
    }

    public SfnClient sfn() {
        return sfn;
    }

    public EventBridgeClient events() {
        return events;
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public boolean isLocal() {
        return local != null;
    }

    public String where() {
        return where;
    }

    /** The data table; on AWS it must be given. */
    public String dataTable() {
        if (dataTable == null) {
            throw new UsageException("this command reads the data table: give --stack NAME, --data-table NAME or set " + DATA_TABLE_ENV);
        }
        return dataTable;
    }

    /** The data table, or null when unknown (on AWS without --stack, --data-table or PLAYBACK_DATA_TABLE). */
    public String dataTableOrNull() {
        return dataTable;
    }

    /** The events table, or null when unknown (on AWS without --stack, --events-table or PLAYBACK_EVENTS_TABLE). */
    public String eventsTableOrNull() {
        return eventsTable;
    }

    /** The local physical name of a template resource (from the endpoints file); null on AWS. */
    public String localName(String logicalId) {
        return local == null ? null : local.name(logicalId);
    }

    /** The report bucket: locally from the endpoints file, on AWS from {@code $PLAYBACK_REPORT_BUCKET} or the stack; null when unknown. */
    public String reportBucketOrNull() {
        return reportBucket;
    }

    /** An S3 client for the stack's buckets (the local emulator, or AWS with the default credentials and region), made on first use. */
    public synchronized S3Client s3() {
        if (s3 == null) {
            s3 = local != null ? local.client(S3Client.builder().forcePathStyle(true), local.s3())
                    : AwsTarget.withDefaults(() -> S3Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build());
        }
        return s3;
    }

    /** The ARN of the template's state machine {@code logicalId}. */
    public synchronized String stateMachineArn(String logicalId) {
        String arn = machines.get(logicalId);
        if (arn != null) return arn;
        if (local != null) return local.stateMachine(logicalId);
        // without --stack: by the SAM name
        List<StateMachineListItem> found = new ArrayList<>();
        for (var page : sfn.listStateMachinesPaginator(b -> b.maxResults(1000))) {
            for (StateMachineListItem m : page.stateMachines()) {
                if (m.name().startsWith(logicalId + "-")) found.add(m);
            }
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("no state machine named " + logicalId + "-* in this account and region: is the stack deployed?");
        }
        if (found.size() > 1) {
            throw new IllegalStateException("more than one state machine named " + logicalId + "-*: "
                    + found.stream().map(StateMachineListItem::name).toList());
        }
        machines.put(logicalId, found.get(0).stateMachineArn());
        return found.get(0).stateMachineArn();
    }

    @Override
    public void close() {
        sfn.close();
        events.close();
        dynamo.close();
        synchronized (this) {
            if (s3 != null) s3.close();
        }
    }
}
