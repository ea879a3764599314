package dev.playback.tools.template;

import java.nio.file.Path;
import java.util.Map;
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
}
