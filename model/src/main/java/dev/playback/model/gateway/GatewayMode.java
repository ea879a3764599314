package dev.playback.model.gateway;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the gateway treats queries and commands. {@link Live} is live processing; the others are chosen
 * per replay request: {@code suppress} (the default), {@code diff} (bug-fix replay),
 * {@code allow:<gateway>[,<gateway>…]} (a new feature that involves those gateways) and {@code predict} (a what-if:
 * what {@code diff} and {@code allow:} would send, reported and never sent).
 */
public sealed interface GatewayMode {
    /** Live processing: queries are asked and recorded before use; commands are sent and logged. */
    record Live() implements GatewayMode {
    }

    /** Queries are answered from the record; commands are not sent and are logged as suppressed. */
    record Suppress() implements GatewayMode {
    }

    /** Queries from the record; only the correcting difference to what was sent for each event goes out. */
    record Diff() implements GatewayMode {
    }

    /**
     * A what-if, for a verification's shadow generation only: the corrections are computed exactly as {@link Diff}
     * computes them, and the commands an {@link Allow} replay would send for the first time are found, but nothing is
     * sent, nothing is logged and no answer is recorded; the gateway report lists them as predictions. A query without
     * a record fails (missing records {@code fail}) or is asked and not recorded ({@code live}), and is reported.
     */
    record Predict() implements GatewayMode {
    }

    /** Like {@link Suppress}, except the named gateways send (once: a later replay does not send again). */
    record Allow(Set<String> gateways) implements GatewayMode {
        public Allow {
            if (gateways == null || gateways.isEmpty()) throw new IllegalArgumentException("allow: names no gateway");
            gateways = Set.copyOf(gateways);
        }

        public boolean allows(CallSite site) {
            return gateways.contains(site.gateway());
        }
    }

    GatewayMode LIVE = new Live();
    GatewayMode SUPPRESS = new Suppress();
    GatewayMode DIFF = new Diff();
    GatewayMode PREDICT = new Predict();

    /** Parses {@code suppress}, {@code diff}, {@code predict}, {@code allow:mail,crm}; null or blank → suppress. {@code live} is not a replay mode. */
    static GatewayMode parse(String text) {
        if (text == null || text.isBlank()) return SUPPRESS;
        String t = text.trim();
        if (t.equals("suppress")) return SUPPRESS;
        if (t.equals("diff")) return DIFF;
        if (t.equals("predict")) return PREDICT;
        if (t.startsWith("allow:")) {
            Set<String> names = Arrays.stream(t.substring(6).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            if (names.isEmpty()) throw new IllegalArgumentException("gateway mode 'allow:' must name at least one gateway, e.g. allow:mail");
            return new Allow(names);
        }
        throw new IllegalArgumentException("unknown gateway mode '" + text + "'; expected suppress, diff, predict or allow:<gateway>[,<gateway>]");
    }

    /** The form {@link #parse} reads. */
    static String format(GatewayMode mode) {
        if (mode instanceof Live) return "live";
        if (mode instanceof Suppress) return "suppress";
        if (mode instanceof Diff) return "diff";
        if (mode instanceof Predict) return "predict";
        return "allow:" + String.join(",", ((Allow) mode).gateways().stream().sorted().toList());
    }
}
