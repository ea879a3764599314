package dev.playback.test.clients;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * The AWS SDK for JavaScript v3 (Node.js; {@code @aws-sdk/client-sfn} and {@code @aws-sdk/client-eventbridge}, pinned by
 * {@code test/clients/js/package-lock.json} and installed by this test with {@code npm ci} when missing or when the
 * lockfile changed) against the local stack: {@code test/clients/js/transcript.mjs}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class JavaScriptSdkIT extends AwsClientTranscript {
    @Override
    String client() {
        return "js";
    }

    @Override
    List<String> command(Path home, Path localFile) throws Exception {
        Path js = home.resolve("test/clients/js");
        Optional<String> node = Clients.firstLine(js, "node", "--version");
        Clients.require(node.isPresent() && Clients.firstLine(js, "npm", "--version").isPresent(),
                "JavaScriptSdkIT: Node.js and npm are not on the PATH; install them with 'apt-get install nodejs npm' (Debian)");
        String lock = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(js.resolve("package-lock.json"))));
        Path stamp = js.resolve("node_modules/.playback-lock.sha256");
        if (!Files.isRegularFile(stamp) || !Files.readString(stamp).strip().equals(lock)) {
            System.out.println("JavaScriptSdkIT: npm ci in " + js);
            Clients.require(Clients.firstLine(js, "npm", "ci", "--no-audit", "--no-fund").isPresent(),
                    "JavaScriptSdkIT: 'npm ci' in " + js + " failed (no npm registry?); run it there to see why");
            Files.writeString(stamp, lock + "\n");
        }
        System.out.println("JavaScriptSdkIT: node " + node.get());
        return List.of("node", js.resolve("transcript.mjs").toString(), localFile.toString());
    }
}
