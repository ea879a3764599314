package dev.onebox.emulators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmulatorInstallationTest {

  @Test
  void findsTheHomeAboveTheWorkingDirectory() {
    EmulatorInstallation installation = EmulatorInstallation.locate();
    assertTrue(Files.isRegularFile(installation.home().resolve("onebox/pom.xml")));
    assertTrue(Files.isRegularFile(installation.supervisorScript()));
    assertTrue(Files.isRegularFile(installation.emulatorsDirectory().resolve("package-lock.json")));
  }

  @Test
  void rejectsAFolderThatIsNotAHomeNamingIt(@TempDir Path elsewhere) {
    var error = assertThrows(IllegalArgumentException.class, () -> EmulatorInstallation.at(elsewhere));
    assertTrue(error.getMessage().contains(elsewhere.toString()), error.getMessage());
  }

  @Test
  void s3mockArgumentsBindToLoopbackAndKeepFilesOnlyWhenAsked(@TempDir Path root) {
    EmulatorInstallation installation = EmulatorInstallation.locate();
    var args = installation.s3mockArguments(root, true, false);
    assertTrue(args.contains("-Dserver.address=127.0.0.1"), args.toString());
    assertTrue(args.contains("-Dcom.adobe.testing.s3mock.store.retainFilesOnExit=true"), args.toString());
    assertEquals(S3MockMain.class.getName(), args.get(args.size() - 1));
    assertTrue(installation.s3mockArguments(root, false, false)
        .contains("-Dcom.adobe.testing.s3mock.store.retainFilesOnExit=false"));
  }
}
