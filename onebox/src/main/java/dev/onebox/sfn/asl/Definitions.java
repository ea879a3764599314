package dev.onebox.sfn.asl;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validates and compiles Amazon States Language definitions. Problems are reported the way
 * Step Functions' validator does: a code, a message and the location ("/States/Foo/Next").
 */
public final class Definitions {
    private static final Set<String> COMMON = Set.of("Type", "Comment", "QueryLanguage");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            "Pass", Set.of("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "Result", "Assign", "Output"),
            "Task", Set.of("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "Retry",
                    "Catch", "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath",
                    "Assign", "Output", "Arguments", "Credentials"),
            "Choice", Set.of("InputPath", "OutputPath", "Choices", "Default", "Assign", "Output"),
            "Wait", Set.of("Next", "End", "InputPath", "OutputPath", "Seconds", "SecondsPath", "Timestamp", "TimestampPath",
                    "Assign", "Output"),
            "Succeed", Set.of("InputPath", "OutputPath", "Output"),
            "Fail", Set.of("Error", "ErrorPath", "Cause", "CausePath"),
            "Parallel", Set.of("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector",
                    "Retry", "Catch", "Branches", "Assign", "Output", "Arguments"),
            "Map", Set.of("Next", "End", "InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector", "Retry",
                    "Catch", "Iterator", "ItemProcessor", "ItemsPath", "Items", "ItemSelector", "MaxConcurrency",
                    "MaxConcurrencyPath", "ToleratedFailureCount", "ToleratedFailureCountPath",
                    "ToleratedFailurePercentage", "ToleratedFailurePercentagePath", "ItemReader", "ItemBatcher",
                    "ResultWriter", "Label", "Assign", "Output", "Arguments"));
    private static final Set<String> JSONPATH_ONLY = Set.of("InputPath", "OutputPath", "ResultPath", "Parameters",
            "ResultSelector", "Result", "ItemsPath", "SecondsPath", "TimestampPath", "ErrorPath", "CausePath",
            "MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath",
            "TimeoutSecondsPath", "HeartbeatSecondsPath", "Iterator");
    private static final Set<String> JSONATA_ONLY = Set.of("Arguments", "Output", "Items");

    private final List<String> problems = new ArrayList<>();
    private boolean blocking;

    private Definitions() {
    }

    /** Replaces {@code ${Name}} with DefinitionSubstitutions values. */
    public static String substitute(String definition, Map<String, String> substitutions) {
        if (substitutions == null || substitutions.isEmpty()) {
            return definition;
        }
        Matcher m = Pattern.compile("\\$\\{([^}]+)}").matcher(definition);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = substitutions.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(v != null ? v : m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Parses and compiles; throws InvalidDefinitionException listing every problem found. */
    public static Program compile(String definitionJson) {
        Object parsed;
        try {
            parsed = Json.parse(definitionJson);
        } catch (IllegalArgumentException e) {
            throw new InvalidDefinitionException(List.of("INVALID_JSON_DESCRIPTION: " + e.getMessage()));
        }
        return compile(parsed);
    }

    public static Program compile(Object definition) {
        Definitions d = new Definitions();
        if (!(definition instanceof Map<?, ?> m)) {
            throw new InvalidDefinitionException(List.of("SCHEMA_VALIDATION_FAILED: The definition must be a JSON object at /"));
        }
        State.Language lang = State.Language.JSONPATH;
        Object ql = m.get("QueryLanguage");
        if (ql != null) {
            lang = d.language(ql, "/QueryLanguage", State.Language.JSONPATH);
        }
        for (Object k : m.keySet()) {
            if (!Set.of("StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage").contains(k)) {
                d.problems.add("SCHEMA_VALIDATION_FAILED: The field '" + k + "' is not supported by Step Functions at /");
            }
        }
        Program p = d.program(m, "", lang);
        if (!d.problems.isEmpty()) {
            throw new InvalidDefinitionException(d.problems);
        }
        return p;
    }

    private State.Language language(Object ql, String at, State.Language dflt) {
        if ("JSONata".equals(ql)) {
            return State.Language.JSONATA;
        }
        if ("JSONPath".equals(ql)) {
            return State.Language.JSONPATH;
        }
        problems.add("SCHEMA_VALIDATION_FAILED: The value for the field 'QueryLanguage' must be one of [JSONPath, JSONata] at " + at);
        return dflt;
    }

    private Program program(Map<?, ?> m, String at, State.Language lang) {
        boolean outerBlocking = blocking;
        blocking = false;
        Object startAt = m.get("StartAt");
        Object statesObj = m.get("States");
        if (!(startAt instanceof String)) {
            problems.add("SCHEMA_VALIDATION_FAILED: The field 'StartAt' is required and must be a string at " + at + "/StartAt");
        }
        if (!(statesObj instanceof Map<?, ?> states) || states.isEmpty()) {
            problems.add("SCHEMA_VALIDATION_FAILED: The field 'States' is required and must be a non-empty object at " + at + "/States");
            blocking = outerBlocking;
            return new Program(String.valueOf(startAt), null, Map.of(), false, null);
        }
        Map<String, State> compiled = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : states.entrySet()) {
            String name = (String) e.getKey();
            String sat = at + "/States/" + name;
            if (name.length() > 80) {
                problems.add("SCHEMA_VALIDATION_FAILED: State names must be at most 80 characters at " + sat);
            }
            if (!(e.getValue() instanceof Map<?, ?> sm)) {
                problems.add("SCHEMA_VALIDATION_FAILED: The state must be an object at " + sat);
                continue;
            }
            State s = state(name, sm, sat, lang);
            if (s != null) {
                compiled.put(name, s);
            }
        }
        // transitions
        for (State s : compiled.values()) {
            String sat = at + "/States/" + s.name;
            if (s.next != null) {
                s.nextState = compiled.get(s.next);
                if (s.nextState == null) {
                    problems.add("MISSING_TRANSITION_TARGET: Missing 'Next' target: " + s.next + " at " + sat + "/Next");
                }
            }
            if (s instanceof State.Choice c) {
                c.targets = new LinkedHashMap<>();
                int i = 0;
                for (State.ChoiceRule r : c.choices) {
                    link(compiled, c.targets, r.next(), sat + "/Choices/" + i++ + "/Next");
                }
                if (c.defaultNext != null) {
                    link(compiled, c.targets, c.defaultNext, sat + "/Default");
                }
            }
            if (!s.catchers.isEmpty()) {
                s.catchTargets = new LinkedHashMap<>();
                int i = 0;
                for (State.Catcher c : s.catchers) {
                    link(compiled, s.catchTargets, c.next(), sat + "/Catch/" + i++ + "/Next");
                }
            }
        }
        State start = startAt instanceof String sa ? compiled.get(sa) : null;
        if (startAt instanceof String sa && start == null) {
            problems.add("MISSING_TRANSITION_TARGET: Missing 'StartAt' target: " + sa + " at " + at + "/StartAt");
        }
        if (start != null) {
            Set<String> reached = new HashSet<>();
            reach(start, compiled, reached);
            for (String n : compiled.keySet()) {
                if (!reached.contains(n)) {
                    problems.add("UNREACHABLE_STATE: State \"" + n + "\" is not reachable. at " + at + "/States/" + n);
                }
            }
        }
        Integer timeout = m.get("TimeoutSeconds") instanceof Number n ? n.intValue() : null;
        Program p = new Program((String) startAt, start, compiled, blocking, timeout);
        blocking = outerBlocking || blocking;
        return p;
    }

    private void link(Map<String, State> states, Map<String, State> targets, String next, String at) {
        State t = states.get(next);
        if (t == null) {
            problems.add("MISSING_TRANSITION_TARGET: Missing 'Next' target: " + next + " at " + at);
        } else {
            targets.put(next, t);
        }
    }

    private void reach(State s, Map<String, State> states, Set<String> reached) {
        if (s == null || !reached.add(s.name)) {
            return;
        }
        if (s.nextState != null) {
            reach(s.nextState, states, reached);
        }
        if (s instanceof State.Choice c && c.targets != null) {
            for (State t : c.targets.values()) {
                reach(t, states, reached);
            }
        }
        if (s.catchTargets != null) {
            for (State t : s.catchTargets.values()) {
                reach(t, states, reached);
            }
        }
    }

    private State state(String name, Map<?, ?> m, String at, State.Language inherited) {
        Object type = m.get("Type");
        if (!(type instanceof String t) || !FIELDS.containsKey(t)) {
            problems.add("SCHEMA_VALIDATION_FAILED: The field 'Type' must be one of [Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map] at " + at + "/Type");
            return null;
        }
        State.Language lang = m.containsKey("QueryLanguage") ? language(m.get("QueryLanguage"), at + "/QueryLanguage", inherited) : inherited;
        if (inherited == State.Language.JSONATA && lang == State.Language.JSONPATH) {
            problems.add("SCHEMA_VALIDATION_FAILED: The QueryLanguage of a state cannot be JSONPath when the state machine uses JSONata at " + at + "/QueryLanguage");
        }
        Set<String> allowed = FIELDS.get(t);
        for (Object k : m.keySet()) {
            String key = (String) k;
            if (!COMMON.contains(key) && !allowed.contains(key)) {
                problems.add("SCHEMA_VALIDATION_FAILED: The field '" + key + "' is not supported by Step Functions at " + at);
            } else if (lang == State.Language.JSONATA && JSONPATH_ONLY.contains(key)) {
                problems.add("SCHEMA_VALIDATION_FAILED: The field '" + key + "' is not supported for JSONata states at " + at);
            } else if (lang == State.Language.JSONPATH && JSONATA_ONLY.contains(key)) {
                problems.add("SCHEMA_VALIDATION_FAILED: The field '" + key + "' is not supported for JSONPath states at " + at
                        + " (set QueryLanguage to JSONata)");
            }
        }
        State s;
        switch (t) {
            case "Pass": {
                State.Pass p = new State.Pass(name, lang);
                if (m.containsKey("Result")) {
                    p.hasResult = true;
                    p.result = m.get("Result");
                }
                s = p;
                break;
            }
            case "Task":
                s = task(name, m, at, lang);
                break;
            case "Choice":
                s = choice(name, m, at, lang);
                break;
            case "Wait":
                s = waitState(name, m, at, lang);
                break;
            case "Succeed":
                s = new State.Succeed(name, lang);
                break;
            case "Fail":
                s = fail(name, m, at, lang);
                break;
            case "Parallel": {
                State.Parallel p = new State.Parallel(name, lang);
                p.branches = new ArrayList<>();
                if (!(m.get("Branches") instanceof List<?> bs) || bs.isEmpty()) {
                    problems.add("SCHEMA_VALIDATION_FAILED: The field 'Branches' is required and must be a non-empty array at " + at + "/Branches");
                } else {
                    int i = 0;
                    for (Object b : bs) {
                        if (b instanceof Map<?, ?> bm) {
                            State.Language bl = bm.containsKey("QueryLanguage") ? language(bm.get("QueryLanguage"), at, lang) : lang;
                            p.branches.add(program(bm, at + "/Branches[" + i + "]", bl));
                        } else {
                            problems.add("SCHEMA_VALIDATION_FAILED: A branch must be an object at " + at + "/Branches[" + i + "]");
                        }
                        i++;
                    }
                }
                s = p;
                break;
            }
            default:
                s = map(name, m, at, lang);
        }
        common(s, m, at);
        return s;
    }

    private void common(State s, Map<?, ?> m, String at) {
        boolean terminal = s instanceof State.Choice || s instanceof State.Succeed || s instanceof State.Fail;
        Object next = m.get("Next");
        Object end = m.get("End");
        if (!terminal) {
            if (next != null && end != null) {
                problems.add("SCHEMA_VALIDATION_FAILED: Only one of 'Next' or 'End' can be present at " + at);
            } else if (next == null && !Boolean.TRUE.equals(end)) {
                problems.add("SCHEMA_VALIDATION_FAILED: These fields are required: [Next or End] at " + at);
            }
            if (next != null && !(next instanceof String)) {
                problems.add("SCHEMA_VALIDATION_FAILED: The value for the field 'Next' must be a STRING at " + at + "/Next");
            }
            s.next = next instanceof String ns ? ns : null;
            s.end = Boolean.TRUE.equals(end);
        }
        if (s.jsonata()) {
            if (m.containsKey("Output")) {
                s.output = jsonataTemplate(m.get("Output"), "Output", at);
            }
            if (m.containsKey("Arguments")) {
                s.arguments = jsonataTemplate(m.get("Arguments"), "Arguments", at);
            }
            if (m.containsKey("Assign")) {
                s.assign = assign(m.get("Assign"), at, true);
            }
        } else {
            if (m.containsKey("InputPath")) {
                s.inputNull = m.get("InputPath") == null;
                s.inputPath = s.inputNull ? null : path(m.get("InputPath"), "InputPath", at);
            }
            if (m.containsKey("OutputPath")) {
                s.outputNull = m.get("OutputPath") == null;
                s.outputPath = s.outputNull ? null : path(m.get("OutputPath"), "OutputPath", at);
            }
            if (m.containsKey("ResultPath")) {
                s.resultDiscard = m.get("ResultPath") == null;
                s.resultPath = s.resultDiscard ? null : resultPath(m.get("ResultPath"), at + "/ResultPath");
            }
            if (m.containsKey("Parameters")) {
                s.parameters = jsonPathTemplate(m.get("Parameters"), "Parameters", at);
            }
            if (m.containsKey("ResultSelector")) {
                s.resultSelector = jsonPathTemplate(m.get("ResultSelector"), "ResultSelector", at);
            }
            if (m.containsKey("Assign")) {
                s.assign = assign(m.get("Assign"), at, false);
            }
        }
        if (m.containsKey("Retry")) {
            s.retry = retriers(m.get("Retry"), at + "/Retry");
        }
        if (m.containsKey("Catch")) {
            s.catchers = catchers(m.get("Catch"), at + "/Catch", s.jsonata());
        }
    }

    private Path resultPath(Object v, String at) {
        if (!(v instanceof String s) || !s.startsWith("$") || s.startsWith("$$")) {
            problems.add("SCHEMA_VALIDATION_FAILED: The value for the field 'ResultPath' must be a valid reference path at " + at);
            return null;
        }
        try {
            Path p = Path.compile(s);
            if (!p.isDefinite() || p.root() != Path.Root.INPUT) {
                problems.add("SCHEMA_VALIDATION_FAILED: The value for the field 'ResultPath' must be a valid reference path at " + at);
            }
            return p;
        } catch (IllegalArgumentException e) {
            problems.add("SCHEMA_VALIDATION_FAILED: The value for the field 'ResultPath' must be a valid reference path at " + at);
            return null;
        }
    }

    private Path path(Object v, String field, String at) {
        if (!(v instanceof String s)) {
            problems.add("SCHEMA_VALIDATION_FAILED: The value for the field '" + field + "' must be a STRING at " + at + "/" + field);
            return null;
        }
        try {
            return Path.compile(s);
        } catch (IllegalArgumentException e) {
            problems.add("SCHEMA_VALIDATION_FAILED: The value for the field '" + field + "' must be a valid JSONPath at " + at + "/" + field);
            return null;
        }
    }

    private Template jsonPathTemplate(Object v, String field, String at) {
        try {
            return Template.jsonPath(v, field);
        } catch (IllegalArgumentException e) {
            problems.add("SCHEMA_VALIDATION_FAILED: " + e.getMessage().replace(" at /" + field, "") + " at " + at + "/" + field);
            return new Template.Constant(v);
        }
    }

    private Template jsonataTemplate(Object v, String field, String at) {
        try {
            return Template.jsonata(v, field);
        } catch (IllegalArgumentException e) {
            problems.add("SCHEMA_VALIDATION_FAILED: " + e.getMessage() + " at " + at + "/" + field);
            return new Template.Constant(v);
        }
    }

    private Template assign(Object v, String at, boolean jsonata) {
        if (!(v instanceof Map<?, ?> m)) {
            problems.add("SCHEMA_VALIDATION_FAILED: The value for the field 'Assign' must be an OBJECT at " + at + "/Assign");
            return new Template.Constant(Map.of());
        }
        for (Object k : m.keySet()) {
            String key = ((String) k).endsWith(".$") ? ((String) k).substring(0, ((String) k).length() - 2) : (String) k;
            if (key.isEmpty() || !Path.isIdentStart(key.charAt(0)) || !key.chars().allMatch(c -> Path.isIdentPart((char) c))) {
                problems.add("SCHEMA_VALIDATION_FAILED: The variable name '" + key + "' is not valid at " + at + "/Assign");
            }
        }
        return jsonata ? jsonataTemplate(v, "Assign", at) : jsonPathTemplate(v, "Assign", at);
    }

    private List<State.Retrier> retriers(Object v, String at) {
        List<State.Retrier> out = new ArrayList<>();
        if (!(v instanceof List<?> l)) {
            problems.add("SCHEMA_VALIDATION_FAILED: The value for the field 'Retry' must be an ARRAY at " + at);
            return out;
        }
        int i = 0;
        for (Object o : l) {
            String rat = at + "[" + i++ + "]";
            if (!(o instanceof Map<?, ?> r)) {
                problems.add("SCHEMA_VALIDATION_FAILED: A retrier must be an object at " + rat);
                continue;
            }
            List<String> errors = errorEquals(r.get("ErrorEquals"), rat);
            double interval = r.get("IntervalSeconds") instanceof Number n ? n.doubleValue() : 1;
            int max = r.get("MaxAttempts") instanceof Number n ? n.intValue() : 3;
            double backoff = r.get("BackoffRate") instanceof Number n ? n.doubleValue() : 2.0;
            Double maxDelay = r.get("MaxDelaySeconds") instanceof Number n ? n.doubleValue() : null;
            boolean jitter = "FULL".equals(r.get("JitterStrategy"));
            if (backoff < 1.0) {
                problems.add("SCHEMA_VALIDATION_FAILED: The value for the field 'BackoffRate' must be >= 1.0 at " + rat + "/BackoffRate");
            }
            if (max < 0) {
                problems.add("SCHEMA_VALIDATION_FAILED: The value for the field 'MaxAttempts' must be >= 0 at " + rat + "/MaxAttempts");
            }
            out.add(new State.Retrier(errors, interval, max, backoff, maxDelay, jitter));
            if (errors.contains(Errors.ALL) && i < l.size()) {
                problems.add("SCHEMA_VALIDATION_FAILED: A retrier with States.ALL must be the last one at " + rat + "/ErrorEquals");
            }
        }
        return out;
    }

    private List<String> errorEquals(Object v, String at) {
        List<String> out = new ArrayList<>();
        if (!(v instanceof List<?> l) || l.isEmpty()) {
            problems.add("SCHEMA_VALIDATION_FAILED: The field 'ErrorEquals' is required and must be a non-empty array at " + at + "/ErrorEquals");
            return out;
        }
        for (Object o : l) {
            out.add(String.valueOf(o));
        }
        if (out.contains(Errors.ALL) && out.size() > 1) {
            problems.add("SCHEMA_VALIDATION_FAILED: States.ALL must appear alone in ErrorEquals at " + at + "/ErrorEquals");
        }
        return out;
    }

    private List<State.Catcher> catchers(Object v, String at, boolean jsonata) {
        List<State.Catcher> out = new ArrayList<>();
        if (!(v instanceof List<?> l)) {
            problems.add("SCHEMA_VALIDATION_FAILED: The value for the field 'Catch' must be an ARRAY at " + at);
            return out;
        }
        int i = 0;
        for (Object o : l) {
            String cat = at + "[" + i++ + "]";
            if (!(o instanceof Map<?, ?> c)) {
                problems.add("SCHEMA_VALIDATION_FAILED: A catcher must be an object at " + cat);
                continue;
            }
            List<String> errors = errorEquals(c.get("ErrorEquals"), cat);
            if (!(c.get("Next") instanceof String next)) {
                problems.add("SCHEMA_VALIDATION_FAILED: The field 'Next' is required at " + cat + "/Next");
                continue;
            }
            Path rp = null;
            boolean discard = false;
            if (c.containsKey("ResultPath")) {
                discard = c.get("ResultPath") == null;
                rp = discard ? null : resultPath(c.get("ResultPath"), cat + "/ResultPath");
            }
            Template output = c.containsKey("Output") ? jsonataTemplate(c.get("Output"), "Output", cat) : null;
            Template assign = c.containsKey("Assign") ? assign(c.get("Assign"), cat, jsonata) : null;
            out.add(new State.Catcher(errors, next, rp, discard, output, assign));
            if (errors.contains(Errors.ALL) && i < l.size()) {
                problems.add("SCHEMA_VALIDATION_FAILED: A catcher with States.ALL must be the last one at " + cat + "/ErrorEquals");
            }
        }
        return out;
    }

    private State task(String name, Map<?, ?> m, String at, State.Language lang) {
        State.Task t = new State.Task(name, lang);
        blocking = true;
        Object r = m.get("Resource");
        if (!(r instanceof String rs)) {
            problems.add("SCHEMA_VALIDATION_FAILED: The field 'Resource' is required and must be a STRING at " + at + "/Resource");
        } else if (!rs.startsWith("arn:") && !JsonataExpression.isExpression(rs)) {
            problems.add("SCHEMA_VALIDATION_FAILED: The value for the field 'Resource' must be a valid ARN at " + at + "/Resource");
        } else {
            t.resource = rs;
        }
        Object to = m.get("TimeoutSeconds");
        if (to instanceof Number n) {
            t.timeoutSeconds = n.intValue();
            if (n.intValue() <= 0) {
                problems.add("SCHEMA_VALIDATION_FAILED: The value for the field 'TimeoutSeconds' must be positive at " + at + "/TimeoutSeconds");
            }
        } else if (to != null) {
            t.timeoutSecondsDynamic = lang == State.Language.JSONATA ? jsonataTemplate(to, "TimeoutSeconds", at) : null;
        }
        if (m.get("TimeoutSecondsPath") instanceof String p) {
            t.timeoutSecondsDynamic = new Template.PathValue("TimeoutSecondsPath", path(p, "TimeoutSecondsPath", at));
        }
        Object hb = m.get("HeartbeatSeconds");
        if (hb instanceof Number n) {
            t.heartbeatSeconds = n.intValue();
            if (t.timeoutSeconds != null && t.heartbeatSeconds >= t.timeoutSeconds) {
                problems.add("SCHEMA_VALIDATION_FAILED: HeartbeatSeconds must be smaller than TimeoutSeconds at " + at + "/HeartbeatSeconds");
            }
        } else if (hb != null && lang == State.Language.JSONATA) {
            t.heartbeatSecondsDynamic = jsonataTemplate(hb, "HeartbeatSeconds", at);
        }
        if (m.get("HeartbeatSecondsPath") instanceof String p) {
            t.heartbeatSecondsDynamic = new Template.PathValue("HeartbeatSecondsPath", path(p, "HeartbeatSecondsPath", at));
        }
        return t;
    }

    private State choice(String name, Map<?, ?> m, String at, State.Language lang) {
        State.Choice c = new State.Choice(name, lang);
        c.choices = new ArrayList<>();
        if (!(m.get("Choices") instanceof List<?> l) || l.isEmpty()) {
            problems.add("SCHEMA_VALIDATION_FAILED: The field 'Choices' is required and must be a non-empty array at " + at + "/Choices");
        } else {
            int i = 0;
            for (Object o : l) {
                String rat = at + "/Choices/" + i++;
                if (!(o instanceof Map<?, ?> r)) {
                    problems.add("SCHEMA_VALIDATION_FAILED: A choice rule must be an object at " + rat);
                    continue;
                }
                if (!(r.get("Next") instanceof String next)) {
                    problems.add("SCHEMA_VALIDATION_FAILED: The field 'Next' is required at " + rat + "/Next");
                    continue;
                }
                Condition cond;
                if (lang == State.Language.JSONATA) {
                    Object ce = r.get("Condition");
                    if (ce instanceof Boolean b) {
                        cond = b ? new Condition.And(new Condition[0]) : new Condition.Or(new Condition[0]);
                    } else if (!JsonataExpression.isExpression(ce)) {
                        problems.add("SCHEMA_VALIDATION_FAILED: The field 'Condition' is required and must be a JSONata expression at " + rat + "/Condition");
                        continue;
                    } else {
                        try {
                            cond = new Condition.JsonataCondition(JsonataExpression.compile((String) ce, "Condition"));
                        } catch (IllegalArgumentException e) {
                            problems.add("SCHEMA_VALIDATION_FAILED: " + e.getMessage() + " at " + rat + "/Condition");
                            continue;
                        }
                    }
                } else {
                    if (r.containsKey("Condition")) {
                        problems.add("SCHEMA_VALIDATION_FAILED: The field 'Condition' is supported only for JSONata states at " + rat + "/Condition");
                        continue;
                    }
                    cond = Condition.compileJsonPath(r, rat, problems);
                }
                Template assign = r.containsKey("Assign") ? assign(r.get("Assign"), rat, lang == State.Language.JSONATA) : null;
                Template output = r.containsKey("Output") ? jsonataTemplate(r.get("Output"), "Output", rat) : null;
                c.choices.add(new State.ChoiceRule(cond, next, assign, output));
            }
        }
        if (m.containsKey("Default")) {
            if (m.get("Default") instanceof String d) {
                c.defaultNext = d;
            } else {
                problems.add("SCHEMA_VALIDATION_FAILED: The value for the field 'Default' must be a STRING at " + at + "/Default");
            }
        }
        return c;
    }

    private State waitState(String name, Map<?, ?> m, String at, State.Language lang) {
        State.Wait w = new State.Wait(name, lang);
        int count = 0;
        for (String f : List.of("Seconds", "SecondsPath", "Timestamp", "TimestampPath")) {
            if (m.containsKey(f)) {
                count++;
            }
        }
        if (count != 1) {
            problems.add("SCHEMA_VALIDATION_FAILED: Exactly one of Seconds, SecondsPath, Timestamp, TimestampPath is required at " + at);
        }
        Object sec = m.get("Seconds");
        if (sec != null) {
            if (JsonataExpression.isExpression(sec) && lang == State.Language.JSONATA) {
                w.seconds = compileExpr((String) sec, "Seconds", at);
            } else if (sec instanceof Number n && Json.isIntegral(n) && n.longValue() >= 0) {
                w.seconds = n;
            } else {
                problems.add("SCHEMA_VALIDATION_FAILED: The value for the field 'Seconds' must be a non-negative integer at " + at + "/Seconds");
            }
        }
        Object ts = m.get("Timestamp");
        if (ts != null) {
            if (JsonataExpression.isExpression(ts) && lang == State.Language.JSONATA) {
                w.timestamp = compileExpr((String) ts, "Timestamp", at);
            } else if (ts instanceof String s && Condition.timestamp(s) != null) {
                w.timestamp = s;
            } else {
                problems.add("SCHEMA_VALIDATION_FAILED: The value for the field 'Timestamp' must be a valid ISO-8601 timestamp at " + at + "/Timestamp");
            }
        }
        if (m.containsKey("SecondsPath")) {
            w.secondsPath = path(m.get("SecondsPath"), "SecondsPath", at);
        }
        if (m.containsKey("TimestampPath")) {
            w.timestampPath = path(m.get("TimestampPath"), "TimestampPath", at);
        }
        return w;
    }

    private JsonataExpression compileExpr(String text, String field, String at) {
        try {
            return JsonataExpression.compile(text, field);
        } catch (IllegalArgumentException e) {
            problems.add("SCHEMA_VALIDATION_FAILED: " + e.getMessage() + " at " + at + "/" + field);
            return null;
        }
    }

    private State fail(String name, Map<?, ?> m, String at, State.Language lang) {
        State.Fail f = new State.Fail(name, lang);
        for (String field : List.of("Error", "Cause")) {
            Object v = m.get(field);
            if (v == null) {
                continue;
            }
            Object compiled;
            if (lang == State.Language.JSONATA && JsonataExpression.isExpression(v)) {
                compiled = compileExpr((String) v, field, at);
            } else if (v instanceof String) {
                compiled = v;
            } else {
                problems.add("SCHEMA_VALIDATION_FAILED: The value for the field '" + field + "' must be a STRING at " + at + "/" + field);
                continue;
            }
            if (field.equals("Error")) {
                f.error = compiled;
            } else {
                f.cause = compiled;
            }
        }
        for (String field : List.of("ErrorPath", "CausePath")) {
            Object v = m.get(field);
            if (v == null) {
                continue;
            }
            if (m.containsKey(field.substring(0, field.length() - 4))) {
                problems.add("SCHEMA_VALIDATION_FAILED: Only one of '" + field.substring(0, field.length() - 4) + "' or '" + field + "' can be present at " + at);
            }
            if (!(v instanceof String s)) {
                problems.add("SCHEMA_VALIDATION_FAILED: The value for the field '" + field + "' must be a STRING at " + at + "/" + field);
                continue;
            }
            Template t;
            try {
                t = Template.dynamic(s, field, at);
            } catch (IllegalArgumentException e) {
                problems.add("SCHEMA_VALIDATION_FAILED: The value for the field '" + field + "' must be a valid JSONPath or intrinsic function at " + at + "/" + field);
                continue;
            }
            if (field.equals("ErrorPath")) {
                f.errorPath = t;
            } else {
                f.causePath = t;
            }
        }
        return f;
    }

    private State map(String name, Map<?, ?> m, String at, State.Language lang) {
        State.MapState s = new State.MapState(name, lang);
        Object proc = m.containsKey("ItemProcessor") ? m.get("ItemProcessor") : m.get("Iterator");
        String procField = m.containsKey("ItemProcessor") ? "ItemProcessor" : "Iterator";
        if (!(proc instanceof Map<?, ?> pm)) {
            problems.add("SCHEMA_VALIDATION_FAILED: The field 'ItemProcessor' is required at " + at + "/ItemProcessor");
        } else {
            if (pm.get("ProcessorConfig") instanceof Map<?, ?> cfg) {
                s.distributed = "DISTRIBUTED".equals(cfg.get("Mode"));
                s.executionType = cfg.get("ExecutionType") instanceof String et ? et : null;
            }
            State.Language pl = pm.containsKey("QueryLanguage") ? language(pm.get("QueryLanguage"), at, lang) : lang;
            s.processor = program(pm, at + "/" + procField, pl);
        }
        s.label = m.get("Label") instanceof String l ? l : name;
        s.unsupported = m.containsKey("ResultWriter") ? "ResultWriter" : null;
        if (m.containsKey("ItemReader")) {
            if (!(m.get("ItemReader") instanceof Map<?, ?> reader) || !(reader.get("Resource") instanceof String resource)) {
                problems.add("SCHEMA_VALIDATION_FAILED: The field 'ItemReader' needs a 'Resource' at " + at + "/ItemReader");
            } else {
                s.readerResource = resource;
                Object params = reader.containsKey("Arguments") ? reader.get("Arguments") : reader.get("Parameters");
                if (params != null) {
                    s.readerParameters = lang == State.Language.JSONATA ? jsonataTemplate(params, "ItemReader/Arguments", at)
                            : jsonPathTemplate(params, "ItemReader/Parameters", at);
                }
                if (reader.get("ReaderConfig") instanceof Map<?, ?> cfg) {
                    s.readerConfig = cfg;
                }
                if (!resource.equals("arn:aws:states:::s3:getObject") && !resource.equals("arn:aws:states:::s3:listObjectsV2")) {
                    problems.add("SCHEMA_VALIDATION_FAILED: The ItemReader resource must be arn:aws:states:::s3:getObject or "
                            + "arn:aws:states:::s3:listObjectsV2 at " + at + "/ItemReader/Resource");
                }
            }
        }
        if (m.get("ItemBatcher") instanceof Map<?, ?> batcher) {
            s.itemBatcher = batcher;
        }
        if (lang == State.Language.JSONATA) {
            if (m.containsKey("Items")) {
                s.items = jsonataTemplate(m.get("Items"), "Items", at);
            }
            if (m.containsKey("ItemSelector")) {
                s.itemSelector = jsonataTemplate(m.get("ItemSelector"), "ItemSelector", at);
            }
            Object mc = m.get("MaxConcurrency");
            if (mc instanceof Number n) {
                s.maxConcurrency = n.intValue();
            } else if (mc != null) {
                s.maxConcurrencyDynamic = jsonataTemplate(mc, "MaxConcurrency", at);
            }
            Object tc = m.get("ToleratedFailureCount");
            if (tc instanceof Number n) {
                s.toleratedFailureCount = n;
            } else if (tc != null) {
                s.toleratedDynamicCount = jsonataTemplate(tc, "ToleratedFailureCount", at);
            }
            Object tp = m.get("ToleratedFailurePercentage");
            if (tp instanceof Number n) {
                s.toleratedFailurePercentage = n;
            } else if (tp != null) {
                s.toleratedDynamicPercentage = jsonataTemplate(tp, "ToleratedFailurePercentage", at);
            }
        } else {
            if (m.containsKey("ItemsPath")) {
                s.itemsPath = path(m.get("ItemsPath"), "ItemsPath", at);
            }
            if (m.containsKey("ItemSelector")) {
                s.itemSelector = jsonPathTemplate(m.get("ItemSelector"), "ItemSelector", at);
            } else if (m.containsKey("Parameters")) {
                s.itemSelector = jsonPathTemplate(m.get("Parameters"), "Parameters", at);
            }
            if (m.get("MaxConcurrency") instanceof Number n) {
                s.maxConcurrency = n.intValue();
            }
            if (m.containsKey("MaxConcurrencyPath")) {
                s.maxConcurrencyPath = path(m.get("MaxConcurrencyPath"), "MaxConcurrencyPath", at);
            }
            if (m.get("ToleratedFailureCount") instanceof Number n) {
                s.toleratedFailureCount = n;
            }
            if (m.get("ToleratedFailurePercentage") instanceof Number n) {
                s.toleratedFailurePercentage = n;
            }
            if (m.containsKey("ToleratedFailureCountPath")) {
                s.toleratedFailureCountPath = path(m.get("ToleratedFailureCountPath"), "ToleratedFailureCountPath", at);
            }
            if (m.containsKey("ToleratedFailurePercentagePath")) {
                s.toleratedFailurePercentagePath = path(m.get("ToleratedFailurePercentagePath"), "ToleratedFailurePercentagePath", at);
            }
        }
        return s;
    }
}
