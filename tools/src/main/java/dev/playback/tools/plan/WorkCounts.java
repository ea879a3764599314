package dev.playback.tools.plan;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a replay does on AWS, in the units AWS bills: predicted by {@link ReplayMachineModel} or counted by a benchmark.
 * DynamoDB units are by table (logical id, e.g. EventsTable). {@code lambdaGbSeconds} is NaN when not measured.
 */
public record WorkCounts(double transitions, double expressRequests, double expressGbSeconds, double lambdaRequests,
                         double lambdaGbSeconds, String architecture, double kinesisRecords, double kinesisPutUnits,
                         double shardHours, Map<String, Double> readUnits, Map<String, Double> writeUnits, double s3Puts,
                         double s3Gets) {
    public WorkCounts {
        readUnits = Map.copyOf(readUnits);
        writeUnits = Map.copyOf(writeUnits);
        if (!architecture.equals("x86_64") && !architecture.equals("arm64")) {
            throw new IllegalArgumentException("architecture must be x86_64 or arm64, not '" + architecture + "'");
        }
    }

    public double readUnitsTotal() {
        return readUnits.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    public double writeUnitsTotal() {
        return writeUnits.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Every count times {@code factor} (per million events: {@code 1e6 / events}). */
    public WorkCounts times(double factor) {
        return new WorkCounts(transitions * factor, expressRequests * factor, expressGbSeconds * factor, lambdaRequests * factor,
                lambdaGbSeconds * factor, architecture, kinesisRecords * factor, kinesisPutUnits * factor, shardHours * factor,
                scale(readUnits, factor), scale(writeUnits, factor), s3Puts * factor, s3Gets * factor);
    }

    private static Map<String, Double> scale(Map<String, Double> units, double factor) {
        Map<String, Double> out = new TreeMap<>();
        units.forEach((table, u) -> out.put(table, u * factor));
        return out;
    }
}
