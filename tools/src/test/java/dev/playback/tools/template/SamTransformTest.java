package dev.playback.tools.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The deployment rules on what CloudFormation is actually given: template.yaml transformed by AWS's own SAM
 * translator (aws-sam-translator, Python; {@code src/test/resources/sam/transform.py}), so that the roles, policies,
 * routes and event source mappings SAM generates are checked too, not only what the template says. Where the
 * translator is not installed the test is skipped with a message, unless {@value #REQUIRED} is {@code true}
 * (CI sets it).
 */
class SamTransformTest {
    static final String REQUIRED = "PLAYBACK_REQUIRE_SAM_TRANSLATOR";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> PARAMETERS = Map.of("FxUrl", "https://fx.example.org", "BankUrl", "https://bank.example.org",
            "TaxUrl", "https://tax.example.org", "InvoiceUrl", "https://invoices.example.org");
    /**
     * Managed policies SAM attaches by itself: CloudWatch Logs for every function, and for a function with a Kinesis
     * event source the read actions its mapping needs (kinesis:GetRecords, GetShardIterator, DescribeStream,
     * DescribeStreamSummary, ListShards, ListStreams on any stream). They are the only wildcard grants of the stack.
     */
    private static final Set<String> SAM_MANAGED_POLICIES = Set.of(
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole");
    private static final Set<String> EVENT_TABLES = Set.of("EventsTable", "EventIdsTable");

    @TempDir
    Path dir;

    @Test
    void theTransformedTemplateIsClosed() throws IOException, InterruptedException {
        JsonNode resources = transform(RepositoryTemplate.file(), PARAMETERS).path("Resources");

        assertEquals(List.of(), violations(resources));
        assertTrue(routes(resources) >= 4, "routes found: " + routes(resources));
    }

    @Test
    void anOpenRouteOrAWildcardResourceIsFound() throws IOException, InterruptedException {
        String real = Files.readString(RepositoryTemplate.file(), StandardCharsets.UTF_8);
        String broken = real.replaceFirst("AuthorizationType: !If \\[JwtAuth, JWT, AWS_IAM\\]", "AuthorizationType: NONE")
                .replace("Resource: !GetAtt PlaybackStream.Arn", "Resource: '*'");
        assertTrue(!broken.equals(real), "the edits apply to template.yaml");
        Path copy = dir.resolve("template.yaml");
        Files.writeString(copy, broken, StandardCharsets.UTF_8);

        List<String> found = violations(transform(copy, PARAMETERS).path("Resources"));

        assertTrue(found.stream().anyMatch(v -> v.contains("Route") && v.contains("NONE")), found.toString());
        assertTrue(found.stream().anyMatch(v -> v.contains("kinesis:PutRecords") && v.contains("wildcard")), found.toString());
    }

    @Test
    void theJwtModeAuthorizesEveryRouteWithTheAuthorizer() throws IOException, InterruptedException {
        Map<String, String> jwt = new TreeMap<>(PARAMETERS);
        jwt.put("ApiAuth", "JWT");
        jwt.put("JwtIssuer", "https://issuer.example.org");
        jwt.put("JwtAudience", "playback");
        JsonNode resources = transform(RepositoryTemplate.file(), jwt).path("Resources");

        assertEquals(List.of(), violations(resources));
        assertEquals("JWT", resources.path("PlaybackJwtAuthorizer").path("Properties").path("AuthorizerType").asText());
    }

    @Test
    void everyFunctionAndMappingCloudFormationIsGivenIsWatchedByAnAlarmOnTheTopic() throws IOException, InterruptedException {
        JsonNode resources = transform(RepositoryTemplate.file(), PARAMETERS).path("Resources");

        assertEquals(List.of(), unwatched(resources));
        assertTrue(resources.path("AlarmTopic").path("Properties").has("KmsMasterKeyId"), "the topic is encrypted");
    }

    @Test
    void aMappingWhoseFunctionLostItsIteratorAgeAlarmIsFound() throws IOException, InterruptedException {
        Path copy = RepositoryTemplate.copyWith(dir, "InvoicingIteratorAgeAlarm", "Value: !Ref InvoicingFunction", "Value: !Ref PayoutsFunction");

        List<String> found = unwatched(transform(copy, PARAMETERS).path("Resources"));

        assertEquals(List.of("InvoicingFunctionPlaybackStream: InvoicingFunction has no IteratorAge alarm"), found);
    }

    /**
     * What the transformed template leaves unwatched: an AWS::Lambda::Function without a Throttles alarm, an
     * AWS::Lambda::EventSourceMapping whose function has no IteratorAge alarm, an alarm that does not notify AlarmTopic.
     */
    static List<String> unwatched(JsonNode resources) {
        List<String> found = new ArrayList<>();
        Map<String, List<String>> alarmed = new TreeMap<>();
        resources.fields().forEachRemaining(e -> {
            JsonNode p = e.getValue().path("Properties");
            if (!e.getValue().path("Type").asText().equals("AWS::CloudWatch::Alarm")) return;
            for (JsonNode d : p.path("Dimensions")) {
                if (d.path("Name").asText().equals("FunctionName")) {
                    alarmed.computeIfAbsent(p.path("MetricName").asText(), m -> new ArrayList<>()).add(d.path("Value").path("Ref").asText());
                }
            }
            for (String actions : List.of("AlarmActions", "OKActions")) {
                if (!p.path(actions).toString().equals("[{\"Ref\":\"AlarmTopic\"}]")) found.add(e.getKey() + ": " + actions + " " + p.path(actions));
            }
        });
        resources.fields().forEachRemaining(e -> {
            String type = e.getValue().path("Type").asText();
            if (type.equals("AWS::Lambda::Function") && !alarmed.getOrDefault("Throttles", List.of()).contains(e.getKey())) {
                found.add(e.getKey() + ": no Throttles alarm");
            }
            String function = e.getValue().path("Properties").path("FunctionName").path("Ref").asText();
            if (type.equals("AWS::Lambda::EventSourceMapping") && !alarmed.getOrDefault("IteratorAge", List.of()).contains(function)) {
                found.add(e.getKey() + ": " + function + " has no IteratorAge alarm");
            }
        });
        return found;
    }

    /** Every rule of the deployment over the transformed resources; empty when all hold. */
    static List<String> violations(JsonNode resources) {
        List<String> found = new ArrayList<>();
        resources.fields().forEachRemaining(e -> {
            String id = e.getKey();
            JsonNode r = e.getValue();
            JsonNode p = r.path("Properties");
            switch (r.path("Type").asText()) {
                case "AWS::ApiGatewayV2::Route" -> {
                    for (String mode : branches(p.path("AuthorizationType"))) {
                        if (!mode.equals("AWS_IAM") && !mode.equals("JWT")) found.add(id + ": AuthorizationType " + mode + " (an open route)");
                    }
                }
                case "AWS::DynamoDB::Table" -> {
                    if (!EVENT_TABLES.contains(id)) break;
                    if (!"Retain".equals(r.path("DeletionPolicy").asText()) || !"Retain".equals(r.path("UpdateReplacePolicy").asText())) {
                        found.add(id + ": not retained on delete and replace");
                    }
                    if (!p.path("PointInTimeRecoverySpecification").path("PointInTimeRecoveryEnabled").asBoolean()) {
                        found.add(id + ": no point-in-time recovery");
                    }
                    if (!p.path("DeletionProtectionEnabled").asBoolean()) found.add(id + ": no deletion protection");
                }
                case "AWS::Kinesis::Stream" -> {
                    if (!"KMS".equals(p.path("StreamEncryption").path("EncryptionType").asText())) found.add(id + ": not encrypted with KMS");
                }
                case "AWS::S3::Bucket" -> {
                    JsonNode block = p.path("PublicAccessBlockConfiguration");
                    for (String flag : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
                        if (!block.path(flag).asBoolean()) found.add(id + ": public access not blocked (" + flag + ")");
                    }
                    if (p.path("BucketEncryption").isMissingNode()) found.add(id + ": no default encryption");
                    if (!tlsOnly(resources, id)) found.add(id + ": no bucket policy denying requests without TLS");
                }
                case "AWS::IAM::Role" -> found.addAll(roleViolations(id, p));
                default -> {
                }
            }
        });
        return found;
    }

    private static List<String> roleViolations(String role, JsonNode p) {
        List<String> found = new ArrayList<>();
        for (JsonNode arn : p.path("ManagedPolicyArns")) {
            if (!SAM_MANAGED_POLICIES.contains(arn.asText())) found.add(role + ": managed policy " + arn.asText());
        }
        for (JsonNode policy : p.path("Policies")) {
            for (JsonNode document : branchNodes(policy)) {
                for (JsonNode statement : document.path("PolicyDocument").path("Statement")) {
                    if (!"Allow".equals(statement.path("Effect").asText())) continue;
                    List<String> actions = texts(statement.path("Action"));
                    for (JsonNode resource : statement.path("Resource").isArray() ? statement.path("Resource") : List.of(statement.path("Resource"))) {
                        String target = resourceText(resource);
                        boolean data = actions.stream().anyMatch(a -> a.startsWith("dynamodb:") || a.startsWith("s3:") || a.startsWith("kinesis:"));
                        if (data && (target.equals("*") || target.endsWith(":*") || target.endsWith(":table/*") || target.endsWith(":stream/*"))) {
                            found.add(role + ": " + actions + " on the wildcard resource " + target);
                        }
                        String table = EVENT_TABLES.stream().filter(t -> target.equals(t + ".Arn") || target.startsWith("${" + t + ".Arn}")).findFirst().orElse(null);
                        if (table == null || target.contains("/index/")) continue;
                        for (String action : actions) {
                            boolean rewrites = Set.of("dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:DeleteTable", "dynamodb:*").contains(action)
                                    || table.equals("EventsTable") && action.equals("dynamodb:UpdateItem");
                            boolean appends = table.equals("EventsTable") && action.equals("dynamodb:PutItem");
                            if (rewrites || appends && !role.equals("PumpFunctionRole")) found.add(role + ": " + action + " on " + table);
                        }
                    }
                }
            }
        }
        return found;
    }

    private static boolean tlsOnly(JsonNode resources, String bucket) {
        for (JsonNode r : resources) {
            if (!r.path("Type").asText().equals("AWS::S3::BucketPolicy") || !r.path("Properties").path("Bucket").path("Ref").asText().equals(bucket)) continue;
            for (JsonNode s : r.path("Properties").path("PolicyDocument").path("Statement")) {
                if ("Deny".equals(s.path("Effect").asText())
                        && "false".equals(s.path("Condition").path("Bool").path("aws:SecureTransport").asText())) return true;
            }
        }
        return false;
    }

    private static int routes(JsonNode resources) {
        int n = 0;
        for (JsonNode r : resources) if (r.path("Type").asText().equals("AWS::ApiGatewayV2::Route")) n++;
        return n;
    }

    /** A value, or each branch of an {@code Fn::If} (AWS::NoValue left out). */
    private static List<String> branches(JsonNode value) {
        return branchNodes(value).stream().map(SamTransformTest::resourceText).toList();
    }

    private static List<JsonNode> branchNodes(JsonNode value) {
        if (value.has("Fn::If")) {
            List<JsonNode> out = new ArrayList<>();
            for (int i = 1; i <= 2; i++) {
                JsonNode b = value.path("Fn::If").path(i);
                if (!b.path("Ref").asText().equals("AWS::NoValue")) out.addAll(branchNodes(b));
            }
            return out;
        }
        return List.of(value);
    }

    /** A resource as text: a literal, {@code X.Arn} for {@code Fn::GetAtt}, the {@code Fn::Sub} string, the {@code Ref} name. */
    private static String resourceText(JsonNode r) {
        if (r.isTextual()) return r.asText();
        if (r.has("Fn::GetAtt")) return r.path("Fn::GetAtt").path(0).asText() + "." + r.path("Fn::GetAtt").path(1).asText();
        if (r.has("Fn::Sub")) return r.path("Fn::Sub").isArray() ? r.path("Fn::Sub").path(0).asText() : r.path("Fn::Sub").asText();
        if (r.has("Ref")) return r.path("Ref").asText();
        return r.toString();
    }

    private static List<String> texts(JsonNode node) {
        if (node.isTextual()) return List.of(node.asText());
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Runs the SAM translator on {@code template}; skips (or fails where required) when it is not installed. */
    private JsonNode transform(Path template, Map<String, String> parameters) throws IOException, InterruptedException {
        Path script = Path.of("src/test/resources/sam/transform.py").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of("python3", script.toString(), template.toString()));
        parameters.forEach((k, v) -> command.add(k + "=" + v));
        Path out = dir.resolve("out-" + System.nanoTime() + ".json");
        Path err = dir.resolve("err-" + System.nanoTime() + ".txt");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        } catch (IOException e) {
            return unavailable("python3 cannot be started: " + e.getMessage());
        }
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("the SAM translator did not finish within 2 minutes");
        }
        String errors = Files.readString(err, StandardCharsets.UTF_8);
        if (process.exitValue() == 3) return unavailable(errors.strip());
        assertEquals(0, process.exitValue(), "the SAM transform of " + template + " failed: " + errors);
        return JSON.readTree(out.toFile());
    }

    private static JsonNode unavailable(String why) {
        if (Boolean.parseBoolean(System.getenv(REQUIRED))) fail(why + "; " + REQUIRED + " is true");
        System.out.println("SamTransformTest: " + why + ": skipped");
        Assumptions.abort(why);
        return null;
    }
}
