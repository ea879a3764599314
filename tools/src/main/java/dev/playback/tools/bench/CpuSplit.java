package dev.playback.tools.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time spent between two snapshots by this JVM, by each emulator process and by the whole machine (Linux
 * {@code /proc/stat}; what is left over is other work on the machine), to see who the cores went to during a run.
 */
final class CpuSplit {
    private final Map<String, ProcessHandle> processes;
    private final long jvmNanos;
    private final Map<String, Duration> processCpu = new LinkedHashMap<>();
    private final double machineBusySeconds;
    private final long wallNanos;

    private CpuSplit(Map<String, ProcessHandle> processes) {
        this.processes = processes;
        this.wallNanos = System.nanoTime();
        this.jvmNanos = jvmCpuNanos();
        processes.forEach((name, p) -> processCpu.put(name, p.info().totalCpuDuration().orElse(Duration.ZERO)));
        this.machineBusySeconds = machineBusySeconds();
    }

    /** A snapshot now; {@code processes} are named for the report (e.g. "node (dynalite+kinesalite)"). */
    static CpuSplit start(Map<String, ProcessHandle> processes) {
        return new CpuSplit(processes);
    }

    /**
     * CPU used since this snapshot, in cores (CPU seconds per wall second), per process and for the machine, and
     * per unit of work: milliseconds of CPU per {@code unit} (of which there were {@code units}) for this JVM and the
     * emulators together, which other load on the machine disturbs less than the rate does.
     */
    String since(long units, String unit) {
        CpuSplit now = new CpuSplit(processes);
        double wall = (now.wallNanos - wallNanos) / 1e9;
        StringBuilder out = new StringBuilder();
        double jvm = (now.jvmNanos - jvmNanos) / 1e9;
        double known = jvm;
        out.append(String.format(Locale.ROOT, "java (this JVM) %.2f", jvm / wall));
        for (String name : processes.keySet()) {
            double s = (now.processCpu.get(name).toNanos() - processCpu.get(name).toNanos()) / 1e9;
            known += s;
            out.append(String.format(Locale.ROOT, ", %s %.2f", name, s / wall));
        }
        if (machineBusySeconds >= 0 && now.machineBusySeconds >= 0) {
            double machine = now.machineBusySeconds - machineBusySeconds;
            out.append(String.format(Locale.ROOT, ", other processes %.2f, machine %.2f of %d cores",
                    Math.max(0, machine - known) / wall, machine / wall, Runtime.getRuntime().availableProcessors()));
        }
        return out + String.format(Locale.ROOT, " (cores busy, over %.1f s); %.2f ms of CPU per %s in this JVM and the emulators",
                wall, known * 1000 / units, unit);
    }

    private static long jvmCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    /** Busy CPU seconds of the machine since boot (user, nice, system, irq, softirq, steal), or -1 off Linux. */
    private static double machineBusySeconds() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
            String[] f = lines.get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) busy += Long.parseLong(f[i]);
            return busy / 100.0; // USER_HZ
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
