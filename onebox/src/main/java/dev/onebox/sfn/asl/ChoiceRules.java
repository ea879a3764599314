package dev.onebox.sfn.asl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compiles a Choice state: its rules (a JSONPath comparison, or a JSONata Condition, with the rule's Next,
 * Assign and Output) and its Default. The targets are linked later, with the rest of the state graph.
 */
final class ChoiceRules {
    private final FieldCompiler fields;
    private final List<String> problems;

    ChoiceRules(FieldCompiler fields) {
        this.fields = fields;
        this.problems = fields.problems;
    }

    State.Choice choice(String name, Map<?, ?> m, String at, State.Language lang) {
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
                Condition cond = condition(r, rat, lang);
                if (cond == null) {
                    continue;
                }
                PayloadTemplate assign = r.containsKey("Assign") ? fields.assign(r.get("Assign"), rat, lang == State.Language.JSONATA) : null;
                PayloadTemplate output = r.containsKey("Output") ? fields.jsonataTemplate(r.get("Output"), "Output", rat) : null;
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

    /** The rule's condition, or null (with the problem reported) when the rule is to be left out. */
    private Condition condition(Map<?, ?> r, String rat, State.Language lang) {
        if (lang == State.Language.JSONATA) {
            Object ce = r.get("Condition");
            if (ce instanceof Boolean b) {
                return b ? new Condition.And(new Condition[0]) : new Condition.Or(new Condition[0]);
            }
            if (!JsonataExpression.isExpression(ce)) {
                problems.add("SCHEMA_VALIDATION_FAILED: The field 'Condition' is required and must be a JSONata expression at " + rat + "/Condition");
                return null;
            }
            try {
                return new Condition.JsonataCondition(JsonataExpression.compile((String) ce, "Condition"));
            } catch (IllegalArgumentException e) {
                problems.add("SCHEMA_VALIDATION_FAILED: " + e.getMessage() + " at " + rat + "/Condition");
                return null;
            }
        }
        if (r.containsKey("Condition")) {
            problems.add("SCHEMA_VALIDATION_FAILED: The field 'Condition' is supported only for JSONata states at " + rat + "/Condition");
            return null;
        }
        return Condition.compileJsonPath(r, rat, problems);
    }
}
