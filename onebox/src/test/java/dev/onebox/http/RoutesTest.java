package dev.onebox.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onebox.lambda.LocalFunction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutesTest {
    private static final LocalFunction FN = new LocalFunction("Fn", "arn", 3, 128, "handleRequest", Object::new);

    private final Routes routes = new Routes(List.of(
            new LocalApi.Route("post", "/events", FN),
            new LocalApi.Route("GET", "/events/{eventId}", FN),
            new LocalApi.Route("GET", "/events/latest", FN),
            new LocalApi.Route("ANY", "/files/{proxy+}", FN)));

    @Test
    void aLiteralSegmentWinsOverAParameter() {
        Routes.Match match = routes.match("/events/latest").orElseThrow();

        assertEquals(Map.of(), match.pathParameters());
        assertEquals("/events/latest", match.routeFor("GET").resourcePath());
    }

    @Test
    void aGreedyParameterTakesTheRestOfThePathForAnyMethod() {
        Routes.Match match = routes.match("/files/a/b%2Fc.txt").orElseThrow();

        assertEquals(Map.of("proxy", "a/b/c.txt"), match.pathParameters());
        assertEquals("/files/{proxy+}", match.routeFor("DELETE").resourcePath());
    }

    @Test
    void aKnownResourceWithoutTheMethodHasNoRouteAndAnUnknownPathNoMatch() {
        assertNull(routes.match("/events").orElseThrow().routeFor("GET"));
        assertEquals("POST", routes.match("/events/").orElseThrow().routeFor("POST").method());
        assertTrue(routes.match("/events/1/2").isEmpty());
        assertTrue(routes.match("/files").isEmpty());
    }

    @Test
    void twoEventsForTheSameRouteAreRejected() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> new Routes(List.of(
                new LocalApi.Route("GET", "/a", FN), new LocalApi.Route("get", "/a", FN))));
        assertTrue(error.getMessage().contains("GET /a"));
    }
}
