package dev.playback.test.clients;

import dev.playback.test.process.LocalProcess;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The AWS SDK for JavaScript v3 (Node.js; {@code @aws-sdk/client-sfn} and {@code @aws-sdk/client-eventbridge}, pinned by
 * {@code test/clients/js/package-lock.json} and installed here with {@code npm ci} when missing) against the local stack:
 * {@code test/clients/js/transcript.mjs}.
 */
class JavaScriptSdkIT extends AwsClientTranscript {
    @BeforeAll
    static void start() throws Exception {
        Path js = LocalProcess.projectHome().resolve("test/clients/js");
        Optional<String> node = Clients.firstLine(js, "node", "--version");
        Clients.require(node.isPresent() && Clients.firstLine(js, "npm", "--version").isPresent(),
                "JavaScriptSdkIT skipped: Node.js and npm are not on the PATH; install them with 'apt-get install nodejs npm' (Debian)");
        boolean installed = Clients.firstLine(js, "node", "-e", "import('@aws-sdk/client-sfn').then(() => import('@aws-sdk/client-eventbridge'))").isPresent()
                || Clients.firstLine(js, "npm", "ci", "--no-audit", "--no-fund").isPresent();
        Clients.require(installed, "JavaScriptSdkIT skipped: 'npm ci' in " + js + " failed (no npm registry?); run it there by hand");
        System.out.println("JavaScriptSdkIT: node " + node.get());
        startStack();
    }

    @Override
    String client() {
        return "js";
    }

    @Override
    List<String> command(Path home, Path localFile) {
        return List.of("node", home.resolve("test/clients/js/transcript.mjs").toString(), localFile.toString());
    }
}
