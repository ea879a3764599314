package dev.playback.test.gateway;

import dev.playback.lambdas.aws.gateway.DynamoCommandLog;
import dev.playback.lambdas.aws.gateway.S3QueryRecords;
import dev.playback.local.LocalOptions;
import dev.playback.local.LocalStack;
import dev.playback.model.gateway.CommandLog;
import dev.playback.model.gateway.GatewayStoresContract;
import dev.playback.model.gateway.QueryRecords;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The gateway stores' contract against S3 (s3mock) and DynamoDB (dynalite), provisioned from template.yaml. */
class AwsGatewayStoresIT extends GatewayStoresContract {
    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.start(LocalOptions.inMemory());
    }

    @AfterAll
    static void stop() {
        if (stack != null) stack.close();
    }

    @Override
    protected QueryRecords records() {
        return new S3QueryRecords(stack.s3(), stack.physicalName("RecordBucket"));
    }

    @Override
    protected CommandLog log() {
        return new DynamoCommandLog(stack.dynamoDb(), stack.physicalName("DataTable"));
    }
}
