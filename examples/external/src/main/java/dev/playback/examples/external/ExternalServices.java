package dev.playback.examples.external;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sample domain's external systems on this machine: the FX service and the partner bank, each a small
 * HTTP server on 127.0.0.1. With a data directory their state survives restarts
 * ({@code <data>/external/fx.json}, {@code <data>/external/bank.json}).
 */
public final class ExternalServices implements AutoCloseable {
    private final FxService fx;
    private final PartnerBank bank;

    private ExternalServices(FxService fx, PartnerBank bank) {
        this.fx = fx;
        this.bank = bank;
    }

    /** @param dataDir the stack's data directory, or null to keep everything in memory */
    public static ExternalServices start(Path dataDir) throws IOException {
        Path dir = dataDir == null ? null : dataDir.resolve("external");
        FxService fx = new FxService(dir == null ? null : dir.resolve("fx.json"));
        try {
            return new ExternalServices(fx, new PartnerBank(dir == null ? null : dir.resolve("bank.json")));
        } catch (IOException | RuntimeException e) {
            fx.close();
            throw e;
        }
    }

    public FxService fx() {
        return fx;
    }

    public PartnerBank bank() {
        return bank;
    }

    public URI fxUrl() {
        return fx.url();
    }

    public URI bankUrl() {
        return bank.url();
    }

    /**
     * The template parameters naming the external endpoints ({@code FxUrl}, {@code BankUrl}), which have no default
     * in template.yaml: the local stack deploys with these, as {@code sam deploy --parameter-overrides} would.
     */
    public Map<String, String> parameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("FxUrl", fxUrl().toString());
        parameters.put("BankUrl", bankUrl().toString());
        return parameters;
    }

    /** {@code FX_URL} and {@code BANK_URL} for the functions' environment. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FX_URL", fxUrl().toString());
        env.put("BANK_URL", bankUrl().toString());
        return env;
    }

    @Override
    public void close() {
        try {
            bank.close();
        } finally {
            fx.close();
        }
    }
}
