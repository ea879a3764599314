package dev.playback.test.clients;

import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The AWS CLI (v1 or v2, {@code aws} on the PATH) against the local stack: {@code test/clients/cli/transcript.sh}. */
class AwsCliIT extends AwsClientTranscript {
    @BeforeAll
    static void start() throws Exception {
        Optional<String> version = Clients.firstLine(Path.of("."), "aws", "--version");
        Clients.require(version.isPresent(), "AwsCliIT skipped: the AWS CLI ('aws') is not on the PATH; "
                + "install it with 'apt-get install awscli' (Debian) or 'pip install awscli'");
        System.out.println("AwsCliIT: " + version.get());
        startStack();
    }

    @Override
    String client() {
        return "cli";
    }

    @Override
    List<String> command(Path home, Path localFile) {
        return List.of("bash", home.resolve("test/clients/cli/transcript.sh").toString(), localFile.toString());
    }
}
