package dev.onebox.sfn.asl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compiles the value of one field of a definition (a path, a reference path, a payload template, a JSONata
 * expression, an Assign block, a QueryLanguage) and collects the problems of the whole definition, each
 * with its location ("/States/Foo/InputPath"). A field that does not compile yields a placeholder so that
 * compiling goes on and every problem is reported at once.
 */
final class FieldCompiler {
    final List<String> problems = new ArrayList<>();

    State.Language language(Object ql, String at, State.Language dflt) {
        if ("JSONata".equals(ql)) {
            return State.Language.JSONATA;
        }
        if ("JSONPath".equals(ql)) {
            return State.Language.JSONPATH;
        }
        problems.add("SCHEMA_VALIDATION_FAILED: The value for the field 'QueryLanguage' must be one of [JSONPath, JSONata] at " + at);
        return dflt;
    }

    Path resultPath(Object v, String at) {
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

    Path path(Object v, String field, String at) {
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

    PayloadTemplate jsonPathTemplate(Object v, String field, String at) {
        try {
            return PayloadTemplate.jsonPath(v, field);
        } catch (IllegalArgumentException e) {
            problems.add("SCHEMA_VALIDATION_FAILED: " + e.getMessage().replace(" at /" + field, "") + " at " + at + "/" + field);
            return new PayloadTemplate.Constant(v);
        }
    }

    PayloadTemplate jsonataTemplate(Object v, String field, String at) {
        try {
            return PayloadTemplate.jsonata(v, field);
        } catch (IllegalArgumentException e) {
            problems.add("SCHEMA_VALIDATION_FAILED: " + e.getMessage() + " at " + at + "/" + field);
            return new PayloadTemplate.Constant(v);
        }
    }

    JsonataExpression expression(String text, String field, String at) {
        try {
            return JsonataExpression.compile(text, field);
        } catch (IllegalArgumentException e) {
            problems.add("SCHEMA_VALIDATION_FAILED: " + e.getMessage() + " at " + at + "/" + field);
            return null;
        }
    }

    PayloadTemplate assign(Object v, String at, boolean jsonata) {
        if (!(v instanceof Map<?, ?> m)) {
            problems.add("SCHEMA_VALIDATION_FAILED: The value for the field 'Assign' must be an OBJECT at " + at + "/Assign");
            return new PayloadTemplate.Constant(Map.of());
        }
        for (Object k : m.keySet()) {
            String key = ((String) k).endsWith(".$") ? ((String) k).substring(0, ((String) k).length() - 2) : (String) k;
            if (key.isEmpty() || !Path.isIdentStart(key.charAt(0)) || !key.chars().allMatch(c -> Path.isIdentPart((char) c))) {
                problems.add("SCHEMA_VALIDATION_FAILED: The variable name '" + key + "' is not valid at " + at + "/Assign");
            }
        }
        return jsonata ? jsonataTemplate(v, "Assign", at) : jsonPathTemplate(v, "Assign", at);
    }
}
