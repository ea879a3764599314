package dev.playback.tools.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import dev.onebox.template.Template;

/**
 * The rules a deployable template.yaml keeps (issue 10, "secure and safe by default"), each a method over the
 * template as written (intrinsics in their long form, {@link Template#raw()}) that lists what breaks it, naming the
 * resource and property. An empty list: the rule holds.
 */
record DeploymentRules(Map<String, Object> raw) {
    /** The tables of the system of record. */
    static final List<String> EVENTS_TABLES = List.of("EventsTable", "EventIdsTable");
    /** The only function that may put items in the events table. */
    static final String EVENTS_WRITER = "PumpFunction";
    /** Buckets whose objects are evidence (recorded answers) or part of the system of record (payloads). */
    static final List<String> VERSIONED_BUCKETS = List.of("RecordBucket", "PayloadBucket");
    /** Buckets whose objects expire. */
    static final List<String> EXPIRING_BUCKETS = List.of("ReportBucket");
    /** The bucket of set-aside records: kept until redriven, never expired. */
    static final String SET_ASIDE_BUCKET = "FailureBucket";
    /** Parameters naming external endpoints: a deployment must name them. */
    static final List<String> EXTERNAL_ENDPOINTS = List.of("FxUrl", "BankUrl", "TaxUrl", "InvoiceUrl");
    private static final Set<String> EVENTS_TABLE_READS = Set.of("dynamodb:GetItem", "dynamodb:BatchGetItem",
            "dynamodb:Query", "dynamodb:Scan", "dynamodb:DescribeTable", "dynamodb:ConditionCheckItem");
    private static final List<String> DATA_SERVICES = List.of("dynamodb:", "s3:", "kinesis:");

    static DeploymentRules of(Template template) {
        return new DeploymentRules(template.raw());
    }

    /** Every rule by name, in the order of the issue. */
    Map<String, Function<DeploymentRules, List<String>>> all() {
        Map<String, Function<DeploymentRules, List<String>>> rules = new LinkedHashMap<>();
        rules.put("every API route is authorized", DeploymentRules::everyRouteIsAuthorized);
        rules.put("the events tables are retained and recoverable", DeploymentRules::eventsTablesAreRetained);
        rules.put("every stream is encrypted", DeploymentRules::streamsAreEncrypted);
        rules.put("every bucket is private, encrypted and TLS-only", DeploymentRules::bucketsAreClosed);
        rules.put("evidence buckets are versioned", DeploymentRules::evidenceBucketsAreVersioned);
        rules.put("report objects expire, set-aside records are kept", DeploymentRules::reportsExpireSetAsideRecordsAreKept);
        rules.put("no wildcard resource on data actions", DeploymentRules::noWildcardOnDataActions);
        rules.put("no SAM CRUD policy templates", DeploymentRules::noCrudPolicyTemplates);
        rules.put("only the pump puts events, nothing rewrites or deletes them",
                DeploymentRules::onlyThePumpPutsEvents);
        rules.put("external endpoints have no default", DeploymentRules::externalEndpointsHaveNoDefault);
        return rules;
    }

    List<String> everyRouteIsAuthorized() {
        List<String> broken = new ArrayList<>();
        Map<String, Map<String, Object>> resources = resources();
        resources.forEach((id, r) -> {
            String type = type(r);
            if (type.equals("AWS::Serverless::Api") || type.equals("AWS::Serverless::HttpApi")) {
                Object auth = map(properties(r).get("Auth")).get("DefaultAuthorizer");
                if (auth == null || "NONE".equals(auth) || allowedValues(auth).contains("NONE")) {
                    broken.add(id + ".Properties.Auth.DefaultAuthorizer: " + (auth == null ? "missing" : auth)
                            + ", routes without an authorizer of their own are open");
                }
            }
            if (type.equals("AWS::ApiGateway::Method") || type.equals("AWS::ApiGatewayV2::Route")) {
                Map<String, Object> p = properties(r);
                List<Object> modes = branches(p.get("AuthorizationType"));
                if (modes.stream().anyMatch(m -> m == null || "NONE".equals(m))) {
                    broken.add(id + ".Properties.AuthorizationType: " + p.get("AuthorizationType") + " (an open route)");
                }
                List<Object> authorizers = branches(p.get("AuthorizerId"));
                if (modes.stream().anyMatch(m -> !"AWS_IAM".equals(m) && m != null && !"NONE".equals(m))
                        && authorizers.stream().allMatch(a -> a == null || map(a).containsKey("Ref") && "AWS::NoValue".equals(map(a).get("Ref")))) {
                    broken.add(id + ".Properties.AuthorizerId: missing for " + p.get("AuthorizationType"));
                }
            }
            if (!type.equals("AWS::Serverless::Function")) return;
            map(properties(r).get("Events")).forEach((name, e) -> {
                Map<String, Object> event = map(e);
                String eventType = String.valueOf(event.get("Type"));
                if (!eventType.equals("Api") && !eventType.equals("HttpApi")) return;
                Map<String, Object> p = map(event.get("Properties"));
                String where = id + ".Events." + name;
                Object api = p.get(eventType.equals("Api") ? "RestApiId" : "ApiId");
                if (!(api instanceof Map<?, ?> ref && ref.get("Ref") instanceof String target
                        && resources.containsKey(target))) {
                    broken.add(where + ": on SAM's implicit API, which has no authorizer (name the API resource)");
                }
                if ("NONE".equals(map(p.get("Auth")).get("Authorizer"))) {
                    broken.add(where + ".Properties.Auth.Authorizer: NONE (an open route)");
                }
            });
        });
        return broken;
    }

    List<String> eventsTablesAreRetained() {
        List<String> broken = new ArrayList<>();
        for (String id : EVENTS_TABLES) {
            Map<String, Object> table = resources().get(id);
            if (table == null) {
                broken.add(id + ": missing");
                continue;
            }
            if (!"Retain".equals(table.get("DeletionPolicy"))) broken.add(id + ".DeletionPolicy is not Retain");
            if (!"Retain".equals(table.get("UpdateReplacePolicy"))) broken.add(id + ".UpdateReplacePolicy is not Retain");
            Map<String, Object> p = properties(table);
            if (!isTrue(map(p.get("PointInTimeRecoverySpecification")).get("PointInTimeRecoveryEnabled"))) {
                broken.add(id + ".Properties.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled is not true");
            }
            if (!isTrue(p.get("DeletionProtectionEnabled"))) {
                broken.add(id + ".Properties.DeletionProtectionEnabled is not true");
            }
        }
        return broken;
    }

    List<String> streamsAreEncrypted() {
        List<String> broken = new ArrayList<>();
        ofType("AWS::Kinesis::Stream").forEach((id, r) -> {
            Map<String, Object> encryption = map(properties(r).get("StreamEncryption"));
            if (!"KMS".equals(encryption.get("EncryptionType")) || encryption.get("KeyId") == null) {
                broken.add(id + ".Properties.StreamEncryption: not KMS with a KeyId");
            }
        });
        return broken;
    }

    List<String> bucketsAreClosed() {
        List<String> broken = new ArrayList<>();
        Map<String, Map<String, Object>> policies = ofType("AWS::S3::BucketPolicy");
        ofType("AWS::S3::Bucket").forEach((id, r) -> {
            Map<String, Object> p = properties(r);
            Map<String, Object> block = map(p.get("PublicAccessBlockConfiguration"));
            for (String flag : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
                if (!isTrue(block.get(flag))) broken.add(id + ".Properties.PublicAccessBlockConfiguration." + flag + " is not true");
            }
            List<Object> sse = list(map(p.get("BucketEncryption")).get("ServerSideEncryptionConfiguration"));
            if (sse.stream().noneMatch(c -> map(map(c).get("ServerSideEncryptionByDefault")).get("SSEAlgorithm") != null)) {
                broken.add(id + ".Properties.BucketEncryption: no default encryption");
            }
            boolean tlsOnly = policies.values().stream()
                    .filter(policy -> refersTo(properties(policy).get("Bucket"), id))
                    .flatMap(policy -> list(map(properties(policy).get("PolicyDocument")).get("Statement")).stream())
                    .map(DeploymentRules::map)
                    .anyMatch(s -> "Deny".equals(s.get("Effect")) && refersTo(s.get("Resource"), id)
                            && list(s.get("Resource")).size() >= 2
                            && "false".equals(String.valueOf(map(map(s.get("Condition")).get("Bool")).get("aws:SecureTransport"))));
            if (!tlsOnly) broken.add(id + ": no bucket policy denying aws:SecureTransport false on the bucket and its objects");
        });
        return broken;
    }

    List<String> evidenceBucketsAreVersioned() {
        List<String> broken = new ArrayList<>();
        for (String id : VERSIONED_BUCKETS) {
            Map<String, Object> bucket = resources().get(id);
            if (bucket == null || !"Enabled".equals(map(properties(bucket).get("VersioningConfiguration")).get("Status"))) {
                broken.add(id + ".Properties.VersioningConfiguration.Status is not Enabled");
            }
        }
        return broken;
    }

    /**
     * Report objects expire; set-aside records (the failure bucket) are kept until they are redriven: a lifecycle rule
     * moves them to a cheaper storage class, and no rule expires them.
     */
    List<String> reportsExpireSetAsideRecordsAreKept() {
        List<String> broken = new ArrayList<>();
        for (String id : EXPIRING_BUCKETS) {
            boolean expires = lifecycleRules(id).stream().anyMatch(rule -> "Enabled".equals(rule.get("Status"))
                    && rule.get("ExpirationInDays") != null && rule.get("NoncurrentVersionExpiration") != null);
            if (!expires) {
                broken.add(id + ".Properties.LifecycleConfiguration: no enabled rule with ExpirationInDays and NoncurrentVersionExpiration");
            }
        }
        List<Map<String, Object>> failureRules = lifecycleRules(SET_ASIDE_BUCKET);
        if (failureRules.stream().noneMatch(rule -> "Enabled".equals(rule.get("Status")) && rule.get("Transitions") != null)) {
            broken.add(SET_ASIDE_BUCKET + ".Properties.LifecycleConfiguration: no enabled rule with Transitions for the set-aside records");
        }
        for (Map<String, Object> rule : failureRules) {
            String prefix = rule.get("Prefix") == null ? "" : String.valueOf(rule.get("Prefix"));
            if ("Enabled".equals(rule.get("Status")) && rule.get("ExpirationInDays") != null && "set-aside/".startsWith(prefix)) {
                broken.add(SET_ASIDE_BUCKET + ".Properties.LifecycleConfiguration." + rule.get("Id")
                        + ": expires set-aside records (prefix '" + prefix + "'), which are kept until redriven");
            }
        }
        return broken;
    }

    private List<Map<String, Object>> lifecycleRules(String bucketId) {
        Map<String, Object> bucket = resources().get(bucketId);
        return bucket == null ? List.of() : list(map(properties(bucket).get("LifecycleConfiguration")).get("Rules")).stream()
                .map(DeploymentRules::map).toList();
    }

    List<String> noWildcardOnDataActions() {
        List<String> broken = new ArrayList<>();
        for (Grant g : grants()) {
            if (!g.allows() || g.actions().stream().noneMatch(DeploymentRules::isDataAction)) continue;
            for (Object resource : g.resources()) {
                String text = resource instanceof String s ? s
                        : resource instanceof Map<?, ?> m && m.get("Fn::Sub") instanceof String s ? s : null;
                if (text != null && (text.equals("*") || text.endsWith(":::*") || text.endsWith(":table/*")
                        || text.endsWith(":stream/*") || text.endsWith(":*"))) {
                    broken.add(g.where() + ": " + g.actions() + " on the wildcard resource " + text);
                }
            }
        }
        return broken;
    }

    List<String> noCrudPolicyTemplates() {
        List<String> broken = new ArrayList<>();
        policyEntries().forEach((where, entry) -> {
            if (entry instanceof Map<?, ?> m) {
                m.keySet().stream().map(String::valueOf).filter(k -> k.endsWith("CrudPolicy") || k.endsWith("FullAccessPolicy"))
                        .forEach(k -> broken.add(where + ": SAM policy template " + k));
            } else if (String.valueOf(entry).contains("FullAccess")) {
                broken.add(where + ": managed policy " + entry);
            }
        });
        return broken;
    }

    List<String> onlyThePumpPutsEvents() {
        List<String> broken = new ArrayList<>();
        for (Grant g : grants()) {
            if (!g.allows()) continue;
            for (String table : EVENTS_TABLES) {
                if (!refersTo(g.resources(), table)) continue;
                for (String action : g.actions()) {
                    boolean read = EVENTS_TABLE_READS.contains(action);
                    boolean pumpPut = g.owner().equals(EVENTS_WRITER) && action.equals("dynamodb:PutItem");
                    boolean pumpClaims = g.owner().equals(EVENTS_WRITER) && table.equals("EventIdsTable")
                            && action.equals("dynamodb:UpdateItem");
                    if (!read && !pumpPut && !pumpClaims) broken.add(g.where() + ": " + action + " on " + table);
                }
            }
        }
        policyEntries().forEach((where, entry) -> {
            if (entry instanceof Map<?, ?> m) {
                m.forEach((name, args) -> {
                    if (!String.valueOf(name).equals("Statement") && !String.valueOf(name).endsWith("ReadPolicy")
                            && EVENTS_TABLES.stream().anyMatch(t -> refersTo(args, t))) {
                        broken.add(where + ": policy template " + name + " on the events tables");
                    }
                });
            }
        });
        return broken;
    }

    List<String> externalEndpointsHaveNoDefault() {
        List<String> broken = new ArrayList<>();
        Map<String, Object> parameters = map(raw.get("Parameters"));
        for (String name : EXTERNAL_ENDPOINTS) {
            Map<String, Object> p = map(parameters.get(name));
            if (p.isEmpty()) broken.add("Parameters." + name + ": missing");
            if (p.containsKey("Default")) broken.add("Parameters." + name + ".Default: " + p.get("Default") + " (a deployment must name it)");
            if (!(p.get("AllowedPattern") instanceof String pattern) || "".matches(pattern) || "https://".matches(pattern)) {
                broken.add("Parameters." + name + ".AllowedPattern: must refuse an empty or host-less URL");
            }
            if (!String.valueOf(p.get("ConstraintDescription")).contains(name)) {
                broken.add("Parameters." + name + ".ConstraintDescription: must name " + name);
            }
        }
        return broken;
    }

    // ---- reading the template -------------------------------------------------------------------------------------

    /** One statement of an inline policy: its owner (function, state machine, role), where it is, what it allows. */
    record Grant(String owner, String where, boolean allows, List<String> actions, List<Object> resources) {
    }

    List<Grant> grants() {
        List<Grant> grants = new ArrayList<>();
        resources().forEach((id, r) -> {
            String type = type(r);
            Map<String, Object> p = properties(r);
            if (type.equals("AWS::Serverless::Function") || type.equals("AWS::Serverless::StateMachine")) {
                List<Object> policies = list(p.get("Policies"));
                for (int i = 0; i < policies.size(); i++) {
                    addStatements(grants, id, id + ".Policies[" + i + "]", map(policies.get(i)).get("Statement"));
                }
            } else if (type.equals("AWS::IAM::Role")) {
                List<Object> policies = list(p.get("Policies"));
                for (int i = 0; i < policies.size(); i++) {
                    addStatements(grants, id, id + ".Policies[" + i + "]",
                            map(map(policies.get(i)).get("PolicyDocument")).get("Statement"));
                }
            } else if (type.equals("AWS::IAM::Policy") || type.equals("AWS::IAM::ManagedPolicy")) {
                addStatements(grants, id, id, map(p.get("PolicyDocument")).get("Statement"));
            }
        });
        return grants;
    }

    private static void addStatements(List<Grant> grants, String owner, String where, Object statements) {
        List<Object> list = list(statements);
        for (int i = 0; i < list.size(); i++) {
            Map<String, Object> s = map(list.get(i));
            String name = where + ".Statement[" + (s.get("Sid") == null ? String.valueOf(i) : s.get("Sid")) + "]";
            grants.add(new Grant(owner, name, "Allow".equals(s.get("Effect")),
                    list(s.get("Action")).stream().map(String::valueOf).toList(), list(s.get("Resource"))));
        }
    }

    /** Every entry of every Policies list of a SAM function or state machine, by place. */
    private Map<String, Object> policyEntries() {
        Map<String, Object> entries = new LinkedHashMap<>();
        resources().forEach((id, r) -> {
            if (!type(r).startsWith("AWS::Serverless::")) return;
            List<Object> policies = list(properties(r).get("Policies"));
            for (int i = 0; i < policies.size(); i++) entries.put(id + ".Policies[" + i + "]", policies.get(i));
        });
        return entries;
    }

    private static boolean isDataAction(String action) {
        return action.equals("*") || DATA_SERVICES.stream().anyMatch(action::startsWith);
    }

    /** Whether {@code value} names the resource: {@code Ref}, {@code Fn::GetAtt} or a {@code ${Id}}/{@code ${Id.Attr}} in {@code Fn::Sub}. */
    static boolean refersTo(Object value, String logicalId) {
        if (value instanceof Map<?, ?> m) {
            if (logicalId.equals(m.get("Ref"))) return true;
            if (m.get("Fn::GetAtt") instanceof List<?> att && !att.isEmpty() && logicalId.equals(att.get(0))) return true;
            if (m.get("Fn::Sub") instanceof String sub && (sub.contains("${" + logicalId + "}") || sub.contains("${" + logicalId + "."))) {
                return true;
            }
            return m.values().stream().anyMatch(v -> refersTo(v, logicalId));
        }
        if (value instanceof List<?> l) return l.stream().anyMatch(v -> refersTo(v, logicalId));
        return false;
    }

    /** The values an {@code Fn::If} can take (each branch, recursively), or the value itself. */
    private static List<Object> branches(Object value) {
        if (map(value).get("Fn::If") instanceof List<?> args && args.size() == 3) {
            List<Object> values = new ArrayList<>(branches(args.get(1)));
            values.addAll(branches(args.get(2)));
            return values;
        }
        List<Object> single = new ArrayList<>();
        single.add(value);
        return single;
    }

    private List<String> allowedValues(Object value) {
        if (value instanceof Map<?, ?> m && m.get("Ref") instanceof String parameter) {
            return list(map(map(raw.get("Parameters")).get(parameter)).get("AllowedValues")).stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    private Map<String, Map<String, Object>> resources() {
        Map<String, Map<String, Object>> resources = new LinkedHashMap<>();
        map(raw.get("Resources")).forEach((id, r) -> resources.put(id, map(r)));
        return resources;
    }

    private Map<String, Map<String, Object>> ofType(String type) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        resources().forEach((id, r) -> {
            if (type(r).equals(type)) found.put(id, r);
        });
        return found;
    }

    private static String type(Map<String, Object> resource) {
        return String.valueOf(resource.get("Type"));
    }

    private static Map<String, Object> properties(Map<String, Object> resource) {
        return map(resource.get("Properties"));
    }

    private static boolean isTrue(Object value) {
        return "true".equalsIgnoreCase(String.valueOf(value));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** A list as is; a single value as a list of one (IAM allows both); nothing as an empty list. */
    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        if (value == null) return List.of();
        return value instanceof List<?> l ? (List<Object>) l : List.of(value);
    }
}
