package dev.playback.tools.whatif;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a what-if's report is written: plain text (the command's output), JSON, Markdown (a pull-request comment) and
 * JUnit XML (a CI test report: one test case per threshold). A report file's format follows its extension.
 */
public enum ReportFormat {
    TEXT, JSON, MARKDOWN, JUNIT;

    /** How many changed aggregates and corrections the text and Markdown list (all are counted; JSON lists all). */
    static final int EXAMPLES = 5;
    static final int LISTED_CORRECTIONS = 20;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** {@code .json} → JSON, {@code .md}/{@code .markdown} → Markdown, {@code .xml} → JUnit XML, {@code .txt} → text; else empty. */
    public static Optional<ReportFormat> ofFile(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) return Optional.of(JSON);
        if (name.endsWith(".md") || name.endsWith(".markdown")) return Optional.of(MARKDOWN);
        if (name.endsWith(".xml")) return Optional.of(JUNIT);
        if (name.endsWith(".txt")) return Optional.of(TEXT);
        return Optional.empty();
    }

    /** The report in this format, with the thresholds it was held to. */
    public String write(WhatIfReport report, Thresholds thresholds) {
        List<Thresholds.Check> checks = thresholds.check(report);
        return switch (this) {
            case TEXT -> text(report, checks);
            case JSON -> json(report, checks);
            case MARKDOWN -> markdown(report, checks);
            case JUNIT -> junit(report, checks);
        };
    }

    // ---- JSON ------------------------------------------------------------------------------------

    static String json(WhatIfReport r, List<Thresholds.Check> checks) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("replayId", r.replayId());
        n.set("processors", MAPPER.valueToTree(r.processors()));
        n.put("aggregatesRead", r.aggregatesRead());
        ArrayNode changed = n.putArray("changedAggregates");
        for (WhatIfReport.ChangedAggregate a : r.changedAggregates()) {
            ObjectNode o = changed.addObject().put("processor", a.processor()).put("aggregateId", a.aggregateId());
            o.set("changedFields", MAPPER.valueToTree(a.changedFields()));
            o.set("before", a.before());
            o.set("after", a.after());
        }
        ArrayNode corrections = n.putArray("corrections");
        for (WhatIfReport.PredictedCorrection c : r.corrections()) {
            ObjectNode o = corrections.addObject().put("processor", c.processor()).put("eventId", c.eventId())
                    .put("aggregateId", c.aggregateId()).put("gateway", c.gateway()).put("callSite", c.callSite()).put("key", c.key());
            o.putArray("before").addAll(c.before());
            o.set("after", c.after());
            o.set("command", c.command());
            o.put("idempotencyKey", c.idempotencyKey());
        }
        ArrayNode totals = n.putArray("correctionTotals");
        for (WhatIfReport.Total t : r.totals()) {
            ObjectNode o = totals.addObject().put("gateway", t.gateway()).put("currency", t.currency()).put("corrections", t.corrections());
            if (t.amount() == null) o.putNull("amount");
            else o.put("amount", t.amount().toPlainString());
        }
        ArrayNode sends = n.putArray("newSends");
        for (WhatIfReport.NewSend s : r.newSends()) {
            ObjectNode o = sends.addObject().put("processor", s.processor()).put("eventId", s.eventId()).put("aggregateId", s.aggregateId())
                    .put("gateway", s.gateway()).put("callSite", s.callSite());
            o.set("command", s.command());
            o.put("idempotencyKey", s.idempotencyKey());
        }
        ArrayNode queries = n.putArray("queriesWithoutRecord");
        for (WhatIfReport.MissingQuery q : r.queriesWithoutRecord()) {
            queries.addObject().put("processor", q.processor()).put("eventId", q.eventId()).put("callSite", q.callSite())
                    .put("requestHash", q.requestHash());
        }
        ArrayNode thresholds = n.putArray("thresholds");
        for (Thresholds.Check c : checks) {
            ObjectNode o = thresholds.addObject().put("check", c.name()).put("passed", c.passed());
            if (!c.passed()) o.put("failure", c.failure());
        }
        n.put("withinThresholds", checks.stream().allMatch(Thresholds.Check::passed));
        try {
            return MAPPER.writeValueAsString(n) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("what-if report " + r.replayId() + " cannot be written as JSON", e);
        }
    }

    // ---- text ------------------------------------------------------------------------------------

    static String text(WhatIfReport r, List<Thresholds.Check> checks) {
        StringBuilder s = new StringBuilder();
        s.append("what-if ").append(r.replayId()).append(" (").append(String.join(", ", r.processors())).append("): ")
                .append(r.aggregatesRead()).append(" aggregates read\n");
        s.append("  state would change: ").append(r.changedAggregates().size()).append(" aggregates\n");
        for (WhatIfReport.ChangedAggregate a : r.changedAggregates().subList(0, Math.min(EXAMPLES, r.changedAggregates().size()))) {
            s.append("    ").append(a.processor()).append(' ').append(a.aggregateId()).append(": ")
                    .append(String.join(", ", a.changedFields())).append('\n');
        }
        if (r.changedAggregates().size() > EXAMPLES) s.append("    … ").append(r.changedAggregates().size() - EXAMPLES).append(" more\n");
        s.append("  corrections a diff replay would send: ").append(r.corrections().size()).append('\n');
        for (WhatIfReport.Total t : r.totals()) {
            s.append("    ").append(t.gateway()).append(t.currency().isEmpty() ? "" : " " + t.currency()).append(": ")
                    .append(t.corrections()).append(t.corrections() == 1 ? " correction" : " corrections")
                    .append(t.amount() == null ? "" : ", net " + signed(t.amount())).append('\n');
        }
        s.append("  commands an allow: replay would newly send: ").append(r.newSends().size()).append(perGateway(r)).append('\n');
        s.append("  queries with no record: ").append(r.queriesWithoutRecord().size()).append('\n');
        for (Thresholds.Check c : checks) {
            s.append("  ").append(c.passed() ? "ok      " : "BEYOND  ").append(c.name()).append(c.passed() ? "" : ": " + c.failure()).append('\n');
        }
        return s.toString();
    }

    private static String perGateway(WhatIfReport r) {
        if (r.newSends().isEmpty()) return "";
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        for (WhatIfReport.NewSend n : r.newSends()) counts.merge(n.gateway(), 1, Integer::sum);
        List<String> parts = counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList();
        return " (" + String.join(", ", parts) + ")";
    }

    private static String signed(BigDecimal amount) {
        return (amount.signum() > 0 ? "+" : "") + amount.toPlainString();
    }

    // ---- Markdown --------------------------------------------------------------------------------

    static String markdown(WhatIfReport r, List<Thresholds.Check> checks) {
        StringBuilder s = new StringBuilder();
        s.append("## What-if `").append(r.replayId()).append("`\n\n");
        s.append("Processors: ").append(String.join(", ", r.processors().stream().map(p -> "`" + p + "`").toList())).append("\n\n");
        s.append("| | |\n|---|---:|\n");
        s.append("| Aggregates read | ").append(r.aggregatesRead()).append(" |\n");
        s.append("| Aggregates whose state would change | ").append(r.changedAggregates().size()).append(" |\n");
        s.append("| Corrections a `diff` replay would send | ").append(r.corrections().size()).append(" |\n");
        s.append("| Commands an `allow:` replay would newly send | ").append(r.newSends().size()).append(" |\n");
        s.append("| Queries with no record | ").append(r.queriesWithoutRecord().size()).append(" |\n");
        if (!checks.isEmpty()) {
            boolean within = checks.stream().allMatch(Thresholds.Check::passed);
            s.append("\n**").append(within ? "Within thresholds" : "Beyond thresholds").append("**\n\n");
            for (Thresholds.Check c : checks) {
                s.append("- ").append(c.passed() ? "✅ " : "❌ ").append(cell(c.name())).append(c.passed() ? "" : ": " + cell(c.failure())).append('\n');
            }
        }
        if (!r.corrections().isEmpty()) {
            s.append("\n### Corrections per gateway and currency\n\n| Gateway | Currency | Corrections | Net amount |\n|---|---|---:|---:|\n");
            for (WhatIfReport.Total t : r.totals()) {
                s.append("| ").append(cell(t.gateway())).append(" | ").append(cell(t.currency())).append(" | ").append(t.corrections())
                        .append(" | ").append(t.amount() == null ? "" : signed(t.amount())).append(" |\n");
            }
        }
        if (!r.changedAggregates().isEmpty()) {
            int n = Math.min(EXAMPLES, r.changedAggregates().size());
            s.append("\n### Changed aggregates").append(n < r.changedAggregates().size() ? " (first " + n + " of " + r.changedAggregates().size() + ")" : "")
                    .append("\n\n| Processor | Aggregate | Changed fields |\n|---|---|---|\n");
            for (WhatIfReport.ChangedAggregate a : r.changedAggregates().subList(0, n)) {
                s.append("| ").append(cell(a.processor())).append(" | `").append(cell(a.aggregateId())).append("` | ")
                        .append(cell(String.join(", ", a.changedFields()))).append(" |\n");
            }
        }
        if (!r.corrections().isEmpty()) {
            int n = Math.min(LISTED_CORRECTIONS, r.corrections().size());
            s.append("\n### Corrections").append(n < r.corrections().size() ? " (first " + n + " of " + r.corrections().size() + ")" : "")
                    .append("\n\n| Processor | Event | Aggregate | Gateway | Before | After | Correction |\n|---|---|---|---|---:|---:|---:|\n");
            for (WhatIfReport.PredictedCorrection c : r.corrections().subList(0, n)) {
                s.append("| ").append(cell(c.processor())).append(" | `").append(cell(c.eventId())).append("` | `").append(cell(c.aggregateId()))
                        .append("` | ").append(cell(c.gateway())).append(" | ").append(cell(before(c))).append(" | ")
                        .append(cell(c.after() == null ? "(none)" : shown(c.after()))).append(" | ").append(cell(shown(c.command()))).append(" |\n");
            }
        }
        return s.toString();
    }

    /** What reached the external system: the sum of the amounts when each command has one, else the commands. */
    private static String before(WhatIfReport.PredictedCorrection c) {
        if (c.before().isEmpty()) return "(none)";
        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode b : c.before()) {
            BigDecimal a = WhatIfReport.amount(b);
            if (a == null) return c.before().toString();
            sum = sum.add(a);
        }
        return sum.toPlainString();
    }

    /** A command's amount when it has one, else the command as JSON. */
    private static String shown(JsonNode command) {
        BigDecimal a = WhatIfReport.amount(command);
        return a != null ? a.toPlainString() : command.toString();
    }

    /** Text for a Markdown table cell: no line breaks, pipes escaped. */
    private static String cell(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }

    // ---- JUnit XML -------------------------------------------------------------------------------

    static String junit(WhatIfReport r, List<Thresholds.Check> checks) {
        List<Thresholds.Check> cases = checks.isEmpty() ? List.of(new Thresholds.Check("what-if ran", null)) : checks;
        long failures = cases.stream().filter(c -> !c.passed()).count();
        StringBuilder s = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.append("<testsuite name=\"playback.what-if\" tests=\"").append(cases.size()).append("\" failures=\"").append(failures)
                .append("\" errors=\"0\" skipped=\"0\">\n");
        s.append("  <properties>\n");
        property(s, "replayId", r.replayId());
        property(s, "aggregatesRead", String.valueOf(r.aggregatesRead()));
        property(s, "changedAggregates", String.valueOf(r.changedAggregates().size()));
        property(s, "corrections", String.valueOf(r.corrections().size()));
        property(s, "newSends", String.valueOf(r.newSends().size()));
        property(s, "queriesWithoutRecord", String.valueOf(r.queriesWithoutRecord().size()));
        s.append("  </properties>\n");
        for (Thresholds.Check c : cases) {
            s.append("  <testcase classname=\"playback.what-if\" name=\"").append(xml(c.name())).append('"');
            if (c.passed()) {
                s.append("/>\n");
            } else {
                s.append(">\n    <failure message=\"").append(xml(c.failure())).append("\" type=\"threshold\"/>\n  </testcase>\n");
            }
        }
        s.append("  <system-out>").append(xml(text(r, checks))).append("</system-out>\n");
        s.append("</testsuite>\n");
        return s.toString();
    }

    private static void property(StringBuilder s, String name, String value) {
        s.append("    <property name=\"").append(xml(name)).append("\" value=\"").append(xml(value)).append("\"/>\n");
    }

    /** Text escaped for XML content and attributes; characters XML 1.0 cannot hold become U+FFFD. */
    static String xml(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    boolean allowed = c == 0x9 || c == 0xA || c == 0xD || c >= 0x20 && c <= 0xD7FF || c >= 0xE000 && c <= 0xFFFD || c >= 0x10000;
                    out.appendCodePoint(allowed ? c : 0xFFFD);
                }
            }
        });
        return out.toString();
    }
}
