package dev.onebox.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onebox.events.pattern.EventPattern;
import dev.onebox.events.transform.TargetInput;
import dev.onebox.events.transform.TargetInputException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The local EventBridge: rules with event patterns, PutEvents with AWS's envelope and limits, and delivery of
 * matched events to targets through a {@link TargetInvoker}, retried per {@link RetryPolicy}. A delivery that
 * still fails is logged at ERROR with the rule, target, event id and input, kept in {@link #failedDeliveries()}
 * and passed to every {@link #onDelivery listener}: nothing is dropped silently.
 *
 * <p>Serve it to the AWS SDK with {@link dev.onebox.events.server.EventBridgeServer}; drive schedules
 * with {@link Scheduler}.
 */
public final class EventBus implements AutoCloseable {
    public static final int MAX_ENTRIES = 10;
    public static final int MAX_REQUEST_BYTES = 256 * 1024;
    private static final int KEPT_FAILURES = 1000;
    private static final System.Logger LOG = System.getLogger(EventBus.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TargetInvoker invoker;
    private final EventBusSettings settings;
    private final Executor executor;
    private final ExecutorService ownExecutor;
    /** Rules by bus and name: a rule's name is unique on its bus, as on AWS. */
    private final Map<RuleKey, Registered> rules = new LinkedHashMap<>();
    private final Map<String, Schedule> schedules = new LinkedHashMap<>();
    /** Every bus by name, with the statements of its resource policy (none: only the bus's own account may put events). */
    private final Map<String, Bus> buses = new LinkedHashMap<>();
    private final List<Consumer<Delivery>> listeners = new CopyOnWriteArrayList<>();
    private final Deque<Delivery> failures = new ArrayDeque<>();

    private record Registered(Rule rule, EventPattern pattern) {
    }

    private record RuleKey(String bus, String name) {
    }

    private record Bus(List<JsonNode> policy, Instant created, Instant modified) {
    }

    /**
     * DescribeEventBus: a bus's name, ARN, resource policy (a policy document; null when it has none), when it was created
     * ({@code default}: when this bus started) and when it was last changed (created, or its policy changed).
     */
    public record Description(String name, String arn, String policy, Instant creationTime, Instant lastModifiedTime) {
    }

    public EventBus(TargetInvoker invoker) {
        this(invoker, EventBusSettings.defaults());
    }

    public EventBus(TargetInvoker invoker, EventBusSettings settings) {
        if (invoker == null) {
            throw new IllegalArgumentException("EventBus needs a TargetInvoker");
        }
        this.invoker = invoker;
        this.settings = settings;
        if (settings.deliveryExecutor() == null) {
            this.ownExecutor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "onebox-events-delivery");
                t.setDaemon(true);
                return t;
            });
            this.executor = ownExecutor;
        } else {
            this.ownExecutor = null;
            this.executor = settings.deliveryExecutor();
        }
        Instant now = settings.clock().instant();
        buses.put(Rule.DEFAULT_BUS, new Bus(List.of(), now, now));
    }

    public EventBusSettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- rules

    /**
     * Adds or replaces a rule (PutRule + PutTargets) on its bus, which must exist ({@link #createEventBus}).
     *
     * @throws dev.onebox.events.pattern.InvalidEventPatternException naming the rule and the field at fault
     */
    public void putRule(Rule rule) {
        EventPattern pattern = rule.compiledPattern();
        synchronized (this) {
            if (rule.eventBusName().equals(Rule.DEFAULT_BUS) && schedules.containsKey(rule.name())) {
                throw new IllegalArgumentException("Rule " + rule.name() + " is already a schedule");
            }
            if (!buses.containsKey(rule.eventBusName())) {
                throw new IllegalArgumentException("Rule " + rule.name() + ": event bus " + rule.eventBusName() + " does not exist");
            }
            rules.put(new RuleKey(rule.eventBusName(), rule.name()), new Registered(rule, pattern));
        }
    }

    /** Removes the rule {@code name} of the bus {@code bus} (a name or ARN; null: {@code default}). */
    public synchronized boolean removeRule(String bus, String name) {
        return rules.remove(new RuleKey(busName(bus), name)) != null;
    }

    /**
     * CreateEventBus: a custom bus, for rules and PutEvents that name it. Events put on another bus (the default one)
     * never reach its rules. Creating a bus that exists changes nothing.
     *
     * @throws IllegalArgumentException when the name is not a valid custom bus name (naming it)
     */
    public synchronized void createEventBus(String name) {
        if (name == null || !name.matches("[/.\\-_A-Za-z0-9]{1,256}") || name.equals(Rule.DEFAULT_BUS) || name.startsWith("aws.")) {
            throw new IllegalArgumentException("event bus name '" + name + "' is not valid: 1 to 256 of A-Z a-z 0-9 . - _ /, "
                    + "not 'default', not starting with 'aws.'");
        }
        Instant now = settings.clock().instant();
        buses.putIfAbsent(name, new Bus(List.of(), now, now));
    }

    /** Whether the bus exists ({@code default} always does). */
    public synchronized boolean hasEventBus(String nameOrArn) {
        return buses.containsKey(busName(nameOrArn));
    }

    /** The buses' names, {@code default} first. */
    public synchronized List<String> eventBuses() {
        return List.copyOf(buses.keySet());
    }

    /**
     * PutPermission with a policy statement ({@code Sid}, {@code Effect}, {@code Principal}, {@code Action}, ...): replaces the
     * statement with the same {@code Sid} in the bus's resource policy, or adds it.
     */
    public synchronized void putPermission(String bus, JsonNode statement) {
        String name = busName(bus);
        if (!buses.containsKey(name)) throw new IllegalArgumentException("event bus " + name + " does not exist");
        if (statement == null || !statement.isObject() || !statement.path("Sid").isTextual()) {
            throw new IllegalArgumentException("event bus " + name + ": a policy statement is a JSON object with a Sid, got " + statement);
        }
        Bus before = buses.get(name);
        List<JsonNode> policy = new ArrayList<>();
        for (JsonNode s : before.policy()) {
            if (!s.path("Sid").asText().equals(statement.get("Sid").asText())) policy.add(s);
        }
        policy.add(statement.deepCopy());
        buses.put(name, new Bus(List.copyOf(policy), before.created(), settings.clock().instant()));
    }

    /** The bus's resource policy as a policy document, or empty when it has none. */
    public synchronized Optional<ObjectNode> policy(String bus) {
        Bus b = buses.get(busName(bus));
        List<JsonNode> statements = b == null ? List.of() : b.policy();
        if (statements.isEmpty()) return Optional.empty();
        ObjectNode doc = JSON.createObjectNode().put("Version", "2012-10-17");
        ArrayNode list = doc.putArray("Statement");
        statements.forEach(st -> list.add(st.deepCopy()));
        return Optional.of(doc);
    }

    /** The bus named (a name or ARN; null: {@code default}), or empty when there is no such bus. */
    public synchronized Optional<Description> describeEventBus(String nameOrArn) {
        String name = busName(nameOrArn);
        Bus b = buses.get(name);
        if (b == null) return Optional.empty();
        return Optional.of(new Description(name, eventBusArn(name), policy(name).map(ObjectNode::toString).orElse(null),
                b.created(), b.modified()));
    }

    /**
     * Whether {@code callerAccount} may put events on the bus. The bus's own account always may (on AWS its IAM identity
     * policies decide); another account only through an Allow statement for {@code events:PutEvents} (or
     * {@code events:*}) whose Principal names it (its id, its root ARN or a principal ARN in it) or {@code *}, and no
     * Deny statement that names it. Conditions are not evaluated: a statement with a Condition does not allow.
     */
    public synchronized boolean mayPutEvents(String bus, String callerAccount) {
        if (settings.account().equals(callerAccount)) return true;
        boolean allowed = false;
        Bus b = buses.get(busName(bus));
        for (JsonNode st : b == null ? List.<JsonNode>of() : b.policy()) {
            if (!namesAction(st.get("Action")) || !namesAccount(st.get("Principal"), callerAccount)) continue;
            if ("Deny".equals(st.path("Effect").asText())) return false;
            if ("Allow".equals(st.path("Effect").asText()) && !st.has("Condition")) allowed = true;
        }
        return allowed;
    }

    private static boolean namesAction(JsonNode action) {
        if (action == null) return false;
        if (action.isArray()) {
            for (JsonNode a : action) {
                if (namesAction(a)) return true;
            }
            return false;
        }
        return List.of("events:PutEvents", "events:*", "*").contains(action.asText());
    }

    private static boolean namesAccount(JsonNode principal, String account) {
        if (principal == null) return false;
        if (principal.isTextual()) return principal.asText().equals("*");
        JsonNode aws = principal.get("AWS");
        if (aws == null) return false;
        for (JsonNode p : aws.isArray() ? aws : JSON.createArrayNode().add(aws)) {
            String v = p.asText();
            if (v.equals("*") || v.equals(account) || v.startsWith("arn:aws:iam::" + account + ":")) return true;
        }
        return false;
    }

    public synchronized List<Rule> rules() {
        List<Rule> out = new ArrayList<>();
        for (Registered r : rules.values()) {
            out.add(r.rule());
        }
        return out;
    }

    /** The rule {@code name} of the bus {@code bus} (a name or ARN; null: {@code default}). */
    public synchronized Optional<Rule> rule(String bus, String name) {
        Registered r = rules.get(new RuleKey(busName(bus), name));
        return r == null ? Optional.empty() : Optional.of(r.rule());
    }

    public synchronized List<Schedule> schedules() {
        return List.copyOf(schedules.values());
    }

    public synchronized Optional<Schedule> schedule(String name) {
        return Optional.ofNullable(schedules.get(name));
    }

    synchronized void registerSchedule(Schedule schedule) {
        if (rules.containsKey(new RuleKey(Rule.DEFAULT_BUS, schedule.name()))) {
            throw new IllegalArgumentException("Schedule " + schedule.name() + " has the name of an event rule");
        }
        schedules.put(schedule.name(), schedule);
    }

    synchronized void unregisterSchedule(String name) {
        schedules.remove(name);
    }

    public String eventBusArn(String busName) {
        return "arn:aws:events:" + settings.region() + ":" + settings.account() + ":event-bus/" + busName(busName);
    }

    public String ruleArn(String ruleName, String busName) {
        String bus = busName == null || busName.equals(Rule.DEFAULT_BUS) ? "" : busName + "/";
        return "arn:aws:events:" + settings.region() + ":" + settings.account() + ":rule/" + bus + ruleName;
    }

    /** Names of the enabled rules on the event's bus ({@code default}) whose pattern matches {@code eventJson}. */
    public List<String> matchingRules(String eventJson) {
        try {
            return matchingRules(JSON.readTree(eventJson), Rule.DEFAULT_BUS);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Event is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private List<String> matchingRules(JsonNode event, String bus) {
        List<String> out = new ArrayList<>();
        for (Registered r : snapshot()) {
            if (r.rule().enabled() && r.rule().eventBusName().equals(bus) && r.pattern().matches(event)) {
                out.add(r.rule().name());
            }
        }
        return out;
    }

    private synchronized List<Registered> snapshot() {
        return new ArrayList<>(rules.values());
    }

    // ---------------------------------------------------------------- deliveries

    /** Called with every delivery outcome, success or failure, on the delivery thread. */
    public void onDelivery(Consumer<Delivery> listener) {
        listeners.add(listener);
    }

    /** The most recent deliveries that failed after all retries (at most 1000 are kept). */
    public synchronized List<Delivery> failedDeliveries() {
        return List.copyOf(failures);
    }

    // ---------------------------------------------------------------- PutEvents

    /**
     * PutEvents: checks the request limits (whole request refused with {@link PutEventsRejectedException}), then
     * each entry (refused entries get AWS's ErrorCode and ErrorMessage), builds the envelope of each accepted
     * entry and delivers it to the targets of every matching rule.
     */
    public PutEventsResult putEvents(List<EventEntry> entries) {
        return putEvents(entries, settings.account());
    }

    /**
     * PutEvents by a caller of {@code callerAccount}: an entry for a bus whose policy does not let that account put
     * events ({@link #mayPutEvents}) is refused with AccessDeniedException.
     */
    public PutEventsResult putEvents(List<EventEntry> entries, String callerAccount) {
        if (entries == null) {
            throw new PutEventsRejectedException("ValidationException",
                    "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null");
        }
        if (entries.isEmpty() || entries.size() > MAX_ENTRIES) {
            throw new PutEventsRejectedException("ValidationException",
                    "1 validation error detected: Value '" + entries.size() + " entries' at 'entries' failed to satisfy constraint: "
                            + "Member must have length " + (entries.isEmpty() ? "greater than or equal to 1" : "less than or equal to " + MAX_ENTRIES));
        }
        long size = 0;
        for (EventEntry e : entries) {
            size += entrySize(e);
        }
        if (size > MAX_REQUEST_BYTES) {
            throw new PutEventsRejectedException("ValidationException",
                    "Total size of the entries in the request is over the limit (" + size + " bytes > " + MAX_REQUEST_BYTES + ").");
        }
        Instant ingestion = settings.clock().instant();
        List<PutEventsResult.Entry> results = new ArrayList<>();
        int failed = 0;
        for (EventEntry e : entries) {
            PutEventsResult.Entry r = putOne(e, ingestion, callerAccount);
            if (!r.isAccepted()) {
                failed++;
            }
            results.add(r);
        }
        return new PutEventsResult(failed, results);
    }

    /** Size of an entry as AWS counts it: 14 bytes for Time, plus the UTF-8 bytes of Source, DetailType, Detail, Resources. */
    public static long entrySize(EventEntry e) {
        long size = e.time() != null ? 14 : 0;
        size += utf8(e.source()) + utf8(e.detailType()) + utf8(e.detail());
        for (String r : e.resources()) {
            size += utf8(r);
        }
        return size;
    }

    private static long utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }

    private PutEventsResult.Entry putOne(EventEntry e, Instant ingestion, String callerAccount) {
        List<String> missing = new ArrayList<>();
        if (e.source() == null || e.source().isBlank()) {
            missing.add("Source");
        }
        if (e.detailType() == null || e.detailType().isBlank()) {
            missing.add("DetailType");
        }
        if (e.detail() == null || e.detail().isBlank()) {
            missing.add("Detail");
        }
        if (!missing.isEmpty()) {
            return PutEventsResult.Entry.rejected("InvalidArgument",
                    "Parameter(s) " + String.join(",", missing) + " could not be empty.");
        }
        if (e.source().startsWith("aws.")) {
            return PutEventsResult.Entry.rejected("NotAuthorizedForSourceException",
                    "Not authorized for the source " + e.source() + ".");
        }
        JsonNode detail;
        try {
            detail = JSON.readTree(e.detail());
        } catch (JsonProcessingException ex) {
            detail = null;
        }
        if (detail == null || !detail.isObject()) {
            return PutEventsResult.Entry.rejected("MalformedDetail", "Detail is malformed.");
        }
        String bus = busName(e.eventBusName());
        synchronized (this) {
            if (!buses.containsKey(bus)) {
                return PutEventsResult.Entry.rejected("ResourceNotFoundException", "Event bus " + bus + " does not exist.");
            }
            if (!mayPutEvents(bus, callerAccount)) {
                return PutEventsResult.Entry.rejected("AccessDeniedException", "Account " + callerAccount
                        + " is not authorized to perform events:PutEvents on event bus " + bus + " (its resource policy does not allow it).");
            }
        }
        String id = UUID.randomUUID().toString();
        Instant time = e.time() != null ? e.time() : ingestion;
        ObjectNode event = envelope(id, e.detailType(), e.source(), time, e.resources(), detail);
        route(event, bus, ingestion);
        return PutEventsResult.Entry.accepted(id);
    }

    /** The bus name of a name or an event bus ARN; {@code default} for none. */
    public static String busName(String nameOrArn) {
        if (nameOrArn == null || nameOrArn.isBlank()) {
            return Rule.DEFAULT_BUS;
        }
        int slash = nameOrArn.indexOf(":event-bus/");
        return nameOrArn.startsWith("arn:") && slash > 0 ? nameOrArn.substring(slash + ":event-bus/".length()) : nameOrArn;
    }

    /** The event as EventBridge hands it to rules and targets. */
    public ObjectNode envelope(String id, String detailType, String source, Instant time, List<String> resources, JsonNode detail) {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", id);
        event.put("detail-type", detailType);
        event.put("source", source);
        event.put("account", settings.account());
        event.put("time", time.truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", settings.region());
        ArrayNode res = event.putArray("resources");
        resources.forEach(res::add);
        event.set("detail", detail);
        return event;
    }

    private void route(ObjectNode event, String bus, Instant ingestion) {
        for (Registered r : snapshot()) {
            Rule rule = r.rule();
            if (rule.enabled() && rule.eventBusName().equals(bus) && r.pattern().matches(event)) {
                String arn = ruleArn(rule.name(), rule.eventBusName());
                for (Target t : rule.targets()) {
                    submit(rule.name(), arn, t, event, ingestion);
                }
            }
        }
    }

    /**
     * An event an AWS service sends to the default bus itself (e.g. {@code aws.states} "Step Functions Execution
     * Status Change"), which PutEvents refuses from callers: routed to the matching rules. Returns the event id.
     */
    public String publishServiceEvent(String source, String detailType, Instant time, List<String> resources, JsonNode detail) {
        if (!source.startsWith("aws.")) throw new IllegalArgumentException("a service event's source starts with 'aws.', not '" + source + "'");
        String id = UUID.randomUUID().toString();
        route(envelope(id, detailType, source, time, resources, detail), Rule.DEFAULT_BUS, settings.clock().instant());
        return id;
    }

    /** Delivers the scheduled event of {@code schedule} fired for {@code time}; returns the event id. */
    String publishScheduled(Schedule schedule, Instant time) {
        String id = UUID.randomUUID().toString();
        String arn = ruleArn(schedule.name(), Rule.DEFAULT_BUS);
        ObjectNode event = envelope(id, "Scheduled Event", "aws.events", time, List.of(arn), JSON.createObjectNode());
        Instant ingestion = settings.clock().instant();
        for (Target t : schedule.targets()) {
            submit(schedule.name(), arn, t, event, ingestion);
        }
        return id;
    }

    private void submit(String ruleName, String ruleArn, Target target, ObjectNode event, Instant ingestion) {
        DeliveryTask task = new DeliveryTask(ruleName, ruleArn, target, event, ingestion);
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            finish(new Delivery(ruleName, target.id(), target.arn(), event.path("id").asText(), null, 0,
                    "the event bus is closed; delivery was not started"));
        }
    }

    private final class DeliveryTask implements Runnable {
        private final String ruleName;
        private final String ruleArn;
        private final Target target;
        private final ObjectNode event;
        private final Instant ingestion;

        DeliveryTask(String ruleName, String ruleArn, Target target, ObjectNode event, Instant ingestion) {
            this.ruleName = ruleName;
            this.ruleArn = ruleArn;
            this.target = target;
            this.event = event;
            this.ingestion = ingestion;
        }

        String eventId() {
            return event.path("id").asText();
        }

        @Override
        public void run() {
            String input;
            try {
                input = TargetInput.render(target, event, ruleName, ruleArn, ingestion);
            } catch (TargetInputException | IllegalArgumentException e) {
                finish(new Delivery(ruleName, target.id(), target.arn(), eventId(), null, 0, e.getMessage()));
                return;
            }
            RetryPolicy retry = settings.retry();
            String failure = null;
            int attempt = 0;
            while (attempt < retry.maxAttempts()) {
                attempt++;
                if (attempt > 1) {
                    try {
                        retry.sleeper().sleep(retry.backoffBefore(attempt));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        failure = failure + "; retries interrupted";
                        break;
                    }
                }
                try {
                    invoker.deliver(target.arn(), input);
                    failure = null;
                    break;
                } catch (Exception e) {
                    failure = e.getClass().getSimpleName() + ": " + e.getMessage();
                    if (attempt < retry.maxAttempts()) {
                        LOG.log(System.Logger.Level.WARNING, "Delivery of event {0} by rule {1} to target {2} ({3}) failed on attempt {4} of {5}, retrying: {6}",
                                eventId(), ruleName, target.id(), target.arn(), attempt, retry.maxAttempts(), failure);
                    }
                }
            }
            finish(new Delivery(ruleName, target.id(), target.arn(), eventId(), input, attempt, failure));
        }

        @Override
        public String toString() {
            return "delivery of event " + eventId() + " by rule " + ruleName + " to target " + target.id() + " (" + target.arn() + ")";
        }
    }

    private void finish(Delivery d) {
        if (!d.succeeded()) {
            String input = d.input() == null ? "(none)" : d.input().length() > 2000 ? d.input().substring(0, 2000) + "..." : d.input();
            LOG.log(System.Logger.Level.ERROR, "Event {0} from {1} was NOT delivered to target {2} ({3}) after {4} attempt(s): {5}; input: {6}",
                    d.eventId(), d.source(), d.targetId(), d.targetArn(), d.attempts(), d.failure(), input);
            synchronized (this) {
                failures.addLast(d);
                while (failures.size() > KEPT_FAILURES) {
                    failures.removeFirst();
                }
            }
        }
        for (Consumer<Delivery> l : listeners) {
            try {
                l.accept(d);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "A delivery listener failed on " + d, e);
            }
        }
    }

    /** Stops the bus's own delivery thread after the queued deliveries (waits up to 10 s; what is left is logged). */
    @Override
    public void close() {
        if (ownExecutor == null) {
            return;
        }
        ownExecutor.shutdown();
        try {
            if (!ownExecutor.awaitTermination(10, TimeUnit.SECONDS)) {
                for (Runnable r : ownExecutor.shutdownNow()) {
                    LOG.log(System.Logger.Level.ERROR, "Event bus closed before {0}", r);
                    if (r instanceof DeliveryTask) {
                        DeliveryTask t = (DeliveryTask) r;
                        finish(new Delivery(t.ruleName, t.target.id(), t.target.arn(), t.eventId(), null, 0,
                                "the event bus was closed before delivery"));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ownExecutor.shutdownNow();
        }
    }
}
