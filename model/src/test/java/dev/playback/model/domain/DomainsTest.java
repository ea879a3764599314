package dev.playback.model.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventType;
import dev.playback.model.processor.Processor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DomainsTest {
    /** A type that accepts any payload. */
    record Type(String name) implements EventType {
        @Override
        public void validate(ObjectNode payload) {
        }
    }

    /** A projection that keeps nothing. */
    record Nothing(String name) implements Processor<String> {
        @Override
        public String initial(String aggregateId) {
            return "";
        }

        @Override
        public String apply(String state, EventEnvelope event) {
            return state;
        }

        @Override
        public JsonNode encode(String state) {
            return TextNode.valueOf(state);
        }

        @Override
        public String decode(JsonNode json) {
            return json.asText();
        }
    }

    record Fixed(String name, List<EventType> eventTypes, List<Processor<?>> projections) implements Domain {
    }

    /** Loadable by name: one type, one projection. */
    public static final class Notes implements Domain {
        @Override
        public String name() {
            return "notes";
        }

        @Override
        public List<EventType> eventTypes() {
            return List.of(new Type("NoteTaken"));
        }

        @Override
        public List<Processor<?>> projections() {
            return List.of(new Nothing("notes"));
        }
    }

    /** Not loadable: it needs an argument. */
    public static final class Configured implements Domain {
        public Configured(String setting) {
        }

        @Override
        public String name() {
            return "configured";
        }

        @Override
        public List<EventType> eventTypes() {
            return List.of();
        }
    }

    @Test
    void domainsNamedByClassAreLoadedAndTheirTypesAndProcessorsJoined() {
        Domains d = Domains.load(Notes.class.getName() + " , ");
        Domains both = Domains.of(d.domains().get(0), new Fixed("counters", List.of(new Type("CounterAdded")), List.of(new Nothing("totals"))));

        assertEquals(List.of("NoteTaken", "CounterAdded"), List.copyOf(both.catalog().names()));
        assertEquals(List.of("notes", "totals"), both.processorNames());
        assertEquals("totals", both.requireProcessor("totals"));
    }

    @Test
    void aTypeOrProcessorDeclaredByTwoDomainsIsRefusedNamingBoth() {
        Domain a = new Fixed("a", List.of(new Type("Shared")), List.of());
        Domain b = new Fixed("b", List.of(new Type("Shared")), List.of());
        assertEquals("event type Shared is declared by domain a and by b",
                assertThrows(IllegalArgumentException.class, () -> Domains.of(a, b)).getMessage());

        Domain c = new Fixed("c", List.of(new Type("C")), List.of(new Nothing("same")));
        Domain d = new Fixed("d", List.of(new Type("D")), List.of(new Nothing("same")));
        assertEquals("processor same is declared by domain c and by d",
                assertThrows(IllegalArgumentException.class, () -> Domains.of(c, d)).getMessage());
    }

    @Test
    void aClassThatIsMissingNotADomainOrNotConstructibleIsNamed() {
        assertEquals("PLAYBACK_DOMAINS: no class com.example.Missing on the classpath",
                assertThrows(IllegalArgumentException.class, () -> Domains.load("com.example.Missing")).getMessage());
        assertEquals("PLAYBACK_DOMAINS: java.lang.String does not implement dev.playback.model.domain.Domain",
                assertThrows(IllegalArgumentException.class, () -> Domains.load("java.lang.String")).getMessage());
        assertEquals("PLAYBACK_DOMAINS: " + Configured.class.getName() + " has no public no-argument constructor",
                assertThrows(IllegalArgumentException.class, () -> Domains.load(Configured.class.getName())).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Domains.load(" "));
    }

    @Test
    void anUnknownProcessorIsRefusedNamingTheKnownOnes() {
        Domains d = Domains.load(Notes.class.getName());
        assertEquals("unknown processor 'audit'; known: notes",
                assertThrows(IllegalArgumentException.class, () -> d.requireProcessor("audit")).getMessage());
    }

    /** A processor with external effects that keeps nothing and calls nothing. */
    record Quiet(String name) implements dev.playback.model.gateway.GatewayProcessor<String> {
        @Override
        public String initial(String aggregateId) {
            return "";
        }

        @Override
        public String apply(String state, EventEnvelope event, dev.playback.model.gateway.Gateway gateway) {
            return state;
        }

        @Override
        public JsonNode encode(String state) {
            return TextNode.valueOf(state);
        }

        @Override
        public String decode(JsonNode json) {
            return json.asText();
        }
    }

    private static EffectfulProcessor effectful(String declared, String built) {
        return new EffectfulProcessor(declared, settings -> built == null ? null : new Quiet(built), settings -> null);
    }

    /** Projections and processors with external effects. */
    record Mixed(String name, List<Processor<?>> projections, List<EffectfulProcessor> effectfulProcessors) implements Domain {
        @Override
        public List<EventType> eventTypes() {
            return List.of();
        }
    }

    @Test
    void findsProjectionsAndProcessorsWithExternalEffectsByName() {
        Nothing totals = new Nothing("totals");
        EffectfulProcessor payouts = effectful("payouts", "payouts");
        Domains d = Domains.of(List.of(new Mixed("m", List.of(totals), List.of(payouts))));
        assertEquals(List.of(totals), d.projections());
        assertEquals(List.of(payouts), d.effectfulProcessors());
        assertEquals(Optional.of(totals), d.projection("totals"));
        assertEquals(Optional.empty(), d.projection("payouts"));
        assertEquals(Optional.of(payouts), d.effectful("payouts"));
        assertEquals(Optional.empty(), d.effectful("totals"));
        assertEquals(List.of("totals", "payouts"), d.processorNames());
        assertEquals("payouts", d.requireProcessor("payouts"));
        assertEquals("unknown processor 'x'; known: totals, payouts",
                assertThrows(IllegalArgumentException.class, () -> d.requireProcessor("x")).getMessage());
    }

    @Test
    void aProcessorWithExternalEffectsAndAProjectionOfOneNameAreRefused() {
        Domain a = new Mixed("a", List.of(new Nothing("same")), List.of());
        Domain b = new Mixed("b", List.of(), List.of(effectful("same", "same")));
        assertEquals("processor same is declared by domain a and by b",
                assertThrows(IllegalArgumentException.class, () -> Domains.of(a, b)).getMessage());
    }

    @Test
    void buildsAProcessorWithExternalEffectsOnlyUnderItsDeclaredName() {
        assertEquals("payouts", effectful("payouts", "payouts").build(null).name());
        assertEquals("processor declared as 'payouts' was built as 'refunds'",
                assertThrows(IllegalStateException.class, () -> effectful("payouts", "refunds").build(null)).getMessage());
        assertEquals("processor declared as 'payouts' was built as 'null'",
                assertThrows(IllegalStateException.class, () -> effectful("payouts", null).build(null)).getMessage());
        Quiet built = new Quiet("fx");
        assertSame(built, new EffectfulProcessor("fx", s -> built, s -> null).build(null));
    }
}
