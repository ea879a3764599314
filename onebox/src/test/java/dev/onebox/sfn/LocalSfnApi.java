package dev.onebox.sfn;

import dev.onebox.sfn.api.SfnApiServer;
import dev.onebox.sfn.asl.SfnClock;
import dev.onebox.sfn.tasks.InProcessLambdaFunctions;
import dev.onebox.sfn.tasks.TaskClients;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.StateMachineType;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/** The local Step Functions (virtual time) behind its API server, and the AWS SDK's SfnClient talking to it. */
record LocalSfnApi(LocalStepFunctions sfn, SfnApiServer server, SfnClient client) implements AutoCloseable {
    static final String ROLE = "arn:aws:iam::123456789012:role/sfn";

    static LocalSfnApi start(InProcessLambdaFunctions functions) throws IOException {
        return start(functions, TaskClients.none());
    }

    static LocalSfnApi start(InProcessLambdaFunctions functions, TaskClients clients) throws IOException {
        LocalStepFunctions sfn = LocalStepFunctions.builder().clock(SfnClock.instant()).lambdaFunctions(functions)
                .taskClients(clients).build();
        SfnApiServer server = new SfnApiServer(sfn, 0).start();
        SfnClient client = SfnClient.builder()
                .endpointOverride(URI.create(server.endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(SfnApiServer.clientOverrides())
                .build();
        return new LocalSfnApi(sfn, server, client);
    }

    String create(String name, StateMachineType type, String definition) {
        return client.createStateMachine(b -> b.name(name).definition(definition).roleArn(ROLE).type(type)).stateMachineArn();
    }

    /** Waits (up to a minute) for the execution's current run to end, then describes it through the API. */
    DescribeExecutionResponse awaitEnd(String executionArn) {
        sfn.awaitExecution(executionArn, Duration.ofMinutes(1));
        return client.describeExecution(b -> b.executionArn(executionArn));
    }

    List<HistoryEvent> history(String executionArn) {
        return client.getExecutionHistoryPaginator(b -> b.executionArn(executionArn).maxResults(1000)).events().stream().toList();
    }

    @Override
    public void close() {
        client.close();
        server.close();
        sfn.close();
    }
}
