package dev.playback.lambdas.payouts;

import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.dynamodb.DynamoStateStore;
import dev.playback.lambdas.aws.gateway.DynamoCommandLog;
import dev.playback.lambdas.aws.gateway.ExternalCredentials;
import dev.playback.lambdas.aws.gateway.HttpExternalSystems;
import dev.playback.lambdas.aws.gateway.S3QueryRecords;
import dev.playback.lambdas.aws.s3.S3PayloadStore;
import dev.playback.lambdas.config.AwsClients;
import dev.playback.lambdas.config.Environment;
import dev.playback.lambdas.config.Tables;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.ledger.FeeRule;
import dev.playback.model.ledger.Ledger;
import dev.playback.model.ledger.PayoutsProcessor;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.StateStore;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;

/**
 * Everything the payouts processor needs, wired from a function's environment: {@code FEE_RULE},
 * {@code FX_URL}, {@code BANK_URL}, {@code RECORD_BUCKET} (recorded query answers), the tables and, optionally,
 * {@code FX_CREDENTIALS_SECRET} / {@code BANK_CREDENTIALS_SECRET} (Secrets Manager secrets holding the external systems'
 * Authorization headers, read here, once, at cold start: {@link ExternalCredentials}),
 * {@code REPORT_BUCKET} (gateway reports of replays: per-batch pieces, and the journal of what reached outside) and {@code PLAYBACK_STREAM}
 * (records from it that are not replay batches are not processed live). Missing variables are named together.
 */
public record PayoutsWiring(PayoutsProcessor processor, GatewayPorts gateway, EventStore events, StateStore states,
                            dev.playback.model.replay.ReplayStore replays, S3Client s3, String reportBucket,
                            String playbackStream) {
    static final int CACHED_STATES = 500;

    public static PayoutsWiring from(Environment env, String function) {
        Tables t = Tables.from(env);
        String feeRule = env.require("FEE_RULE");
        String fx = env.require("FX_URL");
        String bank = env.require("BANK_URL");
        String records = env.require("RECORD_BUCKET");
        env.check(function);
        AwsClients aws = new AwsClients(env);
        var dynamo = aws.dynamoDb();
        S3Client s3 = aws.s3();
        EventStore events = new DynamoEventLog(dynamo, t.eventsTable(), t.eventIdsTable(), new S3PayloadStore(s3, t.payloadBucket()));
        // Like the projection's: the states this container wrote are remembered, and saved only if nobody else wrote them since.
        StateStore states = new dev.playback.model.store.CachedStateStore(new DynamoStateStore(dynamo, t.dataTable()), CACHED_STATES);
        ExternalCredentials credentials = ExternalCredentials.fromSecretsManager(env, aws::secretsManager);
        GatewayPorts ports = new GatewayPorts(new HttpExternalSystems(URI.create(fx), URI.create(bank), credentials),
                new S3QueryRecords(s3, records), new DynamoCommandLog(dynamo, t.dataTable()));
        return new PayoutsWiring(Ledger.payouts(FeeRule.parse(feeRule)), ports, events, states,
                new dev.playback.lambdas.aws.dynamodb.DynamoReplayStore(dynamo, t.dataTable()), s3,
                env.optional("REPORT_BUCKET").orElse(null), env.optional("PLAYBACK_STREAM").orElse(null));
    }
}
