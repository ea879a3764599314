package dev.onebox.sfn.asl;

import com.dashjoin.jsonata.Jsonata;

import java.util.HashMap;
import java.util.Map;

/**
 * Workflow variables ({@code Assign}). A Map iteration or Parallel branch gets a child scope:
 * it reads its parent's variables and its own assignments stay inside it.
 */
public final class Variables {
    private final Variables parent;
    private final Map<String, Object> own = new HashMap<>();

    public Variables(Variables parent) {
        this.parent = parent;
    }

    public Object get(String name) {
        for (Variables v = this; v != null; v = v.parent) {
            Object value = v.own.get(name);
            if (value != null || v.own.containsKey(name)) {
                return value;
            }
        }
        return Path.MISSING;
    }

    public synchronized void assign(Map<String, Object> values) {
        own.putAll(values);
    }

    /** This scope's own assignments (a copy), as TestState shows them. */
    synchronized Map<String, Object> own() {
        return new java.util.TreeMap<>(own);
    }

    void bindInto(Jsonata.Frame frame) {
        if (parent != null) {
            parent.bindInto(frame);
        }
        for (Map.Entry<String, Object> e : own.entrySet()) {
            frame.bind(e.getKey(), e.getValue() == null ? Jsonata.NULL_VALUE : e.getValue());
        }
    }
}
