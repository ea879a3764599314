package dev.onebox.template;

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
    @TempDir
    Path dir;

    @Test
    void readsTheTablesStreamsAndBucketsOfASamApplication() {
        Template template = SampleApp.load();

        TableResource orders = template.table("OrdersTable");
        assertEquals("OrdersTable", orders.tableName());
        assertEquals("arn:aws:dynamodb:us-east-1:000000000000:table/OrdersTable", orders.arn());
        assertEquals(List.of(new TableResource.KeyElement("orderId", "HASH"), new TableResource.KeyElement("line", "RANGE")),
                orders.keySchema());
        assertEquals(Map.of("orderId", "S", "line", "N"), orders.attributeDefinitions());
        assertEquals("PAY_PER_REQUEST", orders.billingMode());

        StreamResource stream = template.stream("OrderStream");
        assertEquals(2, stream.shardCount());
        assertEquals(168, stream.retentionPeriodHours());
        assertEquals("arn:aws:kinesis:us-east-1:000000000000:stream/OrderStream", stream.arn());
        assertEquals(24, template.stream("ShipmentStream").retentionPeriodHours(), "AWS's default retention");

        assertEquals("archivebucket", template.bucket("ArchiveBucket").bucketName());
        assertEquals("arn:aws:s3:::failurebucket", template.bucket("FailureBucket").arn());
    }

    @Test
    void mergesGlobalsIntoEveryFunctionAndTheFunctionsOwnValuesWin() {
        Template template = SampleApp.load();

        FunctionResource shipper = template.function("ShipperFunction");
        assertEquals("example.orders.Shipper", shipper.handlerClass());
        assertEquals("handleRequest", shipper.handlerMethod());
        assertEquals(60, shipper.timeoutSeconds());
        assertEquals(512, shipper.memorySize());
        assertEquals(Map.of("ORDERS_TABLE", "OrdersTable", "ORDER_STREAM", "OrderStream", "STAGE", "dev",
                "NOTIFY_URL", "http://127.0.0.1:18083", "SHIPMENT_STREAM", "ShipmentStream"), shipper.environment());
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:ShipperFunction", shipper.arn());
        assertEquals(30, template.function("AuditFunction").timeoutSeconds());
    }

    @Test
    void readsKinesisEventSourcesWithTheirErrorHandling() {
        Template template = SampleApp.load();

        EventSource.Kinesis orders = template.function("ShipperFunction").events(EventSource.Kinesis.class).get(0);
        assertEquals("OrderStream", orders.streamName());
        assertEquals("arn:aws:kinesis:us-east-1:000000000000:stream/OrderStream", orders.streamArn());
        assertEquals(EventSource.StartingPosition.TRIM_HORIZON, orders.startingPosition());
        assertEquals(100, orders.batchSize());
        assertTrue(orders.bisectBatchOnFunctionError());
        assertEquals(3, orders.maximumRetryAttempts());
        assertTrue(orders.reportBatchItemFailures());
        assertEquals(Optional.of(new EventSource.OnFailure("S3", "arn:aws:s3:::failurebucket")), orders.onFailure());
        assertEquals(List.of("ShipperFunction <- OrderStream", "AuditFunction <- ShipmentStream"), template.kinesisMappings().stream()
                .map(m -> m.function().logicalId() + " <- " + m.event().streamName()).toList());
    }

    @Test
    void readsHttpApiRoutes() {
        Template template = SampleApp.load();

        assertEquals(List.of("PostOrder: POST /orders -> OrdersApiFunction"), template.apiRoutes().stream()
                .map(r -> r.event().name() + ": " + r.event().method() + " " + r.event().path() + " -> " + r.function().logicalId())
                .toList());
    }

    @Test
    void parameterOverridesWinOverDefaultsAndAreChecked() {
        assertEquals("prod", Template.load(SampleApp.file(), SampleApp.with("Stage", "prod")).function("AuditFunction")
                .environment().get("STAGE"));
        TemplateException wrong = assertThrows(TemplateException.class,
                () -> Template.load(SampleApp.file(), SampleApp.with("Stage", "qa")));
        assertTrue(wrong.getMessage().contains("Stage"), wrong.getMessage());
        TemplateException unknown = assertThrows(TemplateException.class,
                () -> Template.load(SampleApp.file(), SampleApp.with("Nope", "x")));
        assertTrue(unknown.getMessage().contains("Nope"), unknown.getMessage());
    }

    @Test
    void theStackNameIsTheOneTheCallerLoadsTheTemplateAs() throws IOException {
        Path file = write("""
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.b.C
                      Environment:
                        Variables:
                          BUS: !Sub '${AWS::StackName}-requests'
                          STACK: !Ref AWS::StackId
                """);

        Map<String, String> named = Template.load(file, Map.of(), "orders-dev").function("Fn").environment();
        Map<String, String> unnamed = Template.load(file).function("Fn").environment();

        assertEquals("orders-dev-requests", named.get("BUS"));
        assertEquals("arn:aws:cloudformation:us-east-1:000000000000:stack/orders-dev/00000000-0000-0000-0000-000000000000",
                named.get("STACK"));
        assertEquals("onebox-requests", unnamed.get("BUS"));
    }

    @Test
    void aParameterWithoutDefaultOrOverrideFailsNamingIt() {
        TemplateException missing = assertThrows(TemplateException.class, () -> Template.load(SampleApp.file(), Map.of()));

        assertTrue(missing.getMessage().contains("parameter NotifyUrl has no Default and no override was given"),
                missing.getMessage());
    }

    @Test
    void aParameterOutsideItsAllowedPatternFailsWithItsConstraintDescription() {
        TemplateException plain = assertThrows(TemplateException.class,
                () -> Template.load(SampleApp.file(), SampleApp.with("NotifyUrl", "http://notify.example.org")));

        assertTrue(plain.getMessage().contains("parameter NotifyUrl = 'http://notify.example.org' does not match"), plain.getMessage());
        assertTrue(plain.getMessage().contains("NotifyUrl must be the https:// base URL of the notification service"),
                plain.getMessage());
        assertEquals("https://notify.example.org/v1", Template.load(SampleApp.file(),
                SampleApp.with("NotifyUrl", "https://notify.example.org/v1")).function("ShipperFunction").environment().get("NOTIFY_URL"));
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

    @Test
    void apiAndHttpApiEventsAreRoutesAndOtherResourceTypesAreAccepted() throws IOException {
        Path file = write("""
                Resources:
                  Api:
                    Type: AWS::Serverless::HttpApi
                  Bucket:
                    Type: AWS::S3::Bucket
                    Properties: { VersioningConfiguration: { Status: Enabled } }
                  BucketPolicy:
                    Type: AWS::S3::BucketPolicy
                    Properties: { Bucket: !Ref Bucket, PolicyDocument: { Statement: [] } }
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B::handle
                      Events:
                        Rest: { Type: Api, Properties: { Path: /a, Method: get } }
                        Http: { Type: HttpApi, Properties: { ApiId: !Ref Api, Path: '/b/{id}', Method: post } }
                """);

        Template template = Template.load(file);

        assertEquals(List.of("GET /a", "POST /b/{id}"), template.apiRoutes().stream()
                .map(r -> r.event().method() + " " + r.event().path()).toList());
        assertEquals("bucket", template.bucket("Bucket").bucketName());
    }

    @Test
    void alarmsDashboardsAndTopicsAreReadARuleTargetingATopicNamesItsArn() throws IOException {
        Path file = write("""
                Parameters:
                  AlarmEmail: { Type: String, Default: '' }
                Conditions:
                  HasAlarmEmail: !Not [!Equals [!Ref AlarmEmail, '']]
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties: { Handler: a.B::handle }
                  Key:
                    Type: AWS::KMS::Key
                    Properties: { KeyPolicy: { Statement: [] } }
                  Topic:
                    Type: AWS::SNS::Topic
                    Properties: { KmsMasterKeyId: !Ref Key }
                  NamedTopic:
                    Type: AWS::SNS::Topic
                    Properties: { TopicName: !Sub '${AWS::StackName}-ops' }
                  TopicPolicy:
                    Type: AWS::SNS::TopicPolicy
                    Properties: { Topics: [!Ref Topic], PolicyDocument: { Statement: [] } }
                  Subscription:
                    Type: AWS::SNS::Subscription
                    Condition: HasAlarmEmail
                    Properties: { TopicArn: !Ref Topic, Protocol: email, Endpoint: !Ref AlarmEmail }
                  Alarm:
                    Type: AWS::CloudWatch::Alarm
                    Properties:
                      Namespace: AWS/Lambda
                      MetricName: Throttles
                      Dimensions: [{ Name: FunctionName, Value: !Ref Fn }]
                      AlarmActions: [!Ref Topic]
                  Dashboard:
                    Type: AWS::CloudWatch::Dashboard
                    Properties:
                      DashboardBody: !Sub '{"widgets": [{"properties": {"region": "${AWS::Region}", "metrics": [["AWS/Lambda", "Errors", "FunctionName", "${Fn}"]]}}]}'
                  Failed:
                    Type: AWS::Events::Rule
                    Properties:
                      EventPattern: { source: [aws.states] }
                      Targets: [{ Id: Topic, Arn: !Ref Topic }, { Id: Named, Arn: !GetAtt NamedTopic.TopicArn }]
                """);

        Template template = Template.load(file, Map.of(), "shop");

        assertEquals(Map.of("Topic", new TopicResource("Topic", "Topic", "arn:aws:sns:us-east-1:000000000000:Topic"),
                        "NamedTopic", new TopicResource("NamedTopic", "shop-ops", "arn:aws:sns:us-east-1:000000000000:shop-ops")),
                template.topics());
        assertEquals(List.of("arn:aws:sns:us-east-1:000000000000:Topic", "arn:aws:sns:us-east-1:000000000000:shop-ops"),
                template.rules().get("Failed").targets().stream().map(RuleResource.Target::arn).toList());
        assertEquals("{\"widgets\": [{\"properties\": {\"region\": \"us-east-1\", \"metrics\": [[\"AWS/Lambda\", \"Errors\", "
                        + "\"FunctionName\", \"Fn\"]]}}]}",
                template.resolver().resolve(((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) template.raw().get("Resources")).get("Dashboard"))
                        .get("Properties")).get("DashboardBody"), "Dashboard.Properties.DashboardBody"));
        assertEquals(List.of("Fn"), List.copyOf(template.functions().keySet()));
    }

    @Test
    void anHttpApiRouteResourceReachesTheFunctionOfItsIntegration() throws IOException {
        Path file = write("""
                Resources:
                  Api: { Type: AWS::ApiGatewayV2::Api, Properties: { ProtocolType: HTTP } }
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties: { Handler: a.B::handle }
                  Direct:
                    Type: AWS::ApiGatewayV2::Integration
                    Properties: { ApiId: !Ref Api, IntegrationType: AWS_PROXY, IntegrationUri: !GetAtt Fn.Arn }
                  Invocation:
                    Type: AWS::ApiGatewayV2::Integration
                    Properties:
                      ApiId: !Ref Api
                      IntegrationType: AWS_PROXY
                      IntegrationUri: !Sub 'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations'
                  Post:
                    Type: AWS::ApiGatewayV2::Route
                    Properties: { ApiId: !Ref Api, RouteKey: POST /things, Target: !Sub 'integrations/${Direct}' }
                  Get:
                    Type: AWS::ApiGatewayV2::Route
                    Properties: { ApiId: !Ref Api, RouteKey: 'get /things/{id}', Target: !Join ['/', [integrations, !Ref Invocation]] }
                """);

        List<String> routes = Template.load(file).apiRoutes().stream()
                .map(r -> r.event().name() + ": " + r.event().method() + " " + r.event().path() + " -> " + r.function().logicalId())
                .toList();

        assertEquals(List.of("Post: POST /things -> Fn", "Get: GET /things/{id} -> Fn"), routes);
    }

    @Test
    void aRouteWhoseTargetIsNoIntegrationNamesTheRoute() throws IOException {
        Path file = write("""
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties: { Handler: a.B::handle }
                  Post:
                    Type: AWS::ApiGatewayV2::Route
                    Properties: { ApiId: x, RouteKey: POST /things, Target: integrations/Missing }
                """);

        TemplateException error = assertThrows(TemplateException.class, () -> Template.load(file));

        assertTrue(error.getMessage().contains("Post.Properties.Target: integrations/Missing names no AWS::ApiGatewayV2::Integration"),
                error.getMessage());
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("template.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
