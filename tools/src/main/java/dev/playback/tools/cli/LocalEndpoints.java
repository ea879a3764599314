package dev.playback.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a running {@code playback local} can be reached: its endpoints, the physical names of the
 * template's tables, streams and buckets, and the ARNs of its state machines. {@code playback local}
 * writes it to {@link #defaultFile()} on start and removes it on exit; the other commands read it.
 *
 * @param names         physical name by logical id (tables, streams, buckets)
 * @param stateMachines ARN by logical id
 * @param console       the replay console's URL (null when {@code playback local --no-console})
 */
public record LocalEndpoints(URI api, URI stepFunctions, URI eventBridge, URI dynamoDb, URI kinesis, URI s3,
                             String region, long pid, String dataDir, Map<String, String> names,
                             Map<String, String> stateMachines, Map<String, String> external, URI console) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    public static final String FILE_PROPERTY = "playback.localFile";
    public static final String FILE_ENV = "PLAYBACK_LOCAL_FILE";

    public LocalEndpoints {
        names = Map.copyOf(names);
        stateMachines = Map.copyOf(stateMachines);
        external = external == null ? Map.of() : Map.copyOf(external);
    }

    /** Without a console. */
    public LocalEndpoints(URI api, URI stepFunctions, URI eventBridge, URI dynamoDb, URI kinesis, URI s3, String region, long pid,
                          String dataDir, Map<String, String> names, Map<String, String> stateMachines, Map<String, String> external) {
        this(api, stepFunctions, eventBridge, dynamoDb, kinesis, s3, region, pid, dataDir, names, stateMachines, external, null);
    }

    /** The same endpoints with the replay console at {@code url}. */
    public LocalEndpoints withConsole(URI url) {
        return new LocalEndpoints(api, stepFunctions, eventBridge, dynamoDb, kinesis, s3, region, pid, dataDir, names, stateMachines,
                external, url);
    }

    /**
     * {@code builder}'s client for this local stack's service at {@code endpoint}: its region, the emulators' static
     * credentials and the URL-connection HTTP client (S3 callers set path-style access on the builder first).
     */
    public <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C client(B builder, URI endpoint) {
        return builder.region(Region.of(region)).credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .endpointOverride(endpoint).httpClientBuilder(UrlConnectionHttpClient.builder()).build();
    }

    /** The URL of a local external system ({@code fx}, {@code bank}, {@code tax}, {@code invoices}). */
    public URI external(String name) {
        String url = external.get(name);
        if (url == null) throw new IllegalStateException("the local stack has no external system " + name + " (known: " + external.keySet() + ")");
        return URI.create(url);
    }

    /**
     * {@code -Dplayback.localFile}, else {@code $PLAYBACK_LOCAL_FILE}, else {@code .playback/local.json}
     * under the project home ({@code -Dplayback.home}, else the working directory).
     */
    public static Path defaultFile() {
        String p = System.getProperty(FILE_PROPERTY);
        if (p == null || p.isBlank()) p = System.getenv(FILE_ENV);
        if (p != null && !p.isBlank()) return Path.of(p);
        String home = System.getProperty("playback.home");
        return (home == null || home.isBlank() ? Path.of("") : Path.of(home)).toAbsolutePath().resolve(".playback").resolve("local.json");
    }

    public String name(String logicalId) {
        String n = names.get(logicalId);
        if (n == null) throw new IllegalStateException("the local endpoints file names no resource " + logicalId);
        return n;
    }

    public String stateMachine(String logicalId) {
        String arn = stateMachines.get(logicalId);
        if (arn == null) throw new IllegalStateException("the local stack has no state machine " + logicalId);
        return arn;
    }

    /** Writes the file atomically (temp file + move). */
    public void write(Path file) {
        ObjectNode n = JSON.createObjectNode();
        n.put("api", api.toString());
        n.put("stepFunctions", stepFunctions.toString());
        n.put("eventBridge", eventBridge.toString());
        n.put("dynamoDb", dynamoDb.toString());
        n.put("kinesis", kinesis.toString());
        n.put("s3", s3.toString());
        n.put("region", region);
        n.put("pid", pid);
        if (dataDir != null) n.put("dataDir", dataDir);
        if (console != null) n.put("console", console.toString());
        ObjectNode nm = n.putObject("names");
        names.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> nm.put(e.getKey(), e.getValue()));
        ObjectNode sm = n.putObject("stateMachines");
        stateMachines.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> sm.put(e.getKey(), e.getValue()));
        ObjectNode ex = n.putObject("external");
        external.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> ex.put(e.getKey(), e.getValue()));
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "local", ".json.tmp");
            Files.writeString(tmp, JSON.writeValueAsString(n));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public static LocalEndpoints read(Path file) {
        JsonNode n;
        try {
            n = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new UsageException("no local stack is running (" + file + " does not exist): start one with "
                    + "'playback local [--data DIR]', or use --aws");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Map<String, String> names = new LinkedHashMap<>();
        n.path("names").fields().forEachRemaining(e -> names.put(e.getKey(), e.getValue().asText()));
        Map<String, String> machines = new LinkedHashMap<>();
        n.path("stateMachines").fields().forEachRemaining(e -> machines.put(e.getKey(), e.getValue().asText()));
        Map<String, String> external = new LinkedHashMap<>();
        n.path("external").fields().forEachRemaining(e -> external.put(e.getKey(), e.getValue().asText()));
        return new LocalEndpoints(uri(n, "api", file), uri(n, "stepFunctions", file), uri(n, "eventBridge", file),
                uri(n, "dynamoDb", file), uri(n, "kinesis", file), uri(n, "s3", file), n.path("region").asText("us-east-1"),
                n.path("pid").asLong(), n.hasNonNull("dataDir") ? n.get("dataDir").asText() : null, names, machines, external,
                n.hasNonNull("console") ? URI.create(n.get("console").asText()) : null);
    }

    private static URI uri(JsonNode n, String field, Path file) {
        if (!n.hasNonNull(field)) throw new IllegalStateException(file + " has no '" + field + "' endpoint");
        return URI.create(n.get(field).asText());
    }

    /** True when the process that wrote the file is still alive (false after a kill -9 left the file behind). */
    public boolean writerAlive() {
        return pid <= 0 || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
