package dev.onebox.template;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The fixture SAM application of onebox's tests ({@code sample-app/template.yaml} among the test resources): orders in
 * through an HTTP API and a stream, shipments out. Its NotifyUrl parameter has no default, so tests pass one.
 */
public final class SampleApp {
    /** NotifyUrl, which the fixture leaves without a default. */
    public static final Map<String, String> PARAMETERS = Map.of("NotifyUrl", "http://127.0.0.1:18083");

    private SampleApp() {
    }

    public static Path file() {
        try {
            return Path.of(SampleApp.class.getResource("/sample-app/template.yaml").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("sample-app/template.yaml is not a file on the test class path", e);
        }
    }

    public static Template load() {
        return Template.load(file(), PARAMETERS);
    }

    public static Map<String, String> with(String name, String value) {
        Map<String, String> parameters = new java.util.HashMap<>(PARAMETERS);
        parameters.put(name, value);
        return parameters;
    }
}
