package dev.playback.tools.cli;

import dev.playback.tools.client.PlaybackApi;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

import java.net.URI;
import java.util.function.Supplier;

/**
 * What {@code --aws} and {@code --stack NAME} mean for every command: the SDK's default credentials and region, the
 * deployed stack's outputs, and a name chosen from an option, else an environment variable, else the stack.
 */
final class AwsTarget {
    private AwsTarget() {
    }

    /** Runs {@code body}; the SDK's "no region / no credentials" becomes a usage error that says what to set. */
    static <T> T withDefaults(Supplier<T> body) {
        try {
            return body.get();
        } catch (SdkClientException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage().split(":")[0];
            throw new UsageException("--aws: " + why + " (set AWS_REGION and credentials, or AWS_PROFILE)");
        }
    }

    /** The outputs of the deployed stack {@code stackName}, with the default credentials and region. */
    static StackOutputs describe(String stackName) {
        try (CloudFormationClient cloudFormation = CloudFormationClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
            return StackOutputs.describe(cloudFormation, stackName);
        }
    }

    /** {@code option}, else {@code environmentValue} when not blank, else the stack's output {@code key}, else null. */
    static String pick(String option, String environmentValue, StackOutputs stack, String key) {
        if (option != null) return option;
        if (environmentValue != null && !environmentValue.isBlank()) return environmentValue;
        return stack == null ? null : stack.find(key).orElse(null);
    }

    /** The deployed API, its requests signed with the default credentials in the default region. */
    static PlaybackApi signedApi(URI url) {
        return withDefaults(() -> PlaybackApi.signed(url, DefaultCredentialsProvider.builder().build(),
                DefaultAwsRegionProviderChain.builder().build().getRegion().id()));
    }

    /**
     * The API a command talks to: {@code --api URL}, else ({@code --aws --stack NAME}) the stack's {@code ApiUrl} output,
     * else {@code $PLAYBACK_API} (printed by {@code playback local}); its requests signed with SigV4 under {@code --aws}.
     */
    static PlaybackApi api(picocli.CommandLine.Model.CommandSpec spec, String url, boolean aws, String stackName) {
        if (stackName != null && !aws) throw Usage.error(spec, "option --stack needs --aws");
        if (url == null && stackName != null) url = withDefaults(() -> describe(stackName)).require(StackOutputs.API_URL);
        if (url == null) url = System.getenv("PLAYBACK_API");
        if (url == null) throw Usage.error(spec, "no API URL: pass --api URL or set PLAYBACK_API (see 'playback local'), or --aws --stack NAME");
        URI api;
        try {
            api = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw Usage.error(spec, "option --api: '" + url + "' is not a URL");
        }
        return aws ? signedApi(api) : new PlaybackApi(api);
    }
}
