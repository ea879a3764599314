package dev.playback.test.process;

import dev.playback.tools.Main;
import dev.playback.tools.cli.LocalEndpoints;
import dev.onebox.emulators.Emulators;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * {@code playback local --data DIR} in a child JVM, for tests that kill the whole runtime with SIGKILL and start
 * it again: starting it, waiting for its endpoints file, killing it (and making sure its emulators follow),
 * running CLI commands against it, and clients for its emulators.
 */
public final class LocalProcess {
    private LocalProcess() {
    }

    /** Starts {@code playback local --data data [extra...]}; its output goes to {@code local-<name>.log} beside {@code file}. */
    public static Process start(Path data, Path file, String name, String... extra) throws Exception {
        Path home = projectHome();
        String cp = home.resolve("tools/target/classes") + File.pathSeparator + home.resolve("tools/target/lib") + File.separator + "*";
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Daws.cborEnabled=false", "-Dplayback.home=" + home, "-D" + LocalEndpoints.FILE_PROPERTY + "=" + file,
                "-cp", cp, "dev.playback.tools.Main", "local", "--data", data.toString()));
        cmd.addAll(Arrays.asList(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(file.resolveSibling("local-" + name + ".log").toFile()).start();
    }

    /** SIGKILL: no shutdown hook runs; waits until the process and its emulators are gone, removes the stale endpoints file. */
    public static void kill(Process p, Path file) throws Exception {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly();
        if (!p.waitFor(1, TimeUnit.MINUTES)) throw new AssertionError("playback local did not die");
        for (ProcessHandle c : children) c.onExit().get(30, TimeUnit.SECONDS);
        Files.deleteIfExists(file);
    }

    /** SIGTERM: the shutdown hook stops the emulators and removes the endpoints file. */
    public static void stop(Process p) throws Exception {
        p.destroy();
        if (!p.waitFor(1, TimeUnit.MINUTES)) p.destroyForcibly();
    }

    public static Path projectHome() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("template.yaml"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("no template.yaml above " + Path.of("").toAbsolutePath());
        return p;
    }

    public static LocalEndpoints awaitFile(Path file, Process p) throws Exception {
        Awaitility.await("playback local writes " + file).atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .failFast("playback local exited; see its log next to " + file, () -> !p.isAlive())
                .until(() -> Files.exists(file));
        return LocalEndpoints.read(file);
    }

    /** Runs a {@code playback} command against the local stack of {@code file}; returns its exit code. */
    public static int cli(Path file, String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--local-file";
        all[args.length + 1] = file.toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.execute(all, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        System.out.print(out.toString(StandardCharsets.UTF_8));
        return code;
    }

    public static DynamoDbClient dynamo(LocalEndpoints e) {
        return DynamoDbClient.builder().endpointOverride(e.dynamoDb()).region(Region.of(e.region()))
                .credentialsProvider(Emulators.credentials()).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    public static S3Client s3(LocalEndpoints e) {
        return S3Client.builder().endpointOverride(e.s3()).region(Region.of(e.region()))
                .credentialsProvider(Emulators.credentials()).forcePathStyle(true)
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    public static KinesisClient kinesis(LocalEndpoints e) {
        return KinesisClient.builder().endpointOverride(e.kinesis()).region(Region.of(e.region()))
                .credentialsProvider(Emulators.credentials()).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }
}
