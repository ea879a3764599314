package dev.playback.model.domain;

import dev.playback.model.event.EventCatalog;
import dev.playback.model.event.EventType;
import dev.playback.model.processor.Processor;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The domains of one deployment, loaded from the class names in {@value #VARIABLE}: their event catalog and their
 * processors, each name declared once across all of them.
 */
public final class Domains {
    /** The environment variable naming the deployment's {@link Domain} classes, comma-separated. */
    public static final String VARIABLE = "PLAYBACK_DOMAINS";

    private final List<Domain> domains;
    private final EventCatalog catalog;
    private final Map<String, Processor<?>> projections = new LinkedHashMap<>();
    private final Map<String, EffectfulProcessor> effectful = new LinkedHashMap<>();

    private Domains(List<Domain> domains) {
        if (domains.isEmpty()) throw new IllegalArgumentException("no domain: " + VARIABLE + " names none");
        this.domains = List.copyOf(domains);
        List<EventType> types = new ArrayList<>();
        Map<String, String> typeOwner = new LinkedHashMap<>();
        Map<String, String> processorOwner = new LinkedHashMap<>();
        for (Domain d : domains) {
            for (EventType t : d.eventTypes()) {
                String before = typeOwner.putIfAbsent(t.name(), d.name());
                if (before != null) throw new IllegalArgumentException("event type " + t.name() + " is declared by domain " + before + " and by " + d.name());
                types.add(t);
            }
            for (Processor<?> p : d.projections()) {
                claim(processorOwner, p.name(), d);
                projections.put(p.name(), p);
            }
            for (EffectfulProcessor p : d.effectfulProcessors()) {
                claim(processorOwner, p.name(), d);
                effectful.put(p.name(), p);
            }
        }
        this.catalog = new EventCatalog(types);
    }

    private static void claim(Map<String, String> owners, String processor, Domain d) {
        String before = owners.putIfAbsent(processor, d.name());
        if (before != null) throw new IllegalArgumentException("processor " + processor + " is declared by domain " + before + " and by " + d.name());
    }

    public static Domains of(Domain... domains) {
        return new Domains(List.of(domains));
    }

    public static Domains of(List<Domain> domains) {
        return new Domains(domains);
    }

    /**
     * Loads the domains named in {@code classNames} (comma-separated fully qualified class names, each with a public
     * no-argument constructor) with this class's class loader. Errors name the class at fault.
     */
    public static Domains load(String classNames) {
        if (classNames == null || classNames.isBlank()) {
            throw new IllegalArgumentException(VARIABLE + " is not set: name the Domain classes of the deployment, e.g. com.example.Billing");
        }
        List<Domain> loaded = new ArrayList<>();
        for (String name : Arrays.stream(classNames.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()) {
            loaded.add(instantiate(name));
        }
        return new Domains(loaded);
    }

    private static Domain instantiate(String className) {
        Class<?> c;
        try {
            c = Class.forName(className, true, Domains.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(VARIABLE + ": no class " + className + " on the classpath", e);
        }
        if (!Domain.class.isAssignableFrom(c)) {
            throw new IllegalArgumentException(VARIABLE + ": " + className + " does not implement " + Domain.class.getName());
        }
        try {
            return (Domain) c.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(VARIABLE + ": " + className + " has no public no-argument constructor", e);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException(VARIABLE + ": constructing " + className + " failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(VARIABLE + ": cannot construct " + className + ": " + e, e);
        }
    }

    public List<Domain> domains() {
        return domains;
    }

    /** Every event type of every domain. */
    public EventCatalog catalog() {
        return catalog;
    }

    public List<Processor<?>> projections() {
        return List.copyOf(projections.values());
    }

    public List<EffectfulProcessor> effectfulProcessors() {
        return List.copyOf(effectful.values());
    }

    public Optional<Processor<?>> projection(String name) {
        return Optional.ofNullable(projections.get(name));
    }

    public Optional<EffectfulProcessor> effectful(String name) {
        return Optional.ofNullable(effectful.get(name));
    }

    /** Every processor's name: projections first, then those with external effects, in declaration order. */
    public List<String> processorNames() {
        List<String> names = new ArrayList<>(projections.keySet());
        names.addAll(effectful.keySet());
        return names;
    }

    /** Throws naming the known processors unless {@code name} is one. */
    public String requireProcessor(String name) {
        if (!projections.containsKey(name) && !effectful.containsKey(name)) {
            throw new IllegalArgumentException("unknown processor '" + name + "'; known: " + String.join(", ", processorNames()));
        }
        return name;
    }
}
