package dev.playback.test.clients;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/** boto3 (the first of {@code python3}, {@code /usr/bin/python3} that has it) against the local stack: {@code test/clients/python/transcript.py}. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class Boto3IT extends AwsClientTranscript {
    @Override
    String client() {
        return "python";
    }

    @Override
    List<String> command(Path home, Path localFile) {
        Optional<String> python = Stream.of("python3", "/usr/bin/python3")
                .filter(p -> Clients.firstLine(home, p, "-c", "import boto3").isPresent()).findFirst();
        Clients.require(python.isPresent(), "Boto3IT: no python3 with boto3 (tried python3, /usr/bin/python3); "
                + "install it with 'apt-get install python3-boto3' (Debian) or 'pip install boto3'");
        System.out.println("Boto3IT: " + python.get() + " with boto3 "
                + Clients.firstLine(home, python.get(), "-c", "import boto3; print(boto3.__version__)").orElse("?"));
        return List.of(python.get(), home.resolve("test/clients/python/transcript.py").toString(), localFile.toString());
    }
}
