package dev.playback.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.playback.model.event.EventEnvelope;
import dev.playback.model.event.EventMetadata;
import dev.playback.model.gateway.CallSite;
import dev.playback.model.gateway.Gateway;
import dev.playback.model.gateway.GatewayProcessor;
import dev.playback.model.processor.CannotInvert;
import dev.playback.model.processor.Processor;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * A small domain for the test kit's own tests: orders of an item in a quantity. {@link Orders} asks the price service for
 * the item's price and sends the shop an order to ship; {@link Count} counts orders without a gateway.
 */
final class Shop {
    static final CallSite PRICE = new CallSite("prices", "quote");
    static final CallSite SHIP = new CallSite("shop", "ship");
    static final String REVERSED = "OrderReversed";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Shop() {
    }

    static EventEnvelope ordered(String eventId, String customer, String item, int quantity) {
        return new EventEnvelope(eventId, customer, "Ordered", 1, null, null, Instant.parse("2026-03-01T09:00:00Z"), null,
                NODES.objectNode().put("item", item).put("quantity", quantity), null, EventMetadata.NONE);
    }

    /** An order taken back: {@link Count} cannot undo it from its state, so the aggregate is rebuilt without it. */
    static EventEnvelope reversed(String eventId, String customer, String orderId) {
        return new EventEnvelope(eventId, customer, REVERSED, 1, null, null, Instant.parse("2026-03-02T09:00:00Z"), null,
                NODES.objectNode().put("orderId", orderId), null, EventMetadata.NONE);
    }

    static JsonNode json(String text) {
        try {
            return dev.playback.model.event.EventCodec.JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    /** What a customer ordered: orders and their total. */
    record Tally(long orders, BigDecimal total) {
    }

    /** Prices each order (price × quantity) and sends it to the shop. */
    static final class Orders implements GatewayProcessor<Tally> {
        @Override
        public String name() {
            return "orders";
        }

        @Override
        public Tally initial(String aggregateId) {
            return new Tally(0, BigDecimal.ZERO);
        }

        @Override
        public Tally apply(Tally state, EventEnvelope event, Gateway gateway) {
            String item = event.payload().path("item").asText();
            int quantity = event.payload().path("quantity").asInt();
            if (quantity < 1) throw new IllegalArgumentException("quantity must be at least 1, was " + quantity);
            BigDecimal price = new BigDecimal(gateway.query(PRICE, NODES.objectNode().put("item", item)).path("price").asText());
            BigDecimal amount = price.multiply(BigDecimal.valueOf(quantity));
            gateway.send(SHIP, NODES.objectNode().put("orderId", event.eventId()).put("item", item).put("amount", amount.toPlainString()));
            return new Tally(state.orders() + 1, state.total().add(amount));
        }

        @Override
        public JsonNode encode(Tally state) {
            return NODES.objectNode().put("orders", state.orders()).put("total", state.total().toPlainString());
        }

        @Override
        public Tally decode(JsonNode json) {
            return new Tally(json.path("orders").asLong(), new BigDecimal(json.path("total").asText()));
        }
    }

    /** Counts orders and their items, without a gateway; its state is kept as {@link Orders} keeps its own. */
    static final class Count implements Processor<Tally> {
        private final Orders encoding = new Orders();

        @Override
        public String name() {
            return "count";
        }

        @Override
        public Tally initial(String aggregateId) {
            return encoding.initial(aggregateId);
        }

        @Override
        public Tally apply(Tally state, EventEnvelope event) {
            if (event.type().equals(REVERSED)) throw new CannotInvert(event.payload().path("orderId").asText(), "a count keeps no orders");
            return new Tally(state.orders() + 1, state.total().add(new BigDecimal(event.payload().path("quantity").asText())));
        }

        @Override
        public Optional<String> reverses(EventEnvelope event) {
            return event.type().equals(REVERSED) ? Optional.of(event.payload().path("orderId").asText()) : Optional.empty();
        }

        /** The reversed order was left out of the rebuilt count: nothing more to take away. */
        @Override
        public Tally applyAbsorbed(Tally state, EventEnvelope reversal) {
            return state;
        }

        @Override
        public JsonNode encode(Tally state) {
            return encoding.encode(state);
        }

        @Override
        public Tally decode(JsonNode json) {
            return encoding.decode(json);
        }
    }
}
