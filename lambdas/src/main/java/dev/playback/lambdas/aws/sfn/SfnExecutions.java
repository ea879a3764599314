package dev.playback.lambdas.aws.sfn;

import dev.playback.model.replay.Executions;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;

import java.util.Optional;

/** {@link Executions} from Step Functions' DescribeExecution. */
public final class SfnExecutions implements Executions {
    private final SfnClient sfn;

    public SfnExecutions(SfnClient sfn) {
        this.sfn = sfn;
    }

    @Override
    public Optional<Status> describe(String executionArn) {
        try {
            DescribeExecutionResponse r = sfn.describeExecution(d -> d.executionArn(executionArn));
            return Optional.of(new Status(r.statusAsString(), r.error(), r.cause()));
        } catch (ExecutionDoesNotExistException e) {
            return Optional.empty();
        }
    }
}
