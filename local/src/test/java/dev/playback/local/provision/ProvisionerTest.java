package dev.playback.local.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.playback.local.eventsource.fakes.FakeDynamoDb;
import dev.playback.local.eventsource.fakes.FakeKinesis;
import dev.playback.local.eventsource.fakes.FakeS3;
import dev.playback.local.template.RepositoryTemplate;
import dev.playback.local.template.Template;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

class ProvisionerTest {
    private final FakeDynamoDb dynamoDb = new FakeDynamoDb();
    private final FakeKinesis kinesis = new FakeKinesis();
    private final FakeS3 s3 = new FakeS3();
    private final Provisioner provisioner = new Provisioner(dynamoDb, kinesis, s3);
    private final Template template = RepositoryTemplate.load();

    @Test
    void createsEveryTableStreamAndBucketOfTheTemplate() {
        List<Provisioner.Provisioned> result = provisioner.provision(template);

        assertTrue(result.stream().allMatch(p -> p.outcome() == Provisioner.Outcome.CREATED), result.toString());
        CreateTableRequest events = dynamoDb.created.get("EventsTable");
        assertEquals(BillingMode.PAY_PER_REQUEST, events.billingMode());
        assertEquals("aggregateId", events.keySchema().get(0).attributeName());
        assertEquals("version", events.keySchema().get(1).attributeName());
        assertEquals(3, dynamoDb.created.size());
        assertEquals(List.of("EventStream", "PlaybackStream"), kinesis.streamNames());
        assertEquals(2, kinesis.shardCount("EventStream"));
        assertEquals(168, kinesis.retention.get("EventStream"));
        assertTrue(s3.hasBucket("payloadbucket") && s3.hasBucket("failurebucket"));
    }

    @Test
    void aSecondRunKeepsWhatExists() {
        provisioner.provision(template);
        kinesis.put("EventStream", 0, "k", "kept");

        List<Provisioner.Provisioned> again = provisioner.provision(template);

        assertTrue(again.stream().allMatch(p -> p.outcome() == Provisioner.Outcome.EXISTED), again.toString());
        assertEquals(2, kinesis.shardCount("EventStream"));
    }
}
