package dev.onebox.events;

import dev.onebox.events.pattern.EventPattern;
import dev.onebox.events.pattern.InvalidEventPatternException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An event rule as in template.yaml ({@code AWS::Events::Rule} with an EventPattern, or a state machine's
 * {@code EventBridgeRule} event). The pattern is validated here; a bad one throws
 * {@link InvalidEventPatternException} naming the rule.
 */
public record Rule(String name, String eventBusName, String eventPattern, List<Target> targets, boolean enabled) {
    public static final String DEFAULT_BUS = "default";

    public Rule {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Rule name must not be empty (pattern " + eventPattern + ")");
        }
        eventBusName = EventBus.busName(eventBusName);
        targets = List.copyOf(targets);
        if (targets.size() > 5) {
            throw new IllegalArgumentException("Rule " + name + " has " + targets.size() + " targets; EventBridge allows at most 5");
        }
        Set<String> ids = new HashSet<>();
        for (Target t : targets) {
            if (!ids.add(t.id())) {
                throw new IllegalArgumentException("Rule " + name + " has two targets with Id " + t.id());
            }
        }
    }

    /** An enabled rule on the default bus. */
    public Rule(String name, String eventPattern, List<Target> targets) {
        this(name, DEFAULT_BUS, eventPattern, targets, true);
    }

    /** Compiles the pattern; the exception message names this rule. */
    EventPattern compiledPattern() {
        try {
            return EventPattern.compile(eventPattern);
        } catch (InvalidEventPatternException e) {
            throw e.in("rule " + name);
        }
    }
}
