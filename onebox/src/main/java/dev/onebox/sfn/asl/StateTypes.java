package dev.onebox.sfn.asl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compiles the fields particular to each type of state: Pass's Result, Task's resource and timeouts, Wait's
 * duration, Fail's error and cause, Parallel's branches and Map's item processor, items and tolerances.
 * Choice has its own class ({@link ChoiceRules}); the fields every state shares are compiled by
 * {@link Definitions}, which also compiles the nested state machines of Parallel and Map.
 */
final class StateTypes {
    /** Compiles a nested state machine (a Parallel branch, a Map item processor) of the state at {@code at}. */
    interface Nested {
        Program compile(Map<?, ?> definition, String at, String programAt, State.Language lang);
    }

    private final FieldCompiler fields;
    private final List<String> problems;
    private final Nested nested;

    StateTypes(FieldCompiler fields, Nested nested) {
        this.fields = fields;
        this.problems = fields.problems;
        this.nested = nested;
    }

    State.Pass pass(String name, Map<?, ?> m, State.Language lang) {
        State.Pass p = new State.Pass(name, lang);
        if (m.containsKey("Result")) {
            p.hasResult = true;
            p.result = m.get("Result");
        }
        return p;
    }

    State.Task task(String name, Map<?, ?> m, String at, State.Language lang) {
        State.Task t = new State.Task(name, lang);
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
            t.timeoutSecondsDynamic = lang == State.Language.JSONATA ? fields.jsonataTemplate(to, "TimeoutSeconds", at) : null;
        }
        if (m.get("TimeoutSecondsPath") instanceof String p) {
            t.timeoutSecondsDynamic = new PayloadTemplate.PathValue("TimeoutSecondsPath", fields.path(p, "TimeoutSecondsPath", at));
        }
        Object hb = m.get("HeartbeatSeconds");
        if (hb instanceof Number n) {
            t.heartbeatSeconds = n.intValue();
            if (t.timeoutSeconds != null && t.heartbeatSeconds >= t.timeoutSeconds) {
                problems.add("SCHEMA_VALIDATION_FAILED: HeartbeatSeconds must be smaller than TimeoutSeconds at " + at + "/HeartbeatSeconds");
            }
        } else if (hb != null && lang == State.Language.JSONATA) {
            t.heartbeatSecondsDynamic = fields.jsonataTemplate(hb, "HeartbeatSeconds", at);
        }
        if (m.get("HeartbeatSecondsPath") instanceof String p) {
            t.heartbeatSecondsDynamic = new PayloadTemplate.PathValue("HeartbeatSecondsPath", fields.path(p, "HeartbeatSecondsPath", at));
        }
        return t;
    }

    State.Wait waitState(String name, Map<?, ?> m, String at, State.Language lang) {
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
                w.seconds = fields.expression((String) sec, "Seconds", at);
            } else if (sec instanceof Number n && Json.isIntegral(n) && n.longValue() >= 0) {
                w.seconds = n;
            } else {
                problems.add("SCHEMA_VALIDATION_FAILED: The value for the field 'Seconds' must be a non-negative integer at " + at + "/Seconds");
            }
        }
        Object ts = m.get("Timestamp");
        if (ts != null) {
            if (JsonataExpression.isExpression(ts) && lang == State.Language.JSONATA) {
                w.timestamp = fields.expression((String) ts, "Timestamp", at);
            } else if (ts instanceof String s && Condition.timestamp(s) != null) {
                w.timestamp = s;
            } else {
                problems.add("SCHEMA_VALIDATION_FAILED: The value for the field 'Timestamp' must be a valid ISO-8601 timestamp at " + at + "/Timestamp");
            }
        }
        if (m.containsKey("SecondsPath")) {
            w.secondsPath = fields.path(m.get("SecondsPath"), "SecondsPath", at);
        }
        if (m.containsKey("TimestampPath")) {
            w.timestampPath = fields.path(m.get("TimestampPath"), "TimestampPath", at);
        }
        return w;
    }

    State.Fail fail(String name, Map<?, ?> m, String at, State.Language lang) {
        State.Fail f = new State.Fail(name, lang);
        for (String field : List.of("Error", "Cause")) {
            Object v = m.get(field);
            if (v == null) {
                continue;
            }
            Object compiled;
            if (lang == State.Language.JSONATA && JsonataExpression.isExpression(v)) {
                compiled = fields.expression((String) v, field, at);
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
            PayloadTemplate t;
            try {
                t = PayloadTemplate.dynamic(s, field, at);
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

    State.Parallel parallel(String name, Map<?, ?> m, String at, State.Language lang) {
        State.Parallel p = new State.Parallel(name, lang);
        p.branches = new ArrayList<>();
        if (!(m.get("Branches") instanceof List<?> bs) || bs.isEmpty()) {
            problems.add("SCHEMA_VALIDATION_FAILED: The field 'Branches' is required and must be a non-empty array at " + at + "/Branches");
        } else {
            int i = 0;
            for (Object b : bs) {
                if (b instanceof Map<?, ?> bm) {
                    p.branches.add(nested.compile(bm, at, at + "/Branches[" + i + "]", lang));
                } else {
                    problems.add("SCHEMA_VALIDATION_FAILED: A branch must be an object at " + at + "/Branches[" + i + "]");
                }
                i++;
            }
        }
        return p;
    }

    State.MapState map(String name, Map<?, ?> m, String at, State.Language lang) {
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
            s.processor = nested.compile(pm, at, at + "/" + procField, lang);
        }
        s.label = m.get("Label") instanceof String l ? l : name;
        if (m.containsKey("ResultWriter")) {
            resultWriter(s, m.get("ResultWriter"), at, lang);
        }
        if (m.containsKey("ItemReader")) {
            itemReader(s, m.get("ItemReader"), at, lang);
        }
        if (m.get("ItemBatcher") instanceof Map<?, ?> batcher) {
            s.itemBatcher = lang == State.Language.JSONATA ? fields.jsonataTemplate(batcher, "ItemBatcher", at)
                    : fields.jsonPathTemplate(batcher, "ItemBatcher", at);
        }
        if (lang == State.Language.JSONATA) {
            jsonataItems(s, m, at);
        } else {
            jsonPathItems(s, m, at);
        }
        return s;
    }

    /** ResultWriter: Resource + Parameters/Arguments (Bucket, Prefix) and/or WriterConfig (Transformation, OutputType). */
    private void resultWriter(State.MapState s, Object v, String at, State.Language lang) {
        String where = at + "/ResultWriter";
        if (!(v instanceof Map<?, ?> writer) || writer.isEmpty()) {
            problems.add("SCHEMA_VALIDATION_FAILED: The field 'ResultWriter' needs a 'Resource' and 'Parameters', or a "
                    + "'WriterConfig' at " + where);
            return;
        }
        Map<?, ?> config = writer.get("WriterConfig") instanceof Map<?, ?> c ? c : Map.of();
        s.writerConfig = config;
        if (config.get("Transformation") != null && !List.of("NONE", "COMPACT", "FLATTEN").contains(config.get("Transformation"))) {
            problems.add("SCHEMA_VALIDATION_FAILED: The value of 'Transformation' must be NONE, COMPACT or FLATTEN at "
                    + where + "/WriterConfig/Transformation");
        }
        if (config.get("OutputType") != null && !List.of("JSON", "JSONL").contains(config.get("OutputType"))) {
            problems.add("SCHEMA_VALIDATION_FAILED: The value of 'OutputType' must be JSON or JSONL at "
                    + where + "/WriterConfig/OutputType");
        }
        Object resource = writer.get("Resource");
        Object params = writer.containsKey("Arguments") ? writer.get("Arguments") : writer.get("Parameters");
        if (resource == null && params == null) {
            if (writer.get("WriterConfig") == null) {
                problems.add("SCHEMA_VALIDATION_FAILED: The field 'ResultWriter' needs a 'Resource' and 'Parameters', or a "
                        + "'WriterConfig' at " + where);
            }
            return;
        }
        if (!"arn:aws:states:::s3:putObject".equals(resource)) {
            problems.add("SCHEMA_VALIDATION_FAILED: The ResultWriter resource must be arn:aws:states:::s3:putObject at "
                    + where + "/Resource");
            return;
        }
        if (params == null) {
            problems.add("SCHEMA_VALIDATION_FAILED: The field 'ResultWriter' needs 'Parameters' with a 'Bucket' at " + where);
            return;
        }
        s.writerResource = (String) resource;
        s.writerParameters = lang == State.Language.JSONATA ? fields.jsonataTemplate(params, "ResultWriter/Arguments", at)
                : fields.jsonPathTemplate(params, "ResultWriter/Parameters", at);
    }

    private void itemReader(State.MapState s, Object v, String at, State.Language lang) {
        if (!(v instanceof Map<?, ?> reader) || !(reader.get("Resource") instanceof String resource)) {
            problems.add("SCHEMA_VALIDATION_FAILED: The field 'ItemReader' needs a 'Resource' at " + at + "/ItemReader");
            return;
        }
        s.readerResource = resource;
        Object params = reader.containsKey("Arguments") ? reader.get("Arguments") : reader.get("Parameters");
        if (params != null) {
            s.readerParameters = lang == State.Language.JSONATA ? fields.jsonataTemplate(params, "ItemReader/Arguments", at)
                    : fields.jsonPathTemplate(params, "ItemReader/Parameters", at);
        }
        if (reader.get("ReaderConfig") instanceof Map<?, ?> cfg) {
            s.readerConfig = cfg;
        }
        if (!resource.equals("arn:aws:states:::s3:getObject") && !resource.equals("arn:aws:states:::s3:listObjectsV2")) {
            problems.add("SCHEMA_VALIDATION_FAILED: The ItemReader resource must be arn:aws:states:::s3:getObject or "
                    + "arn:aws:states:::s3:listObjectsV2 at " + at + "/ItemReader/Resource");
        }
    }

    /** Items, ItemSelector, MaxConcurrency and the tolerated failures of a JSONata Map: numbers or expressions. */
    private void jsonataItems(State.MapState s, Map<?, ?> m, String at) {
        if (m.containsKey("Items")) {
            s.items = fields.jsonataTemplate(m.get("Items"), "Items", at);
        }
        if (m.containsKey("ItemSelector")) {
            s.itemSelector = fields.jsonataTemplate(m.get("ItemSelector"), "ItemSelector", at);
        }
        Object mc = m.get("MaxConcurrency");
        if (mc instanceof Number n) {
            s.maxConcurrency = n.intValue();
        } else if (mc != null) {
            s.maxConcurrencyDynamic = fields.jsonataTemplate(mc, "MaxConcurrency", at);
        }
        Object tc = m.get("ToleratedFailureCount");
        if (tc instanceof Number n) {
            s.toleratedFailureCount = n;
        } else if (tc != null) {
            s.toleratedDynamicCount = fields.jsonataTemplate(tc, "ToleratedFailureCount", at);
        }
        Object tp = m.get("ToleratedFailurePercentage");
        if (tp instanceof Number n) {
            s.toleratedFailurePercentage = n;
        } else if (tp != null) {
            s.toleratedDynamicPercentage = fields.jsonataTemplate(tp, "ToleratedFailurePercentage", at);
        }
    }

    /** ItemsPath, ItemSelector (or Parameters), MaxConcurrency and the tolerated failures of a JSONPath Map. */
    private void jsonPathItems(State.MapState s, Map<?, ?> m, String at) {
        if (m.containsKey("ItemsPath")) {
            s.itemsPath = fields.path(m.get("ItemsPath"), "ItemsPath", at);
        }
        if (m.containsKey("ItemSelector")) {
            s.itemSelector = fields.jsonPathTemplate(m.get("ItemSelector"), "ItemSelector", at);
        } else if (m.containsKey("Parameters")) {
            s.itemSelector = fields.jsonPathTemplate(m.get("Parameters"), "Parameters", at);
        }
        if (m.get("MaxConcurrency") instanceof Number n) {
            s.maxConcurrency = n.intValue();
        }
        if (m.containsKey("MaxConcurrencyPath")) {
            s.maxConcurrencyPath = fields.path(m.get("MaxConcurrencyPath"), "MaxConcurrencyPath", at);
        }
        if (m.get("ToleratedFailureCount") instanceof Number n) {
            s.toleratedFailureCount = n;
        }
        if (m.get("ToleratedFailurePercentage") instanceof Number n) {
            s.toleratedFailurePercentage = n;
        }
        if (m.containsKey("ToleratedFailureCountPath")) {
            s.toleratedFailureCountPath = fields.path(m.get("ToleratedFailureCountPath"), "ToleratedFailureCountPath", at);
        }
        if (m.containsKey("ToleratedFailurePercentagePath")) {
            s.toleratedFailurePercentagePath = fields.path(m.get("ToleratedFailurePercentagePath"), "ToleratedFailurePercentagePath", at);
        }
    }
}
