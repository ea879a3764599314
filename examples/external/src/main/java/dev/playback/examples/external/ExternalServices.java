package dev.playback.examples.external;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sample domains' external systems on this machine, each a small HTTP server on 127.0.0.1: the ledger's FX
 * service and partner bank, the subscriptions' tax-rate service and invoice service. With a data directory their
 * state survives restarts ({@code <data>/external/fx.json}, {@code bank.json}, {@code tax.json}, {@code invoices.json}).
 */
public final class ExternalServices implements AutoCloseable {
    private final FxService fx;
    private final PartnerBank bank;
    private final TaxService tax;
    private final InvoiceService invoices;

    private ExternalServices(FxService fx, PartnerBank bank, TaxService tax, InvoiceService invoices) {
        this.fx = fx;
        this.bank = bank;
        this.tax = tax;
        this.invoices = invoices;
    }

    /** @param dataDir the stack's data directory, or null to keep everything in memory */
    public static ExternalServices start(Path dataDir) throws IOException {
        Path dir = dataDir == null ? null : dataDir.resolve("external");
        List<AutoCloseable> started = new ArrayList<>();
        try {
            FxService fx = add(started, new FxService(file(dir, "fx.json")));
            PartnerBank bank = add(started, new PartnerBank(file(dir, "bank.json")));
            TaxService tax = add(started, new TaxService(file(dir, "tax.json")));
            InvoiceService invoices = add(started, new InvoiceService(file(dir, "invoices.json")));
            return new ExternalServices(fx, bank, tax, invoices);
        } catch (IOException | RuntimeException e) {
            closeAll(started, e);
            throw e;
        }
    }

    private static <T extends AutoCloseable> T add(List<AutoCloseable> started, T service) {
        started.add(service);
        return service;
    }

    private static Path file(Path dir, String name) {
        return dir == null ? null : dir.resolve(name);
    }

    public FxService fx() {
        return fx;
    }

    public PartnerBank bank() {
        return bank;
    }

    public TaxService tax() {
        return tax;
    }

    public InvoiceService invoices() {
        return invoices;
    }

    public URI fxUrl() {
        return fx.url();
    }

    public URI bankUrl() {
        return bank.url();
    }

    public URI taxUrl() {
        return tax.url();
    }

    public URI invoiceUrl() {
        return invoices.url();
    }

    /**
     * The template parameters naming the external endpoints ({@code FxUrl}, {@code BankUrl}, {@code TaxUrl},
     * {@code InvoiceUrl}), which have no default in template.yaml: the local stack deploys with these, as
     * {@code sam deploy --parameter-overrides} would.
     */
    public Map<String, String> parameters() {
        return named("FxUrl", "BankUrl", "TaxUrl", "InvoiceUrl");
    }

    /** {@code FX_URL}, {@code BANK_URL}, {@code TAX_URL} and {@code INVOICE_URL} for the functions' environment. */
    public Map<String, String> environment() {
        return named("FX_URL", "BANK_URL", "TAX_URL", "INVOICE_URL");
    }

    /** The local URL of each system by its short name ({@code fx}, {@code bank}, {@code tax}, {@code invoices}). */
    public Map<String, String> urls() {
        return named("fx", "bank", "tax", "invoices");
    }

    /** The four URLs under the given names, in this order: FX service, partner bank, tax-rate service, invoice service. */
    private Map<String, String> named(String fx, String bank, String tax, String invoices) {
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put(fx, fxUrl().toString());
        urls.put(bank, bankUrl().toString());
        urls.put(tax, taxUrl().toString());
        urls.put(invoices, invoiceUrl().toString());
        return urls;
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>(List.of(fx, bank, tax, invoices));
        closeAll(all, null);
    }

    /** Closes in reverse order of start; the first failure is thrown (or added to {@code failure}), the rest suppressed. */
    private static void closeAll(List<AutoCloseable> services, Exception failure) {
        RuntimeException own = null;
        for (int i = services.size() - 1; i >= 0; i--) {
            try {
                services.get(i).close();
            } catch (Exception e) {
                if (failure != null) failure.addSuppressed(e);
                else if (own == null) own = new IllegalStateException("stopping the local external services failed", e);
                else own.addSuppressed(e);
            }
        }
        if (own != null) throw own;
    }
}
