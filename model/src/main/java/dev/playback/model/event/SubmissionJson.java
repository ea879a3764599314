package dev.playback.model.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Reads a submitted body (what a client posts) into JSON, within limits tighter than those the pump and the readers
 * of stored events use ({@link EventCodec#JSON}, Jackson's defaults), so that nothing accepted here fails to be read
 * later. A refusal is an {@link InvalidEventException} whose field is the path of the offending value (as
 * {@code payload.amount} or {@code [2].payload.items[0]}) and whose message is written here: it never carries the
 * parser's own wording about its classes or settings.
 *
 * <p>Refused: malformed JSON, anything after the one value, a key that appears twice in one object (at any level),
 * nesting deeper than {@link #MAX_DEPTH}, a number of more than {@link #MAX_NUMBER_CHARS} characters, a key longer
 * than {@link #MAX_KEY_CHARS}. Decimal numbers are read exactly, so that {@link TextRules} can refuse those that
 * would not survive being read back.
 */
public final class SubmissionJson {
    /** Nesting levels of a whole body (a batch array, its events, their payloads). Jackson's default is 500 or more. */
    public static final int MAX_DEPTH = 64;
    /** Characters of one number (digits, sign, point, exponent). Jackson's default is 1000. */
    public static final int MAX_NUMBER_CHARS = 100;
    /** Characters of one key. Jackson's default is 50,000. */
    public static final int MAX_KEY_CHARS = 1024;
    /** One string or a whole body: the API's own body limit (a longer body is refused with 413 before). */
    public static final int MAX_STRING_CHARS = 10 * 1024 * 1024;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(MAX_NUMBER_CHARS)
                    .maxNameLength(MAX_KEY_CHARS)
                    .maxStringLength(MAX_STRING_CHARS)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectReader READER = new ObjectMapper(FACTORY).reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private SubmissionJson() {
    }

    /** The one JSON value of {@code body}, or a refusal naming where it is wrong. */
    public static JsonNode read(byte[] body) {
        JsonParser parser = null;
        try {
            parser = FACTORY.createParser(body);
            return READER.readTree(parser);
        } catch (StreamConstraintsException e) {
            throw overLimit(e, parser);
        } catch (JsonProcessingException e) {
            throw malformed(e, parser);
        } catch (IOException e) {
            throw new InvalidEventException("body", "request body cannot be read as JSON");
        } finally {
            close(parser);
        }
    }

    private static InvalidEventException overLimit(StreamConstraintsException e, JsonParser parser) {
        String message = String.valueOf(e.getOriginalMessage());
        String path = parser == null ? "body" : path(parser.getParsingContext());
        if (message.contains("nesting depth")) {
            return new InvalidEventException("body", "request body is nested more than " + MAX_DEPTH + " levels deep");
        }
        if (message.contains("Number value length")) {
            return new InvalidEventException(path, "a number at " + path + " has more than " + MAX_NUMBER_CHARS
                    + " characters; send long numbers as strings");
        }
        if (message.contains("Name length")) {
            // The key being read is not the context's name yet: name the object that holds it.
            String holder = parser == null ? "body" : path(parser.getParsingContext().getParent());
            return new InvalidEventException(holder, "a key in " + ("body".equals(holder) ? "the event" : holder)
                    + " has more than " + MAX_KEY_CHARS + " characters");
        }
        if (message.contains("String value length")) {
            return new InvalidEventException(path, "a string at " + path + " has more than " + MAX_STRING_CHARS + " characters");
        }
        return new InvalidEventException("body", "request body exceeds a limit of the API: nesting up to " + MAX_DEPTH
                + " levels, numbers up to " + MAX_NUMBER_CHARS + " characters, keys up to " + MAX_KEY_CHARS + " characters");
    }

    private static InvalidEventException malformed(JsonProcessingException e, JsonParser parser) {
        String original = String.valueOf(e.getOriginalMessage());
        if (original.startsWith("Duplicate field")) {
            String path = parser == null ? "body" : path(parser.getParsingContext());
            String key = parser == null ? "?" : TextRules.printable(parser.getParsingContext().getCurrentName());
            return new InvalidEventException(path, "key '" + key + "' appears more than once in "
                    + (path.contains(".") || path.contains("[") ? parentOf(path) : "the event") + "; each key may appear once");
        }
        String where = e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        return new InvalidEventException("body", "request body is not valid JSON: " + clean(original) + where);
    }

    /**
     * The parser's description of a syntax error without what would name its own classes or settings: text in
     * backticks and a trailing source location are dropped.
     */
    static String clean(String message) {
        String m = message;
        int source = m.indexOf("[Source:");
        if (source >= 0) m = m.substring(0, source);
        m = m.replaceAll(":?\\s*enable\\s*`[^`]*`\\s*to allow.*$", "")   // advice to enable a parser setting
                .replaceAll("`[^`]*`", "")                                   // other names of the parser's settings
                .replaceAll("\\s*\\(start marker at\\s*$", "")             // the start of a location cut above
                .replaceAll("\\s+", " ").trim();
        return m.isEmpty() ? "syntax error" : m;
    }

    private static String parentOf(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut <= 0 ? "the event" : path.substring(0, cut);
    }

    /** The path of a parser's position, in the form the API names fields: {@code [1].payload.items[0].name}. */
    static String path(JsonStreamContext context) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
            else if (c.inObject() && c.getCurrentName() != null) parts.push("." + TextRules.printable(c.getCurrentName()));
        }
        String joined = String.join("", parts);
        if (joined.startsWith(".")) joined = joined.substring(1);
        return joined.isEmpty() ? "body" : joined;
    }

    private static void close(JsonParser parser) {
        if (parser == null) return;
        try {
            parser.close();
        } catch (IOException e) {
            throw new IllegalStateException("cannot close a parser over a byte array", e);
        }
    }
}
