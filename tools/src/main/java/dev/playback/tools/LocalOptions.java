package dev.playback.tools;

import dev.onebox.http.LocalApi;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * How to start the local stack.
 *
 * @param dataDir   where the emulators keep their data and Step Functions its state (under {@code stepfunctions/}); null = in memory
 * @param apiPort   port of the HTTP API; 0 = a free one
 * @param overrides handler factories by function logical id (tests inject failures this way);
 *                  each gets the function's environment
 * @param parameters template parameter overrides
 * @param apiAuth   the HTTP API's authorization: open (the default) or SigV4 with the local credentials
 */
public record LocalOptions(Path dataDir, int apiPort, Map<String, Function<Map<String, String>, Object>> overrides,
                           Map<String, String> parameters, LocalApi.Auth apiAuth) {
    public LocalOptions {
        overrides = Map.copyOf(overrides);
        parameters = Map.copyOf(parameters);
    }

    public static LocalOptions inMemory() {
        return new LocalOptions(null, 0, Map.of(), Map.of(), LocalApi.Auth.NONE);
    }

    public LocalOptions withDataDir(Path dir) {
        return new LocalOptions(dir, apiPort, overrides, parameters, apiAuth);
    }

    public LocalOptions withApiPort(int port) {
        return new LocalOptions(dataDir, port, overrides, parameters, apiAuth);
    }

    public LocalOptions withParameter(String name, String value) {
        Map<String, String> p = new HashMap<>(parameters);
        p.put(name, value);
        return new LocalOptions(dataDir, apiPort, overrides, p, apiAuth);
    }

    public LocalOptions withApiAuth(LocalApi.Auth auth) {
        return new LocalOptions(dataDir, apiPort, overrides, parameters, auth);
    }

    public LocalOptions withHandler(String functionLogicalId, Function<Map<String, String>, Object> factory) {
        Map<String, Function<Map<String, String>, Object>> o = new HashMap<>(overrides);
        o.put(functionLogicalId, factory);
        return new LocalOptions(dataDir, apiPort, o, parameters, apiAuth);
    }
}
