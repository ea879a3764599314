package dev.onebox.emulators;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Finds the project and installs what the emulators need on first use: the pinned npm packages
 * ({@code npm ci} in {@code onebox/emulators}), the s3mock exec jar (into the local Maven
 * repository), an extracted copy of that jar (Spring Boot starts about twice as fast from it) and,
 * optionally, an application class-data-sharing archive for s3mock.
 *
 * <p>Safe when several JVMs start at once: every step runs under a file lock on
 * {@code onebox/emulators/.install.lock} (and a JVM-wide lock, as file locks are per process).
 */
public final class EmulatorInstallation {

  public static final String S3MOCK_VERSION = "4.11.0";
  static final String S3MOCK_ARTIFACT = "com.adobe.testing:s3mock:" + S3MOCK_VERSION + ":jar:exec";
  static final String HOME_PROPERTY = "onebox.home";

  private static final ReentrantLock JVM_LOCK = new ReentrantLock();
  private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration MVN_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(2);

  private final Path home;

  private EmulatorInstallation(Path home) {
    this.home = home;
  }

  /**
   * The home found through the system property {@code onebox.home}, else the nearest folder at or
   * above the working directory that holds {@code onebox/emulators}.
   */
  public static EmulatorInstallation locate() {
    String property = System.getProperty(HOME_PROPERTY);
    if (property != null && !property.isBlank()) {
      Path home = Path.of(property).toAbsolutePath().normalize();
      if (!isProjectRoot(home)) {
        throw new IllegalStateException("System property " + HOME_PROPERTY + "=" + property
            + " does not name the onebox home (a folder with onebox/emulators)");
      }
      return new EmulatorInstallation(home);
    }
    Path start = Path.of("").toAbsolutePath().normalize();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      if (isProjectRoot(dir)) {
        return new EmulatorInstallation(dir);
      }
    }
    throw new IllegalStateException("Cannot find the onebox home from " + start
        + ": no folder at or above it holds onebox/emulators; set -D" + HOME_PROPERTY + "=<folder>");
  }

  public static EmulatorInstallation at(Path home) {
    Path root = home.toAbsolutePath().normalize();
    if (!isProjectRoot(root)) {
      throw new IllegalArgumentException(root + " is not a onebox home (no onebox/emulators/package.json)");
    }
    return new EmulatorInstallation(root);
  }

  private static boolean isProjectRoot(Path dir) {
    return Files.isRegularFile(dir.resolve("onebox/emulators/package.json"));
  }

  public Path home() {
    return home;
  }

  public Path emulatorsDirectory() {
    return home.resolve("onebox/emulators");
  }

  Path supervisorScript() {
    return emulatorsDirectory().resolve("emulators.js");
  }

  Path s3mockLoopbackXml() {
    return emulatorsDirectory().resolve("s3mock-loopback.xml");
  }

  private Path cacheDirectory() {
    return emulatorsDirectory().resolve(".cache");
  }

  private Path s3mockDirectory() {
    return cacheDirectory().resolve("s3mock-" + S3MOCK_VERSION);
  }

  /** The extracted s3mock application jar (its manifest names the libraries beside it). */
  Path s3mockApplicationJar() {
    return s3mockDirectory().resolve("extracted/s3mock-" + S3MOCK_VERSION + "-exec.jar");
  }

  /** A jar holding only {@link S3MockMain}, put first on s3mock's class path. */
  Path s3mockMainJar() {
    return s3mockDirectory().resolve("onebox-s3mock-main.jar");
  }

  /** The class-data-sharing archive for the running JDK, if trained. */
  Optional<Path> s3mockSharedArchive() {
    Path archive = sharedArchivePath();
    return Files.isRegularFile(archive) ? Optional.of(archive) : Optional.empty();
  }

  private Path sharedArchivePath() {
    String jdk = System.getProperty("java.home") + "|" + System.getProperty("java.vm.version");
    return s3mockDirectory().resolve("s3mock-" + sha256(jdk.getBytes(StandardCharsets.UTF_8)).substring(0, 12) + ".jsa");
  }

  /** The s3mock exec jar in the local Maven repository ({@code maven.repo.local}, else ~/.m2/repository). */
  static Path s3mockExecJar() {
    String repo = System.getProperty("maven.repo.local");
    Path repository = repo != null && !repo.isBlank()
        ? Path.of(repo)
        : Path.of(System.getProperty("user.home"), ".m2", "repository");
    return repository.resolve("com/adobe/testing/s3mock/" + S3MOCK_VERSION + "/s3mock-" + S3MOCK_VERSION + "-exec.jar");
  }

  /** Installs whatever is missing or stale. */
  public void ensureInstalled(boolean trainSharedArchive) {
    JVM_LOCK.lock();
    try {
      Files.createDirectories(cacheDirectory());
      try (FileChannel channel = FileChannel.open(emulatorsDirectory().resolve(".install.lock"),
              StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock ignored = channel.lock()) {
        ensureNodeModules();
        ensureS3mockJar();
        ensureS3mockExtracted();
        ensureS3mockMainJar();
        if (trainSharedArchive) {
          ensureSharedArchive();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot install the emulators in " + emulatorsDirectory(), e);
    } finally {
      JVM_LOCK.unlock();
    }
  }

  private void ensureNodeModules() throws IOException {
    Path lockfile = emulatorsDirectory().resolve("package-lock.json");
    if (!Files.isRegularFile(lockfile)) {
      throw new IllegalStateException("Missing " + lockfile + ": the emulators' npm packages must be pinned");
    }
    String wanted = sha256(Files.readAllBytes(lockfile));
    Path stamp = emulatorsDirectory().resolve("node_modules/.onebox-lock.sha256");
    if (Files.isRegularFile(stamp) && Files.readString(stamp).trim().equals(wanted)) {
      return;
    }
    System.out.println("onebox: installing emulator npm packages (npm ci in " + emulatorsDirectory() + ")");
    run(List.of(npmCommand(), "ci", "--no-audit", "--no-fund"), emulatorsDirectory(), NPM_TIMEOUT, "npm ci");
    Files.writeString(stamp, wanted + "\n");
  }

  private void ensureS3mockJar() throws IOException {
    Path jar = s3mockExecJar();
    if (Files.isRegularFile(jar)) {
      return;
    }
    System.out.println("onebox: installing s3mock " + S3MOCK_VERSION + " into the local Maven repository (" + jar + ")");
    List<String> command = new ArrayList<>(List.of(mvnCommand(), "-q", "-B", "dependency:get",
        "-Dartifact=" + S3MOCK_ARTIFACT, "-Dtransitive=false"));
    String repo = System.getProperty("maven.repo.local");
    if (repo != null && !repo.isBlank()) {
      command.add("-Dmaven.repo.local=" + repo);
    }
    run(command, emulatorsDirectory(), MVN_TIMEOUT, "mvn dependency:get " + S3MOCK_ARTIFACT);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("mvn dependency:get " + S3MOCK_ARTIFACT + " succeeded but " + jar + " is missing");
    }
  }

  private void ensureS3mockExtracted() throws IOException {
    Path done = s3mockDirectory().resolve("extracted.ok");
    // the version is in the folder name; the size tells a replaced jar (not where the repository is)
    String source = "size " + Files.size(s3mockExecJar());
    if (Files.isRegularFile(done) && Files.readString(done).equals(source) && Files.isRegularFile(s3mockApplicationJar())) {
      return;
    }
    System.out.println("onebox: extracting s3mock " + S3MOCK_VERSION + " for a faster start (" + s3mockDirectory() + ")");
    deleteRecursively(s3mockDirectory());
    Files.createDirectories(s3mockDirectory());
    Path temporary = Files.createTempDirectory(s3mockDirectory(), "extract-");
    run(List.of(javaCommand(), "-Djarmode=tools", "-jar", s3mockExecJar().toString(), "extract", "--destination",
            temporary.resolve("out").toString()),
        s3mockDirectory(), MVN_TIMEOUT, "extract s3mock");
    Files.move(temporary.resolve("out"), s3mockDirectory().resolve("extracted"), StandardCopyOption.ATOMIC_MOVE);
    deleteRecursively(temporary);
    Files.writeString(done, source);
  }

  private void ensureS3mockMainJar() throws IOException {
    String resource = S3MockMain.class.getName().replace('.', '/') + ".class";
    byte[] classBytes;
    try (InputStream in = S3MockMain.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Cannot read " + resource + " from the class path");
      }
      classBytes = in.readAllBytes();
    }
    Path jar = s3mockMainJar();
    Path stamp = s3mockDirectory().resolve("onebox-s3mock-main.sha256");
    String wanted = sha256(classBytes);
    if (Files.isRegularFile(jar) && Files.isRegularFile(stamp) && Files.readString(stamp).equals(wanted)) {
      return;
    }
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    Path temporary = Files.createTempFile(s3mockDirectory(), "main-", ".jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(temporary), manifest)) {
      out.putNextEntry(new JarEntry(resource));
      out.write(classBytes);
      out.closeEntry();
    }
    Files.move(temporary, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.writeString(stamp, wanted);
    // the class path changed, so any trained archive no longer matches it
    try (Stream<Path> archives = Files.list(s3mockDirectory())) {
      for (Path archive : archives.filter(p -> p.getFileName().toString().endsWith(".jsa")).toList()) {
        Files.deleteIfExists(archive);
      }
    }
  }

  private void ensureSharedArchive() throws IOException {
    Path archive = sharedArchivePath();
    Path failed = Path.of(archive + ".failed");
    if (Files.isRegularFile(archive) || Files.isRegularFile(failed)) {
      return;
    }
    System.out.println("onebox: training a class-data-sharing archive for s3mock (once per JDK, a few seconds)");
    Path work = Files.createTempDirectory(s3mockDirectory(), "train-");
    Path temporary = work.resolve("s3mock.jsa");
    try {
      List<String> command = new ArrayList<>();
      command.add(javaCommand());
      command.add("-XX:ArchiveClassesAtExit=" + temporary);
      // stop right after the context refreshed, before Tomcat opens its ports
      command.add("-Dspring.context.exit=onRefresh");
      command.addAll(s3mockArguments(work.resolve("root"), false, false));
      ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
          .redirectOutput(work.resolve("train.log").toFile());
      Process process = builder.start();
      // stdin stays open until the process ends: S3MockMain exits when it closes
      boolean ended = process.waitFor(TRAINING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (!ended) {
        process.destroyForcibly();
      }
      process.getOutputStream().close();
      if (ended && process.exitValue() == 0 && Files.isRegularFile(temporary) && Files.size(temporary) > 0) {
        Files.move(temporary, archive, StandardCopyOption.ATOMIC_MOVE);
      } else {
        Files.writeString(failed, "training exited with " + (ended ? process.exitValue() : "timeout")
            + "; log:\n" + tail(work.resolve("train.log"), 4000));
        System.out.println("onebox: s3mock archive training failed, s3mock starts without it; see " + failed);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while training the s3mock archive", e);
    } finally {
      deleteRecursively(work);
    }
  }

  /**
   * JVM options, class path, main class and system properties for s3mock (without the java
   * command). {@code root} is s3mock's store root; with {@code retainFiles} its files survive exit.
   */
  List<String> s3mockArguments(Path root, boolean retainFiles, boolean useSharedArchive) {
    List<String> args = new ArrayList<>(List.of(
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-Xms32m",
        "-Xmx384m",
        "-Xss512k",
        "-XX:CICompilerCount=1",
        "-Xlog:disable",
        "-Xlog:all=error:stderr"));
    if (useSharedArchive) {
      s3mockSharedArchive().ifPresentOrElse(
          archive -> args.add("-XX:SharedArchiveFile=" + archive), () -> args.add("-Xshare:auto"));
    } else {
      args.add("-Xshare:auto");
    }
    args.addAll(List.of(
        "-Djava.awt.headless=true",
        "-Dfile.encoding=UTF-8",
        "-Dserver.address=127.0.0.1",
        "-Dserver.port=0",
        "-Dserver.ssl.enabled=false",
        "-Dcom.adobe.testing.s3mock.httpPort=0",
        "-Dspring.main.sources=" + s3mockLoopbackXml().toUri(),
        "-Dspring.main.banner-mode=off",
        "-Dlogging.level.root=WARN",
        "-Dlogging.level.org.springframework.boot.web.embedded.tomcat.TomcatWebServer=INFO",
        "-Dcom.adobe.testing.s3mock.store.region=us-east-1",
        "-Dcom.adobe.testing.s3mock.store.root=" + root,
        "-Dcom.adobe.testing.s3mock.store.retainFilesOnExit=" + retainFiles,
        "-cp",
        s3mockMainJar() + java.io.File.pathSeparator + s3mockApplicationJar(),
        S3MockMain.class.getName()));
    return args;
  }

  static String javaCommand() {
    Path java = Path.of(System.getProperty("java.home"), "bin", isWindows() ? "java.exe" : "java");
    return Files.isExecutable(java) ? java.toString() : "java";
  }

  static String nodeCommand() {
    return System.getProperty("onebox.node", "node");
  }

  private static String npmCommand() {
    return isWindows() ? "npm.cmd" : "npm";
  }

  private static String mvnCommand() {
    return isWindows() ? "mvn.cmd" : "mvn";
  }

  private static boolean isWindows() {
    return System.getProperty("os.name", "").toLowerCase().startsWith("windows");
  }

  /** Runs a command, its output in a log file that is shown when it fails. */
  private static void run(List<String> command, Path directory, Duration timeout, String what) throws IOException {
    Path log = Files.createTempFile("onebox-install-", ".log");
    try {
      Process process;
      try {
        process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullFile())).start();
      } catch (IOException e) {
        throw new IllegalStateException("Cannot run " + command.get(0) + " for " + what
            + " (is it installed and on the PATH?): " + e.getMessage(), e);
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(what + " did not finish within " + timeout + " in " + directory
            + "; output:\n" + tail(log, 4000));
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(what + " failed with exit code " + process.exitValue() + " in " + directory
            + " (command: " + String.join(" ", command) + "); output:\n" + tail(log, 4000));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted during " + what, e);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static java.io.File nullFile() {
    return new java.io.File(isWindows() ? "NUL" : "/dev/null");
  }

  static String tail(Path file, int maxChars) {
    try {
      if (!Files.isRegularFile(file)) {
        return "(no " + file + ")";
      }
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return text.length() <= maxChars ? text : "..." + text.substring(text.length() - maxChars);
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  static void deleteRecursively(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    for (int attempt = 1; ; attempt++) {
      try (Stream<Path> walk = Files.walk(path)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
        return;
      } catch (IOException | UncheckedIOException e) {
        // files may vanish while we walk (a process still cleaning up): try again
        if (attempt == 3) {
          throw new IllegalStateException("Cannot delete " + path + ": " + e.getMessage(), e);
        }
      }
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "EmulatorInstallation[" + home + "]";
  }
}
