package dev.playback.local.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemplateTest {
    private static final Path REAL = Template.locate(Path.of(""));

    @TempDir
    Path dir;

    @Test
    void readsTheRepositoryTemplatesStorage() {
        Template template = Template.load(REAL);

        TableResource events = template.table("EventsTable");
        assertEquals("EventsTable", events.tableName());
        assertEquals("arn:aws:dynamodb:us-east-1:000000000000:table/EventsTable", events.arn());
        assertEquals(List.of(new TableResource.KeyElement("aggregateId", "HASH"),
                new TableResource.KeyElement("version", "RANGE")), events.keySchema());
        assertEquals(Map.of("aggregateId", "S", "version", "N", "type", "S", "recordedDay", "S", "recordedKey", "S",
                "occurredDay", "S", "occurredKey", "S"), events.attributeDefinitions());
        assertEquals(List.of("byType", "byRecordedDay", "byOccurredDay"),
                events.globalSecondaryIndexes().stream().map(TableResource.SecondaryIndex::indexName).toList());
        assertEquals("PAY_PER_REQUEST", events.billingMode());

        StreamResource stream = template.stream("EventStream");
        assertEquals(2, stream.shardCount());
        assertEquals(168, stream.retentionPeriodHours());
        assertEquals("arn:aws:kinesis:us-east-1:000000000000:stream/EventStream", stream.arn());

        assertEquals("payloadbucket", template.bucket("PayloadBucket").bucketName());
        assertEquals("arn:aws:s3:::failurebucket", template.bucket("FailureBucket").arn());
    }

    @Test
    void mergesGlobalsIntoEveryFunction() {
        Template template = Template.load(REAL);

        FunctionResource pump = template.function("PumpFunction");
        assertEquals("dev.playback.lambdas.pump.PumpHandler", pump.handlerClass());
        assertEquals("handleRequest", pump.handlerMethod());
        assertEquals(60, pump.timeoutSeconds());
        assertEquals(1024, pump.memorySize());
        assertEquals("EventsTable", pump.environment().get("EVENTS_TABLE"));
        assertEquals("EventStream", pump.environment().get("EVENT_STREAM"));
        assertEquals("payloadbucket", pump.environment().get("PAYLOAD_BUCKET"));
        assertEquals("v2", pump.environment().get("FEE_RULE"));
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:PumpFunction", pump.arn());
    }

    @Test
    void readsKinesisEventSourcesWithTheirErrorHandling() {
        Template template = Template.load(REAL);

        EventSource.Kinesis pump = template.function("PumpFunction").events(EventSource.Kinesis.class).get(0);
        assertEquals("EventStream", pump.streamName());
        assertEquals("arn:aws:kinesis:us-east-1:000000000000:stream/EventStream", pump.streamArn());
        assertEquals(EventSource.StartingPosition.TRIM_HORIZON, pump.startingPosition());
        assertEquals(500, pump.batchSize());
        assertEquals(Duration.ZERO, pump.maximumBatchingWindow());
        assertTrue(pump.bisectBatchOnFunctionError());
        assertEquals(-1, pump.maximumRetryAttempts(), "no retry budget that discards: the pump retries until it succeeds");
        assertEquals(-1, pump.maximumRecordAgeInSeconds());
        assertEquals(1, pump.parallelizationFactor());
        assertTrue(pump.reportBatchItemFailures());
        assertEquals(Optional.empty(), pump.onFailure(), "the pump sets undecodable records aside itself");
        assertEquals("failurebucket", template.function("PumpFunction").environment().get("FAILURE_BUCKET"));
        assertTrue(template.kinesisMappings().size() >= 2, "pump and projection at least; later functions add theirs");
    }

    @Test
    void noMappingHasARetryBudgetThatDiscardsAndEveryFunctionReadingAStreamCanSetRecordsAside() {
        Template template = Template.load(REAL);
        int playback = 0;
        for (Template.KinesisMapping m : template.kinesisMappings()) {
            String function = m.function().logicalId();
            if (m.event().streamName().equals("PlaybackStream")) playback++;
            assertEquals(-1, m.event().maximumRetryAttempts(), function + ": retries until the record passes or is given up by the function");
            assertEquals(-1, m.event().maximumRecordAgeInSeconds(), function + ": no record expires unprocessed");
            assertEquals(Optional.empty(), m.event().onFailure(), function + ": nothing reaches an on-failure destination");
            assertEquals("failurebucket", m.function().environment().get("FAILURE_BUCKET"), function + " sets undecodable records aside there");
        }
        assertTrue(playback >= 2, "projection and payouts read the playback stream; found " + playback);
    }

    @Test
    void samconfigOverridesOnlyParametersTheTemplateDeclares() throws IOException {
        Template template = Template.load(REAL);
        List<String> lines = Files.readAllLines(REAL.resolveSibling("samconfig.toml"));
        int overrides = 0;
        for (String line : lines) {
            if (!line.startsWith("parameter_overrides")) continue;
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\w+)=\\\\\"").matcher(line);
            while (m.find()) {
                overrides++;
                assertTrue(template.parameters().containsKey(m.group(1)), "samconfig.toml overrides " + m.group(1) + ", which template.yaml does not declare");
            }
        }
        assertTrue(overrides >= 2, "parameter overrides found in samconfig.toml: " + overrides);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("capabilities = \"CAPABILITY_IAM\"")), "deploys acknowledge the IAM roles SAM creates");
    }

    @Test
    void readsApiRoutes() {
        Template template = Template.load(REAL);

        List<String> routes = template.apiRoutes().stream()
                .map(r -> r.event().method() + " " + r.event().path() + " -> " + r.function().logicalId()).toList();
        assertEquals(List.of("POST /events -> IngestFunction", "GET /events/{eventId} -> IngestFunction",
                "GET /aggregates/{aggregateId} -> IngestFunction",
                "GET /aggregates/{aggregateId}/events -> IngestFunction"), routes);
    }

    @Test
    void parameterOverridesWinOverDefaultsAndAreChecked() {
        assertEquals("v1", Template.load(REAL, Map.of("FeeRule", "v1")).function("PumpFunction")
                .environment().get("FEE_RULE"));
        TemplateException wrong = assertThrows(TemplateException.class,
                () -> Template.load(REAL, Map.of("FeeRule", "v9")));
        assertTrue(wrong.getMessage().contains("FeeRule"), wrong.getMessage());
        TemplateException unknown = assertThrows(TemplateException.class,
                () -> Template.load(REAL, Map.of("Nope", "x")));
        assertTrue(unknown.getMessage().contains("Nope"), unknown.getMessage());
    }

    @Test
    void functionValuesOverrideGlobalsAndIntrinsicsResolve() throws IOException {
        Path file = write("""
                Parameters:
                  Stage: { Type: String, Default: dev }
                Conditions:
                  IsProd: !Equals [!Ref Stage, prod]
                Globals:
                  Function:
                    Timeout: 30
                    Environment:
                      Variables:
                        SHARED: global
                        OVERRIDDEN: global
                Resources:
                  Things:
                    Type: AWS::DynamoDB::Table
                    Properties:
                      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }, { AttributeName: g, AttributeType: S }]
                      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
                      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 }
                      GlobalSecondaryIndexes:
                        - IndexName: byG
                          KeySchema: [{ AttributeName: g, KeyType: HASH }]
                          Projection: { ProjectionType: KEYS_ONLY }
                          ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 }
                  My_Bucket:
                    Type: AWS::S3::Bucket
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.b.C
                      Timeout: 5
                      Environment:
                        Variables:
                          OVERRIDDEN: own
                          SUB: !Sub '${AWS::Region}/${Things}/${Things.Arn}/${!Literal}/${Stage}'
                          LONG_SUB: { 'Fn::Sub': ['${X}-${AWS::AccountId}', { X: !Ref My_Bucket }] }
                          JOIN: !Join [':', [a, !Select [1, !Split [',', 'x,y,z']]]]
                          IF: !If [IsProd, big, small]
                          GONE: !If [IsProd, here, !Ref AWS::NoValue]
                      Events:
                        Nightly:
                          Type: Schedule
                          Properties: { Schedule: 'cron(0 3 * * ? *)', Input: '{"a":1}' }
                        Rule:
                          Type: EventBridgeRule
                          Properties:
                            Pattern: { source: [playback], detail-type: [ReplayRequested] }
                  Machine:
                    Type: AWS::Serverless::StateMachine
                    Properties:
                      DefinitionUri: statemachines/rebuild.asl.json
                      DefinitionSubstitutions:
                        FnArn: !GetAtt Fn.Arn
                      Events:
                        Trigger:
                          Type: EventBridgeRule
                          Properties: { Pattern: { source: [x] } }
                  Rule:
                    Type: AWS::Events::Rule
                    Properties:
                      ScheduleExpression: rate(1 day)
                      Targets: [{ Id: m, Arn: !Ref Machine, Input: '{}' }]
                """);
        Template template = Template.load(file);

        FunctionResource fn = template.function("Fn");
        assertEquals(5, fn.timeoutSeconds());
        assertEquals("a.b.C", fn.handlerClass());
        assertEquals("handleRequest", fn.handlerMethod());
        assertEquals("global", fn.environment().get("SHARED"));
        assertEquals("own", fn.environment().get("OVERRIDDEN"));
        assertEquals("us-east-1/Things/arn:aws:dynamodb:us-east-1:000000000000:table/Things/${Literal}/dev",
                fn.environment().get("SUB"));
        assertEquals("my-bucket-000000000000", fn.environment().get("LONG_SUB"));
        assertEquals("a:y", fn.environment().get("JOIN"));
        assertEquals("small", fn.environment().get("IF"));
        assertFalse(fn.environment().containsKey("GONE"));
        EventSource.Schedule nightly = fn.events(EventSource.Schedule.class).get(0);
        assertEquals("cron(0 3 * * ? *)", nightly.scheduleExpression());
        assertEquals(Optional.of("{\"a\":1}"), nightly.input());
        assertEquals(Map.of("source", List.of("playback"), "detail-type", List.of("ReplayRequested")),
                fn.events(EventSource.EventBridgeRule.class).get(0).pattern());

        TableResource things = template.table("Things");
        assertEquals("byG", things.globalSecondaryIndexes().get(0).indexName());
        assertEquals("KEYS_ONLY", things.globalSecondaryIndexes().get(0).projectionType());
        assertEquals(Optional.of(new TableResource.Throughput(5, 5)), things.provisionedThroughput());

        StateMachineResource machine = template.stateMachine("Machine");
        assertEquals(Optional.of(dir.resolve("statemachines/rebuild.asl.json").toAbsolutePath()), machine.definitionUri());
        assertEquals(Map.of("FnArn", "arn:aws:lambda:us-east-1:000000000000:function:Fn"),
                machine.definitionSubstitutions());
        assertEquals("STANDARD", machine.type());
        assertEquals(1, machine.events().size());

        RuleResource rule = template.rules().get("Rule");
        assertEquals(Optional.of("rate(1 day)"), rule.scheduleExpression());
        assertEquals("arn:aws:states:us-east-1:000000000000:stateMachine:Machine", rule.targets().get(0).arn());
    }

    @Test
    void anUnresolvableReferenceNamesTheResourceAndProperty() throws IOException {
        Path file = write("""
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B::handle
                      Environment:
                        Variables:
                          TABLE: !Ref MissingTable
                """);
        TemplateException error = assertThrows(TemplateException.class, () -> Template.load(file));
        assertTrue(error.getMessage().contains("Fn.Properties.Environment.Variables.TABLE"), error.getMessage());
        assertTrue(error.getMessage().contains("MissingTable"), error.getMessage());
    }

    @Test
    void anUnsupportedAttributeNamesTheResourceAndAttribute() throws IOException {
        Path file = write("""
                Resources:
                  Stream:
                    Type: AWS::Kinesis::Stream
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B::handle
                      Events:
                        S:
                          Type: Kinesis
                          Properties: { Stream: !GetAtt Stream.Nope, StartingPosition: LATEST }
                """);
        TemplateException error = assertThrows(TemplateException.class, () -> Template.load(file));
        assertTrue(error.getMessage().contains("Fn.Properties.Events.S.Properties"), error.getMessage());
        assertTrue(error.getMessage().contains("Stream.Nope"), error.getMessage());
    }

    @Test
    void kinesisDefaultsAreAwsDefaults() throws IOException {
        Path file = write("""
                Resources:
                  Stream:
                    Type: AWS::Kinesis::Stream
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B::handle
                      Events:
                        S:
                          Type: Kinesis
                          Properties: { Stream: !GetAtt Stream.Arn, StartingPosition: LATEST }
                """);
        EventSource.Kinesis event = Template.load(file).function("Fn").events(EventSource.Kinesis.class).get(0);
        assertEquals(100, event.batchSize());
        assertEquals(-1, event.maximumRetryAttempts());
        assertFalse(event.bisectBatchOnFunctionError());
        assertFalse(event.reportBatchItemFailures());
        assertEquals(Optional.empty(), event.onFailure());
        assertEquals(1, Template.load(file).stream("Stream").shardCount());
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("template.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
