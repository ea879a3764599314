package dev.playback.tools.template;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.onebox.template.Template;

/**
 * The repository's template.yaml as the tests load it: its external endpoints have no default (a deployment must
 * name them), so tests pass loopback URLs for them, as the local stack passes its fakes' URLs.
 */
public final class RepositoryTemplate {
    /** FxUrl, BankUrl, TaxUrl and InvoiceUrl, which template.yaml leaves without a default. */
    public static final Map<String, String> PARAMETERS = Map.of(
            "FxUrl", "http://127.0.0.1:18081", "BankUrl", "http://127.0.0.1:18082",
            "TaxUrl", "http://127.0.0.1:18083", "InvoiceUrl", "http://127.0.0.1:18084");

    private RepositoryTemplate() {
    }

    public static Path file() {
        return Template.locate(Path.of(""));
    }

    public static Template load() {
        return Template.load(file(), PARAMETERS, dev.playback.tools.LocalStack.STACK_NAME);
    }

    /**
     * A copy of template.yaml in {@code dir} with {@code property} (which must occur exactly once in the block of
     * {@code resource}, a resource or parameter) replaced by {@code replacement}.
     */
    public static Path copyWith(Path dir, String resource, String property, String replacement) throws IOException {
        String text = Files.readString(file());
        Matcher block = Pattern.compile("(?m)^  " + Pattern.quote(resource) + ":\\n(?:(?:    .*|\\s*)\\n)+").matcher(text);
        assertTrue(block.find(), "template.yaml has no resource or parameter " + resource);
        String original = block.group();
        int at = original.indexOf(property);
        assertTrue(at >= 0 && original.indexOf(property, at + 1) < 0,
                resource + " holds '" + property + "' " + (at < 0 ? "nowhere" : "more than once"));
        String changed = original.substring(0, at) + replacement + original.substring(at + property.length());
        Path copy = dir.resolve("template.yaml");
        Files.writeString(copy, text.substring(0, block.start()) + changed + text.substring(block.end()));
        return copy;
    }
}
