package dev.playback.tools.template;

import static dev.playback.tools.template.DeploymentRules.list;
import static dev.playback.tools.template.DeploymentRules.map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onebox.template.FunctionResource;
import dev.onebox.template.Template;
import dev.playback.model.domain.Domain;
import dev.playback.model.domain.EffectfulProcessor;
import dev.playback.model.processor.Processor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The monitoring template.yaml keeps (issue 12): alarms, the topic they notify, the replay-execution rule and the
 * dashboard, each rule a method listing what breaks it. What must be watched is derived from the template itself (its
 * functions, their Kinesis event sources, its state machines) and from the domains it runs (PLAYBACK_DOMAINS: their
 * processors), so a function, machine or processor added without its alarm breaks a rule.
 */
record MonitoringRules(Template template) {
    /** The topic every alarm and the rule notify. */
    static final String TOPIC = "AlarmTopic";
    /** The rule on failed, aborted and timed-out replay executions. */
    static final String EXECUTION_RULE = "ReplayExecutionFailedRule";
    /** Playback's metrics (namespace Playback/${AWS::StackName}) by name, with their dimension: the handlers' contract. */
    static final Map<String, String> PLAYBACK_METRICS = Map.ofEntries(
            Map.entry("EventsAccepted", "Service"), Map.entry("EventsRejected", "Service"),
            Map.entry("EventsAppended", "Service"), Map.entry("EventsDuplicate", "Service"),
            Map.entry("EventsApplied", "Processor"), Map.entry("ProcessorLag", "Processor"),
            Map.entry("ReplayEventsApplied", "Processor"), Map.entry("RecordsSetAside", "Service"),
            Map.entry("ReplayEventsPublished", "Service"), Map.entry("GatewaySends", "Gateway"),
            Map.entry("GatewayCorrections", "Gateway"), Map.entry("GatewaySuppressed", "Gateway"),
            Map.entry("GatewayLiveQueries", "Gateway"), Map.entry("ParkedAggregates", "Processor"),
            Map.entry("LargeStates", "Processor"));
    /** AWS's metrics the dashboard and alarms may use, by namespace. */
    static final Map<String, Set<String>> AWS_METRICS = Map.of(
            "AWS/Lambda", Set.of("IteratorAge", "Throttles", "Errors"),
            "AWS/States", Set.of("ExecutionsFailed", "ExecutionsAborted", "ExecutionsTimedOut"),
            "AWS/S3", Set.of("NumberOfObjects"),
            "AWS/DynamoDB", Set.of("ReadThrottleEvents", "WriteThrottleEvents"),
            "AWS/Kinesis", Set.of("ReadProvisionedThroughputExceeded", "WriteProvisionedThroughputExceeded"));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SEARCH = Pattern.compile("SEARCH\\('\\{\"([^\"]+)\",(\\w+)} MetricName=\"(\\w+)\"'");

    /** Every rule by name. */
    Map<String, Function<MonitoringRules, List<String>>> all() {
        Map<String, Function<MonitoringRules, List<String>>> rules = new LinkedHashMap<>();
        rules.put("every stream function has an iterator-age alarm", MonitoringRules::iteratorAgeAlarms);
        rules.put("every function has a throttles and an errors alarm", MonitoringRules::throttlesAndErrorsAlarms);
        rules.put("every processor has a lag alarm", MonitoringRules::processorLagAlarms);
        rules.put("every processor has a parked-aggregates alarm", MonitoringRules::parkedAggregatesAlarms);
        rules.put("every processor has a large-states alarm", MonitoringRules::largeStatesAlarms);
        rules.put("every alarm notifies the topic and says how it treats missing data", MonitoringRules::alarmsNotifyTheTopic);
        rules.put("the alarm topic is encrypted and only the stack's alarms and rule publish", MonitoringRules::topicIsClosed);
        rules.put("a failed replay execution of every replay machine notifies the topic", MonitoringRules::executionRuleNamesEveryMachine);
        rules.put("the dashboard is valid and shows only the metric contract", MonitoringRules::dashboardShowsTheContract);
        return rules;
    }

    List<String> iteratorAgeAlarms() {
        List<String> broken = new ArrayList<>();
        Set<String> watched = alarmedFunctions("IteratorAge");
        for (Template.KinesisMapping m : template.kinesisMappings()) {
            String id = m.function().logicalId();
            if (!watched.contains(id)) broken.add(id + ": reads " + m.event().streamName() + " and has no IteratorAge alarm");
        }
        return broken;
    }

    List<String> throttlesAndErrorsAlarms() {
        List<String> broken = new ArrayList<>();
        for (String metric : List.of("Throttles", "Errors")) {
            Set<String> watched = alarmedFunctions(metric);
            for (String id : template.functions().keySet()) {
                if (!watched.contains(id)) broken.add(id + ": no " + metric + " alarm");
            }
        }
        return broken;
    }

    List<String> processorLagAlarms() {
        List<String> broken = new ArrayList<>();
        Set<String> watched = new TreeSet<>();
        alarms().forEach((id, p) -> {
            if ("ProcessorLag".equals(p.get("MetricName"))) watched.add(dimensions(p).getOrDefault("Processor", ""));
        });
        for (String processor : processors()) {
            if (!watched.contains(processor)) broken.add("processor " + processor + ": no ProcessorLag alarm");
        }
        return broken;
    }

    List<String> parkedAggregatesAlarms() {
        return processorAlarms("ParkedAggregates");
    }

    List<String> largeStatesAlarms() {
        return processorAlarms("LargeStates");
    }

    /** Every processor has an alarm on {@code metric} (dimension Processor). */
    private List<String> processorAlarms(String metric) {
        List<String> broken = new ArrayList<>();
        Set<String> watched = new TreeSet<>();
        alarms().forEach((id, p) -> {
            if (metric.equals(p.get("MetricName"))) watched.add(dimensions(p).getOrDefault("Processor", ""));
        });
        for (String processor : processors()) {
            if (!watched.contains(processor)) broken.add("processor " + processor + ": no " + metric + " alarm");
        }
        return broken;
    }

    List<String> alarmsNotifyTheTopic() {
        List<String> broken = new ArrayList<>();
        alarms().forEach((id, p) -> {
            for (String actions : List.of("AlarmActions", "OKActions")) {
                if (!list(p.get(actions)).equals(List.of(Map.of("Ref", TOPIC)))) {
                    broken.add(id + ".Properties." + actions + ": " + p.get(actions) + " is not [Ref " + TOPIC + "]");
                }
            }
            Object missing = p.get("TreatMissingData");
            if (!Set.of("breaching", "notBreaching", "ignore", "missing").contains(String.valueOf(missing))) {
                broken.add(id + ".Properties.TreatMissingData: " + missing + " (choose it)");
            } else if (!String.valueOf(p.get("AlarmDescription")).contains("Missing data is")) {
                broken.add(id + ".Properties.AlarmDescription: does not say why missing data is " + missing);
            }
            String namespace = namespace(p.get("Namespace"));
            if (namespace.startsWith("Playback/")) {
                String metric = String.valueOf(p.get("MetricName"));
                String dimension = PLAYBACK_METRICS.get(metric);
                if (dimension == null || !dimensions(p).keySet().equals(Set.of(dimension))) {
                    broken.add(id + ": " + metric + " " + dimensions(p).keySet() + " is not in the metric contract " + PLAYBACK_METRICS);
                }
                if (!namespace.equals("Playback/${AWS::StackName}")) broken.add(id + ".Properties.Namespace: " + namespace);
            }
        });
        return broken;
    }

    List<String> topicIsClosed() {
        List<String> broken = new ArrayList<>();
        Map<String, Object> topic = resource(TOPIC);
        if (!"AWS::SNS::Topic".equals(topic.get("Type"))) return List.of(TOPIC + ": no AWS::SNS::Topic");
        if (map(topic.get("Properties")).get("KmsMasterKeyId") == null) broken.add(TOPIC + ".Properties.KmsMasterKeyId: not encrypted");
        Map<String, String> publishers = new LinkedHashMap<>();
        resources().forEach((id, r) -> {
            Map<String, Object> p = map(r.get("Properties"));
            if (!"AWS::SNS::TopicPolicy".equals(r.get("Type")) || !list(p.get("Topics")).contains(Map.of("Ref", TOPIC))) return;
            for (Object s : list(map(p.get("PolicyDocument")).get("Statement"))) {
                Map<String, Object> statement = map(s);
                if (!"Allow".equals(statement.get("Effect"))) continue;
                String service = String.valueOf(map(statement.get("Principal")).get("Service"));
                Map<String, Object> condition = map(statement.get("Condition"));
                boolean scoped = map(condition.get("StringEquals")).containsKey("aws:SourceAccount")
                        && (map(condition.get("ArnLike")).containsKey("aws:SourceArn") || map(condition.get("ArnEquals")).containsKey("aws:SourceArn"));
                publishers.put(service, scoped ? "scoped" : id + ": " + service + " may publish without aws:SourceAccount and aws:SourceArn");
            }
        });
        for (String service : List.of("cloudwatch.amazonaws.com", "events.amazonaws.com")) {
            String found = publishers.remove(service);
            if (found == null) broken.add(TOPIC + ": no topic policy lets " + service + " publish");
            else if (!found.equals("scoped")) broken.add(found);
        }
        publishers.forEach((service, found) -> broken.add(TOPIC + ": the topic policy lets " + service + " publish too"));
        resources().forEach((id, r) -> {
            Map<String, Object> p = map(r.get("Properties"));
            if ("AWS::SNS::Subscription".equals(r.get("Type")) && Map.of("Ref", TOPIC).equals(p.get("TopicArn"))
                    && !"HasAlarmEmail".equals(r.get("Condition"))) {
                broken.add(id + ": subscribes whether or not AlarmEmail is set (Condition HasAlarmEmail)");
            }
        });
        return broken;
    }

    List<String> executionRuleNamesEveryMachine() {
        List<String> broken = new ArrayList<>();
        Map<String, Object> p = map(resource(EXECUTION_RULE).get("Properties"));
        Map<String, Object> pattern = map(p.get("EventPattern"));
        if (!list(pattern.get("source")).equals(List.of("aws.states"))
                || !list(pattern.get("detail-type")).equals(List.of("Step Functions Execution Status Change"))) {
            broken.add(EXECUTION_RULE + ".Properties.EventPattern: not Step Functions execution status changes");
        }
        Map<String, Object> detail = map(pattern.get("detail"));
        if (!new TreeSet<>(list(detail.get("status"))).equals(new TreeSet<>(List.of("ABORTED", "FAILED", "TIMED_OUT")))) {
            broken.add(EXECUTION_RULE + ".Properties.EventPattern.detail.status: " + detail.get("status") + " is not FAILED, ABORTED, TIMED_OUT");
        }
        List<Object> machines = list(detail.get("stateMachineArn"));
        for (String machine : template.stateMachines().keySet()) {
            if (!machines.contains(Map.of("Ref", machine))) broken.add(EXECUTION_RULE + ": does not name the state machine " + machine);
        }
        if (p.get("EventBusName") != null) broken.add(EXECUTION_RULE + ".Properties.EventBusName: Step Functions' events are on the default bus");
        List<Object> targets = list(p.get("Targets"));
        if (targets.size() != 1 || !Map.of("Ref", TOPIC).equals(map(targets.get(0)).get("Arn"))
                || map(map(targets.get(0)).get("InputTransformer")).get("InputTemplate") == null) {
            broken.add(EXECUTION_RULE + ".Properties.Targets: not " + TOPIC + " alone with a readable InputTemplate");
        }
        return broken;
    }

    List<String> dashboardShowsTheContract() {
        List<String> broken = new ArrayList<>();
        JsonNode body;
        try {
            body = dashboardBody();
        } catch (RuntimeException | JsonProcessingException e) {
            return List.of("PlaybackDashboard.Properties.DashboardBody: not JSON after substitution: " + e.getMessage());
        }
        Set<String> shown = new LinkedHashSet<>();
        for (JsonNode widget : body.path("widgets")) {
            for (JsonNode metric : widget.path("properties").path("metrics")) {
                String title = widget.path("properties").path("title").asText();
                if (metric.path(0).has("expression")) {
                    Matcher search = SEARCH.matcher(metric.path(0).path("expression").asText());
                    if (!search.find()) {
                        broken.add(title + ": expression " + metric.path(0).path("expression").asText() + " is no SEARCH of one metric");
                        continue;
                    }
                    broken.addAll(checked(title, search.group(1), search.group(3), List.of(search.group(2))));
                    shown.add(search.group(1) + " " + search.group(3));
                    continue;
                }
                List<String> dimensions = new ArrayList<>();
                for (int i = 2; i + 1 < metric.size() && metric.get(i).isTextual(); i += 2) {
                    dimensions.add(metric.get(i).asText());
                    shown.add(metric.get(0).asText() + " " + metric.get(1).asText() + " " + metric.get(i).asText() + "=" + metric.get(i + 1).asText());
                }
                broken.addAll(checked(title, metric.path(0).asText(), metric.path(1).asText(), dimensions));
                shown.add(metric.get(0).asText() + " " + metric.get(1).asText());
            }
        }
        String playback = "Playback/" + dev.playback.tools.LocalStack.STACK_NAME;
        PLAYBACK_METRICS.keySet().forEach(metric -> {
            if (!shown.contains(playback + " " + metric)) broken.add("the dashboard does not show " + metric);
        });
        for (Template.KinesisMapping m : template.kinesisMappings()) {
            if (!shown.contains("AWS/Lambda IteratorAge FunctionName=" + m.function().functionName())) {
                broken.add("the dashboard does not show the IteratorAge of " + m.function().logicalId());
            }
        }
        for (FunctionResource f : template.functions().values()) {
            if (!shown.contains("AWS/Lambda Throttles FunctionName=" + f.functionName())) broken.add("the dashboard does not show the Throttles of " + f.logicalId());
        }
        template.stateMachines().values().forEach(m -> {
            for (String metric : List.of("ExecutionsFailed", "ExecutionsAborted")) {
                if (!shown.contains("AWS/States " + metric + " StateMachineArn=" + m.arn())) {
                    broken.add("the dashboard does not show " + metric + " of " + m.logicalId());
                }
            }
        });
        return broken;
    }

    /** A metric the dashboard shows: Playback's by the contract (its dimension), AWS's among the known ones. */
    private static List<String> checked(String title, String namespace, String metric, List<String> dimensions) {
        if (namespace.startsWith("Playback/")) {
            String dimension = PLAYBACK_METRICS.get(metric);
            if (dimension == null) return List.of(title + ": " + metric + " is not in the metric contract");
            if (!dimensions.equals(List.of(dimension))) return List.of(title + ": " + metric + " by " + dimensions + ", the contract says " + dimension);
            if (!namespace.equals("Playback/" + dev.playback.tools.LocalStack.STACK_NAME)) return List.of(title + ": namespace " + namespace);
            return List.of();
        }
        if (!AWS_METRICS.getOrDefault(namespace, Set.of()).contains(metric)) return List.of(title + ": " + namespace + " " + metric + " is unknown");
        return List.of();
    }

    /** The dashboard body as CloudFormation gives it to CloudWatch: every ${...} substituted, then parsed. */
    JsonNode dashboardBody() throws JsonProcessingException {
        Object body = map(resource("PlaybackDashboard").get("Properties")).get("DashboardBody");
        return JSON.readTree(String.valueOf(template.resolver().resolve(body, "PlaybackDashboard.Properties.DashboardBody")));
    }

    /** The names of the processors of the domains the functions run (PLAYBACK_DOMAINS): projections and effectful ones. */
    Set<String> processors() {
        Set<String> names = new TreeSet<>();
        for (FunctionResource f : template.functions().values()) {
            String domains = f.environment().getOrDefault("PLAYBACK_DOMAINS", "");
            for (String className : domains.split(",")) {
                if (className.isBlank()) continue;
                Domain domain;
                try {
                    domain = (Domain) Class.forName(className.strip()).getConstructor().newInstance();
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(f.logicalId() + ": PLAYBACK_DOMAINS names " + className + ", which cannot be made", e);
                }
                domain.projections().stream().map(Processor::name).forEach(names::add);
                domain.effectfulProcessors().stream().map(EffectfulProcessor::name).forEach(names::add);
            }
        }
        return names;
    }

    private Set<String> alarmedFunctions(String metric) {
        Set<String> found = new TreeSet<>();
        alarms().forEach((id, p) -> {
            if ("AWS/Lambda".equals(p.get("Namespace")) && metric.equals(p.get("MetricName"))
                    && map(dimensionValues(p).get("FunctionName")).get("Ref") instanceof String function) {
                found.add(function);
            }
        });
        return found;
    }

    private Map<String, Map<String, Object>> alarms() {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        resources().forEach((id, r) -> {
            if ("AWS::CloudWatch::Alarm".equals(r.get("Type"))) found.put(id, map(r.get("Properties")));
        });
        return found;
    }

    private static Map<String, String> dimensions(Map<String, Object> alarm) {
        Map<String, String> found = new LinkedHashMap<>();
        dimensionValues(alarm).forEach((name, value) -> found.put(name, String.valueOf(value)));
        return found;
    }

    private static Map<String, Object> dimensionValues(Map<String, Object> alarm) {
        Map<String, Object> found = new LinkedHashMap<>();
        for (Object d : list(alarm.get("Dimensions"))) found.put(String.valueOf(map(d).get("Name")), map(d).get("Value"));
        return found;
    }

    private static String namespace(Object value) {
        Object sub = map(value).get("Fn::Sub");
        return String.valueOf(sub != null ? sub : value);
    }

    private Map<String, Object> resource(String id) {
        return map(resources().get(id));
    }

    private Map<String, Map<String, Object>> resources() {
        Map<String, Map<String, Object>> resources = new LinkedHashMap<>();
        map(template.raw().get("Resources")).forEach((id, r) -> resources.put(id, map(r)));
        return resources;
    }
}
