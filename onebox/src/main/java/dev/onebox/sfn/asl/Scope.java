package dev.onebox.sfn.asl;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What expressions of one state see: the current value {@code $}, the context object
 * {@code $$} (built only when read), the variables, and for JSONata {@code $states}.
 */
public final class Scope {
    private final Object input;
    private final Supplier<Object> context;
    private final Variables variables;
    private Object contextValue;
    private Object stateInput = Path.MISSING;
    private Object result = Path.MISSING;
    private Object errorOutput = Path.MISSING;

    public Scope(Object input, Supplier<Object> context, Variables variables) {
        this.input = input;
        this.context = context;
        this.variables = variables;
    }

    public Object input() {
        return input;
    }

    public Variables variables() {
        return variables;
    }

    /** A scope over another value with the same context and variables. */
    public Scope with(Object value) {
        Scope s = new Scope(value, context, variables);
        s.contextValue = contextValue;
        s.stateInput = stateInput;
        s.result = result;
        s.errorOutput = errorOutput;
        return s;
    }

    public Scope withResult(Object r) {
        Scope s = with(input);
        s.result = r;
        return s;
    }

    public Scope withErrorOutput(Object e) {
        Scope s = with(input);
        s.errorOutput = e;
        return s;
    }

    /** For JSONata: {@code $states.input} differs from the value (e.g. Map items). */
    public Scope withStateInput(Object in) {
        Scope s = with(input);
        s.stateInput = in;
        return s;
    }

    public Object context() {
        if (contextValue == null) {
            contextValue = context.get();
        }
        return contextValue;
    }

    public Object read(Path p) {
        switch (p.root()) {
            case INPUT:
                return p.read(input);
            case CONTEXT:
                return p.read(context());
            default:
                Object v = variables == null ? Path.MISSING : variables.get(p.variable());
                return v == Path.MISSING ? v : p.read(v);
        }
    }

    /** The {@code $states} object for JSONata. */
    public Map<String, Object> states() {
        Map<String, Object> m = new LinkedHashMap<>(8);
        m.put("input", stateInput == Path.MISSING ? input : stateInput);
        m.put("context", context());
        if (result != Path.MISSING) {
            m.put("result", result);
        }
        if (errorOutput != Path.MISSING) {
            m.put("errorOutput", errorOutput);
        }
        return m;
    }
}
