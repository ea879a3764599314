package dev.playback.tools.cli;

import dev.playback.tools.client.PlaybackApi;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The options of a command that talks to the HTTP API ({@code reverse}, {@code show}): where it is and how to sign. */
public final class ApiOptions {
    @Option(names = "--api", paramLabel = "URL", description = "the API's URL")
    String url;
    @Option(names = "--aws", description = "sign requests with SigV4 (the SDK's default credentials and region)")
    boolean aws;
    @Option(names = "--stack", paramLabel = "NAME", description = "with --aws: the deployed stack whose output ApiUrl is the API")
    String stackName;

    /** The API these options name ({@link AwsTarget#api}); a usage error of {@code spec}'s command when they name none. */
    PlaybackApi api(CommandSpec spec) {
        return AwsTarget.api(spec, url, aws, stackName);
    }
}
