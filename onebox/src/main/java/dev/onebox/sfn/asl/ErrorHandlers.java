package dev.onebox.sfn.asl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Compiles a state's error handling: its Retry and Catch arrays and their ErrorEquals lists. */
final class ErrorHandlers {
    private final FieldCompiler fields;
    private final List<String> problems;

    ErrorHandlers(FieldCompiler fields) {
        this.fields = fields;
        this.problems = fields.problems;
    }

    List<State.Retrier> retriers(Object v, String at) {
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

    List<State.Catcher> catchers(Object v, String at, boolean jsonata) {
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
                rp = discard ? null : fields.resultPath(c.get("ResultPath"), cat + "/ResultPath");
            }
            PayloadTemplate output = c.containsKey("Output") ? fields.jsonataTemplate(c.get("Output"), "Output", cat) : null;
            PayloadTemplate assign = c.containsKey("Assign") ? fields.assign(c.get("Assign"), cat, jsonata) : null;
            out.add(new State.Catcher(errors, next, rp, discard, output, assign));
            if (errors.contains(Errors.ALL) && i < l.size()) {
                problems.add("SCHEMA_VALIDATION_FAILED: A catcher with States.ALL must be the last one at " + cat + "/ErrorEquals");
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
}
