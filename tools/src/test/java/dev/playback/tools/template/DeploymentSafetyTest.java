package dev.playback.tools.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import dev.onebox.template.FunctionResource;
import dev.onebox.template.Template;

/**
 * template.yaml is safe to deploy as it is (issue 10): each rule of {@link DeploymentRules} holds for the
 * repository's template, and each one reports, by name, a copy of the template with its property taken away.
 * The template also fits the code: every handler exists and is wired from the environment the template sets.
 */
class DeploymentSafetyTest {
    private static final Path REAL = RepositoryTemplate.file();

    @TempDir
    Path dir;

    static Stream<String> rules() {
        return DeploymentRules.of(RepositoryTemplate.load()).all().keySet().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void theRepositoryTemplateKeepsEveryRule(String rule) {
        DeploymentRules rules = DeploymentRules.of(RepositoryTemplate.load());

        assertEquals(List.of(), rules.all().get(rule).apply(rules), rule);
    }

    static Stream<Arguments> breaches() {
        return Stream.of(
                Arguments.of("every API route is authorized", "PostEventsRoute",
                        "AuthorizationType: !If [JwtAuth, JWT, AWS_IAM]", "AuthorizationType: !If [JwtAuth, JWT, NONE]",
                        "PostEventsRoute.Properties.AuthorizationType: {Fn::If=[JwtAuth, JWT, NONE]} (an open route)"),
                Arguments.of("every API route is authorized", "GetEventRoute",
                        "      AuthorizationType: !If [JwtAuth, JWT, AWS_IAM]\n", "",
                        "GetEventRoute.Properties.AuthorizationType: null (an open route)"),
                Arguments.of("every API route is authorized", "GetAggregateRoute",
                        "      AuthorizerId: !If [JwtAuth, !Ref PlaybackJwtAuthorizer, !Ref AWS::NoValue]\n", "",
                        "GetAggregateRoute.Properties.AuthorizerId: missing for {Fn::If=[JwtAuth, JWT, AWS_IAM]}"),
                Arguments.of("every API route is authorized", "IngestFunction",
                        "      Policies:\n", "      Events:\n        Open: { Type: Api, Properties: { Path: /open, Method: get } }\n      Policies:\n",
                        "IngestFunction.Events.Open: on SAM's implicit API"),
                Arguments.of("the events tables are retained and recoverable", "EventsTable",
                        "      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }\n", "",
                        "EventsTable.Properties.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled is not true"),
                Arguments.of("the events tables are retained and recoverable", "EventIdsTable",
                        "    DeletionPolicy: Retain\n", "",
                        "EventIdsTable.DeletionPolicy is not Retain"),
                Arguments.of("the events tables are retained and recoverable", "EventsTable",
                        "    UpdateReplacePolicy: Retain\n", "    UpdateReplacePolicy: Delete\n",
                        "EventsTable.UpdateReplacePolicy is not Retain"),
                Arguments.of("the events tables are retained and recoverable", "EventIdsTable",
                        "      DeletionProtectionEnabled: true\n", "",
                        "EventIdsTable.Properties.DeletionProtectionEnabled is not true"),
                Arguments.of("every stream is encrypted", "PlaybackStream",
                        "      StreamEncryption: { EncryptionType: KMS, KeyId: alias/aws/kinesis }\n", "",
                        "PlaybackStream.Properties.StreamEncryption: not KMS with a KeyId"),
                Arguments.of("every bucket is private, encrypted and TLS-only", "ReportBucket",
                        "RestrictPublicBuckets: true", "RestrictPublicBuckets: false",
                        "ReportBucket.Properties.PublicAccessBlockConfiguration.RestrictPublicBuckets is not true"),
                Arguments.of("every bucket is private, encrypted and TLS-only", "FailureBucket",
                        "          - ServerSideEncryptionByDefault: { SSEAlgorithm: AES256 }\n", "",
                        "FailureBucket.Properties.BucketEncryption: no default encryption"),
                Arguments.of("every bucket is private, encrypted and TLS-only", "RecordBucketPolicy",
                        "            Condition: { Bool: { 'aws:SecureTransport': 'false' } }\n", "",
                        "RecordBucket: no bucket policy denying aws:SecureTransport false"),
                Arguments.of("evidence buckets are versioned", "RecordBucket",
                        "      VersioningConfiguration: { Status: Enabled }\n", "",
                        "RecordBucket.Properties.VersioningConfiguration.Status is not Enabled"),
                Arguments.of("report objects expire, set-aside records are kept", "ReportBucket",
                        "            ExpirationInDays: 365\n", "",
                        "ReportBucket.Properties.LifecycleConfiguration: no enabled rule"),
                Arguments.of("report objects expire, set-aside records are kept", "FailureBucket",
                        "            Transitions: [{ StorageClass: STANDARD_IA, TransitionInDays: 30 }]\n", "",
                        "FailureBucket.Properties.LifecycleConfiguration: no enabled rule with Transitions"),
                Arguments.of("report objects expire, set-aside records are kept", "FailureBucket",
                        "            Transitions: [{ StorageClass: STANDARD_IA, TransitionInDays: 30 }]\n",
                        "            ExpirationInDays: 90\n",
                        "FailureBucket.Properties.LifecycleConfiguration.set-aside-records-to-infrequent-access: expires set-aside records"),
                Arguments.of("no wildcard resource on data actions", "ReplayFunction",
                        "              Resource: !GetAtt PlaybackStream.Arn\n", "              Resource: '*'\n",
                        "ReplayFunction.Policies[0].Statement[PublishReplayBatches]: [kinesis:PutRecords] on the wildcard resource *"),
                Arguments.of("no SAM CRUD policy templates", "ProjectionFunction",
                        "      Policies:\n", "      Policies:\n        - DynamoDBCrudPolicy: { TableName: !Ref DataTable }\n",
                        "ProjectionFunction.Policies[0]: SAM policy template DynamoDBCrudPolicy"),
                Arguments.of("only the pump puts events, nothing rewrites or deletes them", "ReplayFunction",
                        "[dynamodb:GetItem, dynamodb:BatchGetItem, dynamodb:Query, dynamodb:Scan]",
                        "[dynamodb:GetItem, dynamodb:BatchGetItem, dynamodb:Query, dynamodb:Scan, dynamodb:UpdateItem]",
                        "ReplayFunction.Policies[0].Statement[ReadEvents]: dynamodb:UpdateItem on EventsTable"),
                Arguments.of("only the pump puts events, nothing rewrites or deletes them", "IngestFunction",
                        "[dynamodb:GetItem, dynamodb:BatchGetItem, dynamodb:Query]",
                        "[dynamodb:GetItem, dynamodb:BatchGetItem, dynamodb:Query, dynamodb:PutItem]",
                        "IngestFunction.Policies[0].Statement[ReadEvents]: dynamodb:PutItem on EventsTable"),
                Arguments.of("only the pump puts events, nothing rewrites or deletes them", "PumpFunction",
                        "[dynamodb:PutItem, dynamodb:GetItem, dynamodb:BatchGetItem, dynamodb:Query]",
                        "[dynamodb:PutItem, dynamodb:DeleteItem, dynamodb:GetItem, dynamodb:BatchGetItem, dynamodb:Query]",
                        "PumpFunction.Policies[0].Statement[AppendEvents]: dynamodb:DeleteItem on EventsTable"),
                Arguments.of("external endpoints have no default", "FxUrl",
                        "    Type: String\n", "    Type: String\n    Default: https://fx.example.com\n",
                        "Parameters.FxUrl.Default: https://fx.example.com (a deployment must name it)"),
                Arguments.of("external endpoints have no default", "InvoiceUrl",
                        "    AllowedPattern: '^(https://[^\\s]+|http://127\\.0\\.0\\.1:[0-9]+)$'\n", "    AllowedPattern: '.*'\n",
                        "Parameters.InvoiceUrl.AllowedPattern: must refuse an empty or host-less URL"),
                Arguments.of("no wildcard resource on data actions", "InvoicingFunction",
                        "              Resource: !GetAtt EventsTable.Arn\n", "              Resource: 'arn:aws:dynamodb:*:*:table/*'\n",
                        "InvoicingFunction.Policies[0].Statement[ReadEvents]: [dynamodb:GetItem, dynamodb:BatchGetItem, dynamodb:Query] on the wildcard resource"));
    }

    @ParameterizedTest(name = "{0}: {4}")
    @MethodSource("breaches")
    void aRuleReportsATemplateWithoutItsProperty(String rule, String resource, String property, String replacement,
                                                 String expected) throws IOException {
        Path broken = copyWith(resource, property, replacement);
        DeploymentRules rules = DeploymentRules.of(Template.load(broken, RepositoryTemplate.PARAMETERS));

        List<String> reported = rules.all().get(rule).apply(rules);

        assertTrue(reported.stream().anyMatch(r -> r.contains(expected)), rule + " reported " + reported);
    }

    @Test
    void theOtherRulesStillHoldWhenOneIsBroken() throws IOException {
        Path broken = copyWith("PlaybackStream",
                "      StreamEncryption: { EncryptionType: KMS, KeyId: alias/aws/kinesis }\n", "");
        DeploymentRules rules = DeploymentRules.of(Template.load(broken, RepositoryTemplate.PARAMETERS));

        Map<String, List<String>> reported = new HashMap<>();
        rules.all().forEach((name, rule) -> {
            List<String> r = rule.apply(rules);
            if (!r.isEmpty()) reported.put(name, r);
        });

        assertEquals(Map.of("every stream is encrypted",
                List.of("PlaybackStream.Properties.StreamEncryption: not KMS with a KeyId")), reported);
    }

    @Test
    void everyHandlerExistsAndIsWiredFromTheEnvironmentTheTemplateSets() throws Exception {
        Template template = RepositoryTemplate.load();

        for (FunctionResource f : template.functions().values()) {
            Class<?> handler = Class.forName(f.handlerClass());
            assertTrue(Stream.of(handler.getMethods()).anyMatch(m -> m.getName().equals(f.handlerMethod())),
                    f.logicalId() + ": " + f.handlerClass() + " has no method " + f.handlerMethod());
            Map<String, String> environment = new HashMap<>(f.environment());
            // What Lambda adds to every function's environment.
            environment.putAll(Map.of("AWS_REGION", "eu-west-1", "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test",
                    "AWS_LAMBDA_FUNCTION_NAME", f.functionName()));
            try {
                handler.getConstructor(Map.class).newInstance(environment);
            } catch (InvocationTargetException e) {
                fail(f.logicalId() + ": " + f.handlerClass() + " cannot be wired from the template's environment "
                        + f.environment().keySet() + ": " + e.getCause(), e.getCause());
            }
        }
        assertEquals(List.of("IngestFunction", "PumpFunction", "ProjectionFunction", "ReplayFunction", "PayoutsFunction",
                        "InvoicingFunction"),
                List.copyOf(template.functions().keySet()));
    }

    @Test
    void aHandlerMissingAVariableTheTemplateDoesNotSetIsNamed() throws Exception {
        Map<String, String> environment = new HashMap<>(RepositoryTemplate.load().function("PumpFunction").environment());
        environment.remove("FAILURE_BUCKET");

        InvocationTargetException e = org.junit.jupiter.api.Assertions.assertThrows(InvocationTargetException.class,
                () -> Class.forName("dev.playback.lambdas.pump.PumpHandler").getConstructor(Map.class).newInstance(environment));

        assertEquals("PumpFunction: missing environment variable FAILURE_BUCKET", e.getCause().getMessage());
    }

    private Path copyWith(String resource, String property, String replacement) throws IOException {
        return RepositoryTemplate.copyWith(dir, resource, property, replacement);
    }
}
