package dev.onebox.emulators;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The local AWS emulators: dynalite (DynamoDB), kinesalite (Kinesis) and s3mock (S3), each bound
 * to 127.0.0.1 on a free port.
 *
 * <p>A Node supervisor ({@code onebox/emulators/emulators.js}) runs dynalite and kinesalite and
 * owns the s3mock JVM. It exits, stopping them, when its standard input closes: on {@link #close()},
 * and also when this JVM dies in any way, {@code kill -9} included, since the kernel then closes the
 * pipe. s3mock likewise exits when its own stdin pipe from the supervisor closes. A shutdown hook
 * calls {@link #close()} on a normal exit or Ctrl-C.
 *
 * <pre>{@code
 * try (Emulators emulators = Emulators.start(EmulatorOptions.inMemory())) {
 *   DynamoDbClient dynamo = emulators.dynamoDbClient();
 *   ...
 * }
 * }</pre>
 */
public final class Emulators implements AutoCloseable {

  public static final Region REGION = Region.US_EAST_1;
  private static final Pattern PORT = Pattern.compile("\"(\\w+)\"\\s*:\\s*(\\d+)");
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final Process supervisor;
  private final OutputStream supervisorStdin;
  private final Optional<ProcessHandle> s3mock;
  private final URI dynamoDbEndpoint;
  private final URI kinesisEndpoint;
  private final URI s3Endpoint;
  private final Duration startupTime;
  private final Path logDirectory;
  private final Optional<Path> temporaryDirectory;
  private final Thread shutdownHook;
  private volatile boolean closed;
  private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);

  /**
   * At JVM exit (SIGTERM, Ctrl-C of the JVM alone, System.exit) all shutdown hooks start at once, in no order: this one
   * first gives an owner that closes in its own hook (a stack stopping its event source mappings, which let their
   * in-flight batches finish against the emulators) up to this long to close the emulators itself, and stops them only
   * if it did not.
   */
  public static final Duration EXIT_GRACE = Duration.ofSeconds(15);

  private Emulators(Process supervisor, Optional<ProcessHandle> s3mock, Map<String, Long> ready, Duration startupTime,
      Path logDirectory, Optional<Path> temporaryDirectory) {
    this.supervisor = supervisor;
    this.supervisorStdin = supervisor.getOutputStream();
    this.s3mock = s3mock;
    this.dynamoDbEndpoint = endpoint(ready.get("dynamodb"));
    this.kinesisEndpoint = endpoint(ready.get("kinesis"));
    this.s3Endpoint = endpoint(ready.get("s3"));
    this.startupTime = startupTime;
    this.logDirectory = logDirectory;
    this.temporaryDirectory = temporaryDirectory;
    this.shutdownHook = new Thread(() -> closeUnlessClosedWithin(stopped, EXIT_GRACE, this::close), "onebox-emulators-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  private static URI endpoint(long port) {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Installs what is missing (see {@link EmulatorInstallation}) and starts the emulators. */
  public static Emulators start(EmulatorOptions options) {
    return start(EmulatorInstallation.locate(), options);
  }

  public static Emulators start(EmulatorInstallation installation, EmulatorOptions options) {
    long began = System.nanoTime();
    installation.ensureInstalled(options.s3mockFastStart());
    Optional<Path> temporary = Optional.empty();
    Process supervisor = null;
    try {
      Path dynamoDbPath = null;
      Path kinesisPath = null;
      Path s3Root;
      Path logs;
      if (options.dataDirectory().isPresent()) {
        Path data = options.dataDirectory().get();
        dynamoDbPath = Files.createDirectories(data.resolve("dynamodb"));
        kinesisPath = Files.createDirectories(data.resolve("kinesis"));
        s3Root = Files.createDirectories(data.resolve("s3"));
        logs = Files.createDirectories(data.resolve("logs"));
      } else {
        temporary = Optional.of(Files.createTempDirectory("onebox-emulators-"));
        s3Root = Files.createDirectories(temporary.get().resolve("s3"));
        logs = temporary.get();
      }
      boolean onDisk = options.dataDirectory().isPresent();
      List<String> s3Command = new ArrayList<>();
      s3Command.add(EmulatorInstallation.javaCommand());
      s3Command.addAll(installation.s3mockArguments(s3Root, onDisk, options.s3mockFastStart()));
      String config = "{"
          + "\"dynamodb\":{\"path\":" + json(dynamoDbPath) + "},"
          + "\"kinesis\":{\"path\":" + json(kinesisPath) + ",\"shardLimit\":" + options.kinesisShardLimit() + "},"
          + "\"s3\":{\"command\":" + json(s3Command) + ",\"log\":" + json(logs.resolve("s3mock.log"))
          + ",\"cwd\":" + json(logs) + "},"
          + "\"removeOnExit\":" + json(temporary.orElse(null)) + ","
          + "\"startTimeoutMs\":" + options.startTimeout().toMillis()
          + "}";
      Path supervisorLog = logs.resolve("emulators.log");
      try {
        supervisor = new ProcessBuilder(EmulatorInstallation.nodeCommand(), installation.supervisorScript().toString(), config)
            .directory(installation.emulatorsDirectory().toFile())
            .redirectError(ProcessBuilder.Redirect.appendTo(supervisorLog.toFile()))
            .start();
      } catch (IOException e) {
        throw new IllegalStateException("Cannot run Node.js (" + EmulatorInstallation.nodeCommand()
            + "), which runs dynalite and kinesalite: install Node.js 20 or name it with -Donebox.node=<path>", e);
      }
      Map<String, Long> ready = awaitReady(supervisor, options.startTimeout(), logs);
      Optional<ProcessHandle> s3mock = Optional.ofNullable(ready.get("s3Pid")).flatMap(ProcessHandle::of);
      Duration startupTime = Duration.ofNanos(System.nanoTime() - began);
      return new Emulators(supervisor, s3mock, ready, startupTime, logs, temporary);
    } catch (IOException | RuntimeException e) {
      if (supervisor != null) {
        stop(supervisor, Optional.empty());
      }
      temporary.ifPresent(EmulatorInstallation::deleteRecursively);
      if (e instanceof IOException io) {
        throw new UncheckedIOException("Cannot start the emulators", io);
      }
      throw (RuntimeException) e;
    }
  }

  private static Map<String, Long> awaitReady(Process supervisor, Duration timeout, Path logs) {
    CompletableFuture<String> line = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(supervisor.getInputStream(), StandardCharsets.UTF_8))) {
        String first = in.readLine();
        line.complete(first);
        while (in.readLine() != null) {
          // drain: the supervisor prints nothing else on stdout
        }
      } catch (IOException e) {
        line.completeExceptionally(e);
      }
    }, "onebox-emulators-stdout");
    reader.setDaemon(true);
    reader.start();
    String ready;
    try {
      ready = line.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("The emulators did not start within " + timeout + "; log:\n" + logs(logs));
    } catch (ExecutionException e) {
      throw new IllegalStateException("Cannot read the emulators' ready line; log:\n" + logs(logs), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while starting the emulators", e);
    }
    if (ready == null || !ready.contains("\"ready\":true")) {
      throw new IllegalStateException("The emulators failed to start (supervisor said " + ready + "); log:\n" + logs(logs));
    }
    Map<String, Long> values = new java.util.HashMap<>();
    Matcher matcher = PORT.matcher(ready);
    while (matcher.find()) {
      values.put(matcher.group(1), Long.parseLong(matcher.group(2)));
    }
    for (String key : List.of("dynamodb", "kinesis", "s3")) {
      if (!values.containsKey(key)) {
        throw new IllegalStateException("The emulators' ready line lacks the " + key + " port: " + ready);
      }
    }
    return values;
  }

  private static String logs(Path logs) {
    return EmulatorInstallation.tail(logs.resolve("emulators.log"), 3000) + "\n--- s3mock.log:\n"
        + EmulatorInstallation.tail(logs.resolve("s3mock.log"), 3000);
  }

  public URI dynamoDbEndpoint() {
    return dynamoDbEndpoint;
  }

  public URI kinesisEndpoint() {
    return kinesisEndpoint;
  }

  public URI s3Endpoint() {
    return s3Endpoint;
  }

  /** From the call to {@code start} until every endpoint answered, install checks included. */
  public Duration startupTime() {
    return startupTime;
  }

  /** Where emulators.log (the supervisor) and s3mock.log are written. */
  public Path logDirectory() {
    return logDirectory;
  }

  /** The processes behind the emulators: the Node supervisor and the s3mock JVM. */
  public List<ProcessHandle> processes() {
    List<ProcessHandle> handles = new ArrayList<>();
    handles.add(supervisor.toHandle());
    s3mock.ifPresent(handles::add);
    return List.copyOf(handles);
  }

  public boolean isRunning() {
    return !closed && supervisor.isAlive();
  }

  /** A new DynamoDB client for the emulator; the caller closes it. */
  public DynamoDbClient dynamoDbClient() {
    return DynamoDbClient.builder()
        .endpointOverride(dynamoDbEndpoint)
        .region(REGION)
        .credentialsProvider(credentials())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  /**
   * A new Kinesis client for the emulator; the caller closes it. Sets the system property
   * {@code aws.cborEnabled=false} first: kinesalite cannot read the SDK's CBOR encoding.
   */
  public KinesisClient kinesisClient() {
    disableCbor();
    return KinesisClient.builder()
        .endpointOverride(kinesisEndpoint)
        .region(REGION)
        .credentialsProvider(credentials())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  /** A new S3 client (path-style) for the emulator; the caller closes it. */
  public S3Client s3Client() {
    return S3Client.builder()
        .endpointOverride(s3Endpoint)
        .region(REGION)
        .forcePathStyle(true)
        .credentialsProvider(credentials())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  /** Kinesalite cannot read CBOR: the SDK must send JSON. Call before creating Kinesis clients. */
  public static void disableCbor() {
    System.setProperty("aws.cborEnabled", "false");
  }

  public static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
  }

  /** Stops every emulator and waits until their processes are gone. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // called from the hook itself
    }
    try {
      supervisorStdin.close();
    } catch (IOException e) {
      // the supervisor is gone already
    }
    try {
      stop(supervisor, s3mock);
      temporaryDirectory.ifPresent(directory -> {
        try {
          EmulatorInstallation.deleteRecursively(directory);
        } catch (RuntimeException e) {
          System.err.println("onebox: cannot delete " + directory + ": " + e.getMessage());
        }
      });
    } finally {
      stopped.countDown();
    }
  }

  /**
   * Runs {@code close} unless {@code closed} opens within {@code grace} (someone else closed first); returns whether it
   * ran it. What the shutdown hook does, see {@link #EXIT_GRACE}.
   */
  static boolean closeUnlessClosedWithin(java.util.concurrent.CountDownLatch closed, Duration grace, Runnable close) {
    try {
      if (closed.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    close.run();
    return true;
  }

  private static void stop(Process supervisor, Optional<ProcessHandle> s3mock) {
    try {
      supervisor.getOutputStream().close();
    } catch (IOException e) {
      // already closed
    }
    try {
      if (!supervisor.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        supervisor.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      if (s3mock.isPresent() && s3mock.get().isAlive()) {
        try {
          s3mock.get().onExit().get(5, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
          s3mock.get().destroyForcibly();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      supervisor.destroyForcibly();
      s3mock.ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Override
  public String toString() {
    return "Emulators[dynamodb=" + dynamoDbEndpoint + ", kinesis=" + kinesisEndpoint + ", s3=" + s3Endpoint + "]";
  }

  private static String json(Path path) {
    return path == null ? "null" : json(path.toString());
  }

  private static String json(List<String> values) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      out.append(i == 0 ? "" : ",").append(json(values.get(i)));
    }
    return out.append(']').toString();
  }

  private static String json(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
