package dev.onebox.emulators;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;

/**
 * Entry point of the s3mock JVM: runs s3mock and exits as soon as its standard input reaches end
 * of file, that is when the process that spawned it (the Node supervisor) is gone for any reason,
 * SIGKILL included. Copied into a jar of its own at install time (see {@link EmulatorInstallation}),
 * so it must depend on nothing but the JDK and s3mock.
 */
public final class S3MockMain {

  static final String S3MOCK_MAIN = "com.adobe.testing.s3mock.S3MockApplication";

  private S3MockMain() {}

  public static void main(String[] args) throws Throwable {
    Thread watch = new Thread(S3MockMain::exitWhenStdinCloses, "onebox-stdin-watch");
    watch.setDaemon(true);
    watch.start();
    try {
      Class.forName(S3MOCK_MAIN).getMethod("main", String[].class).invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void exitWhenStdinCloses() {
    InputStream in = System.in;
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) >= 0) {
        // the supervisor never writes; anything it does write is ignored
      }
    } catch (IOException e) {
      // a broken pipe means the same as end of file
    }
    System.exit(0);
  }
}
