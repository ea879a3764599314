package dev.onebox.sfn.asl;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** JSONPath as Step Functions evaluates it. */
class PathTest {
    private static final Object DOC = Json.parse("""
            {"a": {"b": [10, 20, 30], "n": null, "x.y": 1}, "items": [{"k": 1, "v": "p"}, {"k": 2, "v": "q"}]}""");

    @Test
    void definitePathsTellMissingFromNull() {
        assertEquals(20, Path.compile("$.a.b[1]").read(DOC));
        assertEquals(30, Path.compile("$.a.b[-1]").read(DOC));
        assertEquals(null, Path.compile("$.a.n").read(DOC));
        assertSame(Path.MISSING, Path.compile("$.a.missing").read(DOC));
        assertSame(Path.MISSING, Path.compile("$.a.b[7]").read(DOC));
        assertEquals(1, Path.compile("$.a['x.y']").read(DOC));
        assertEquals(DOC, Path.compile("$").read(DOC));
    }

    @Test
    void indefinitePathsGiveLists() {
        assertEquals(List.of("p", "q"), Path.compile("$.items[*].v").read(DOC));
        assertEquals(List.of(10, 20), Path.compile("$.a.b[0:2]").read(DOC));
        assertEquals(List.of(1, 2), Path.compile("$..k").read(DOC));
        assertEquals(List.of(Map.of("k", 2, "v", "q")), Path.compile("$.items[?(@.k > 1)]").read(DOC));
        assertEquals(2, Path.compile("$.items.length()").read(DOC));
    }

    @Test
    void rootsAreInputContextOrVariable() {
        assertEquals(Path.Root.INPUT, Path.compile("$.a").root());
        assertEquals(Path.Root.CONTEXT, Path.compile("$$.Execution.Id").root());
        Path v = Path.compile("$counter.value");
        assertEquals(Path.Root.VARIABLE, v.root());
        assertEquals("counter", v.variable());
    }

    @Test
    void resultPathWritesCopyOnWriteAndCreatesObjects() {
        Map<String, Object> in = Json.object("keep", 1);
        Object out = Path.compile("$.deep.er").set(in, "v");
        assertEquals(Map.of("keep", 1, "deep", Map.of("er", "v")), out);
        assertEquals(Map.of("keep", 1), in, "the input is not changed");
        SfnException e = assertThrows(SfnException.class, () -> Path.compile("$.x").set("a string", 1));
        assertEquals(Errors.RESULT_PATH_MATCH_FAILURE, e.error());
    }

    @Test
    void causesQuotePathsInBracketNotation() {
        assertEquals("$['a']['b'][1]", Path.compile("$.a.b[1]").bracketNotation());
    }

    @Test
    void malformedPathsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Path.compile("a.b"));
        assertThrows(IllegalArgumentException.class, () -> Path.compile("$.a["));
        assertThrows(IllegalArgumentException.class, () -> Path.compile("$.a..."));
    }
}
