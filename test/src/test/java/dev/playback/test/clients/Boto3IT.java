package dev.playback.test.clients;

import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** boto3 (the first of {@code python3}, {@code /usr/bin/python3} that has it) against the local stack: {@code test/clients/python/transcript.py}. */
class Boto3IT extends AwsClientTranscript {
    static String python;

    @BeforeAll
    static void start() throws Exception {
        python = Stream.of("python3", "/usr/bin/python3")
                .filter(p -> Clients.firstLine(Path.of("."), p, "-c", "import boto3; print(boto3.__version__)").isPresent())
                .findFirst().orElse(null);
        Clients.require(python != null, "Boto3IT skipped: no python3 with boto3 (tried python3, /usr/bin/python3); "
                + "install it with 'apt-get install python3-boto3' (Debian) or 'pip install boto3'");
        System.out.println("Boto3IT: " + python + " with boto3 "
                + Clients.firstLine(Path.of("."), python, "-c", "import boto3; print(boto3.__version__)").orElse("?"));
        startStack();
    }

    @Override
    String client() {
        return "python";
    }

    @Override
    List<String> command(Path home, Path localFile) {
        return List.of(python, home.resolve("test/clients/python/transcript.py").toString(), localFile.toString());
    }
}
