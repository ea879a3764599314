package dev.playback.test.clients;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/** The AWS CLI (v1 or v2, {@code aws} on the PATH) against the local stack: {@code test/clients/cli/transcript.sh}. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class AwsCliIT extends AwsClientTranscript {
    @Override
    String client() {
        return "cli";
    }

    @Override
    List<String> command(Path home, Path localFile) {
        Optional<String> version = Clients.firstLine(home, "aws", "--version");
        Clients.require(version.isPresent(), "AwsCliIT: the AWS CLI ('aws') is not on the PATH; "
                + "install it with 'apt-get install awscli' (Debian) or 'pip install awscli'");
        System.out.println("AwsCliIT: " + version.get());
        return List.of("bash", home.resolve("test/clients/cli/transcript.sh").toString(), localFile.toString());
    }
}
