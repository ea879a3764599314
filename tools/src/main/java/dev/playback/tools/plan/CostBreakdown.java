package dev.playback.tools.plan;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Work counts priced line by line at a {@link PriceList}: the one breakdown the planner and the benchmarks print.
 * A count that was not measured (NaN) is printed as such and left out of the total, which then says so.
 */
public record CostBreakdown(List<Line> lines, double totalUsd, boolean complete, PriceList prices) {

    /** One billed item: {@code count} units at {@code unitUsd} each. */
    public record Line(String item, double count, double unitUsd) {
        public double usd() {
            return count * unitUsd;
        }
    }

    public static CostBreakdown of(WorkCounts w, PriceList p) {
        List<Line> lines = new ArrayList<>();
        lines.add(new Line("Step Functions state transitions", w.transitions(), p.price("sfn.standard.transition")));
        if (w.expressRequests() > 0) {
            lines.add(new Line("Step Functions express requests", w.expressRequests(), p.price("sfn.express.request")));
            lines.add(new Line("Step Functions express GB-seconds", w.expressGbSeconds(), p.price("sfn.express.gbSecond")));
        }
        lines.add(new Line("Lambda requests", w.lambdaRequests(), p.price("lambda.request")));
        lines.add(new Line("Lambda GB-seconds (" + w.architecture() + ")", w.lambdaGbSeconds(), p.price("lambda." + w.architecture() + ".gbSecond")));
        lines.add(new Line("Kinesis records (not billed alone)", w.kinesisRecords(), 0));
        lines.add(new Line("Kinesis PUT payload units (25 KB)", w.kinesisPutUnits(), p.price("kinesis.putPayloadUnit")));
        lines.add(new Line("Kinesis shard hours", w.shardHours(), p.price("kinesis.shardHour")));
        for (Map.Entry<String, Double> t : new TreeMap<>(w.readUnits()).entrySet()) {
            lines.add(new Line("DynamoDB read units " + t.getKey(), t.getValue(), p.price("dynamodb.readRequestUnit")));
        }
        for (Map.Entry<String, Double> t : new TreeMap<>(w.writeUnits()).entrySet()) {
            lines.add(new Line("DynamoDB write units " + t.getKey(), t.getValue(), p.price("dynamodb.writeRequestUnit")));
        }
        lines.add(new Line("S3 PUT requests", w.s3Puts(), p.price("s3.putRequest")));
        lines.add(new Line("S3 GET requests", w.s3Gets(), p.price("s3.getRequest")));
        double total = 0;
        boolean complete = true;
        for (Line l : lines) {
            if (Double.isNaN(l.count())) complete = false;
            else total += l.usd();
        }
        return new CostBreakdown(List.copyOf(lines), total, complete, p);
    }

    /** The lines, one per billed item, and the total; {@code indent} before each line. */
    public void print(PrintStream out, String indent) {
        out.printf(Locale.ROOT, "%s%-44s %18s %14s%n", indent, "item", "count", "USD");
        for (Line l : lines) {
            if (Double.isNaN(l.count())) {
                out.printf(Locale.ROOT, "%s%-44s %18s %14s%n", indent, l.item(), "not measured", "-");
            } else {
                out.printf(Locale.ROOT, "%s%-44s %,18.0f %,14.2f%n", indent, l.item(), l.count(), l.usd());
            }
        }
        out.printf(Locale.ROOT, "%s%-44s %18s %,14.2f%s%n", indent, "total", "", totalUsd, complete ? "" : " (without what was not measured)");
        out.printf(Locale.ROOT, "%sprices: %s list prices as of %s (%s)%n", indent, prices.region(), prices.asOf(), prices.origin());
    }
}
