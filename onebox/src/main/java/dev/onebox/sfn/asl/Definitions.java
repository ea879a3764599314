package dev.onebox.sfn.asl;

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
 * This class reads the state graph (StartAt, States, the transitions between them and which
 * states are reachable), checks each state's Type, QueryLanguage and allowed fields, and compiles
 * the fields every state shares (Next/End, input and output processing, Retry and Catch); the
 * fields particular to a type are compiled by {@link StateTypes} and {@link ChoiceRules}, Retry
 * and Catch by {@link ErrorHandlers}, single field values by {@link FieldCompiler}.
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

    private final FieldCompiler fields = new FieldCompiler();
    private final List<String> problems = fields.problems;
    private final ErrorHandlers errorHandlers = new ErrorHandlers(fields);
    private final ChoiceRules choiceRules = new ChoiceRules(fields);
    private final StateTypes types = new StateTypes(fields, this::nested);
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
            lang = d.fields.language(ql, "/QueryLanguage", State.Language.JSONPATH);
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
        Program p = new Program(String.valueOf(startAt), start, compiled, blocking, timeout);
        blocking = outerBlocking || blocking;
        return p;
    }

    /** Compiles a Parallel branch or a Map item processor of the state at {@code at}; it may set its own QueryLanguage. */
    private Program nested(Map<?, ?> m, String at, String programAt, State.Language lang) {
        State.Language nl = m.containsKey("QueryLanguage") ? fields.language(m.get("QueryLanguage"), at, lang) : lang;
        return program(m, programAt, nl);
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
        State.Language lang = m.containsKey("QueryLanguage") ? fields.language(m.get("QueryLanguage"), at + "/QueryLanguage", inherited) : inherited;
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
        State s = switch (t) {
            case "Pass" -> types.pass(name, m, lang);
            case "Task" -> {
                blocking = true;
                yield types.task(name, m, at, lang);
            }
            case "Choice" -> choiceRules.choice(name, m, at, lang);
            case "Wait" -> types.waitState(name, m, at, lang);
            case "Succeed" -> new State.Succeed(name, lang);
            case "Fail" -> types.fail(name, m, at, lang);
            case "Parallel" -> types.parallel(name, m, at, lang);
            default -> types.map(name, m, at, lang);
        };
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
                s.output = fields.jsonataTemplate(m.get("Output"), "Output", at);
            }
            if (m.containsKey("Arguments")) {
                s.arguments = fields.jsonataTemplate(m.get("Arguments"), "Arguments", at);
            }
            if (m.containsKey("Assign")) {
                s.assign = fields.assign(m.get("Assign"), at, true);
            }
        } else {
            if (m.containsKey("InputPath")) {
                s.inputNull = m.get("InputPath") == null;
                s.inputPath = s.inputNull ? null : fields.path(m.get("InputPath"), "InputPath", at);
            }
            if (m.containsKey("OutputPath")) {
                s.outputNull = m.get("OutputPath") == null;
                s.outputPath = s.outputNull ? null : fields.path(m.get("OutputPath"), "OutputPath", at);
            }
            if (m.containsKey("ResultPath")) {
                s.resultDiscard = m.get("ResultPath") == null;
                s.resultPath = s.resultDiscard ? null : fields.resultPath(m.get("ResultPath"), at + "/ResultPath");
            }
            if (m.containsKey("Parameters")) {
                s.parameters = fields.jsonPathTemplate(m.get("Parameters"), "Parameters", at);
            }
            if (m.containsKey("ResultSelector")) {
                s.resultSelector = fields.jsonPathTemplate(m.get("ResultSelector"), "ResultSelector", at);
            }
            if (m.containsKey("Assign")) {
                s.assign = fields.assign(m.get("Assign"), at, false);
            }
        }
        if (m.containsKey("Retry")) {
            s.retry = errorHandlers.retriers(m.get("Retry"), at + "/Retry");
        }
        if (m.containsKey("Catch")) {
            s.catchers = errorHandlers.catchers(m.get("Catch"), at + "/Catch", s.jsonata());
        }
    }
}
