package dev.onebox.provision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onebox.eventsource.fakes.FakeDynamoDb;
import dev.onebox.eventsource.fakes.FakeKinesis;
import dev.onebox.eventsource.fakes.FakeS3;
import dev.onebox.template.SampleApp;
import dev.onebox.template.Template;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

class ProvisionerTest {
    private final FakeDynamoDb dynamoDb = new FakeDynamoDb();
    private final FakeKinesis kinesis = new FakeKinesis();
    private final FakeS3 s3 = new FakeS3();
    private final Provisioner provisioner = new Provisioner(dynamoDb, kinesis, s3);
    private final Template template = SampleApp.load();

    @Test
    void createsEveryTableStreamAndBucketOfTheTemplate() {
        List<Provisioner.Provisioned> result = provisioner.provision(template);

        assertTrue(result.stream().allMatch(p -> p.outcome() == Provisioner.Outcome.CREATED), result.toString());
        CreateTableRequest orders = dynamoDb.created.get("OrdersTable");
        assertEquals(BillingMode.PAY_PER_REQUEST, orders.billingMode());
        assertEquals("orderId", orders.keySchema().get(0).attributeName());
        assertEquals("line", orders.keySchema().get(1).attributeName());
        assertEquals(java.util.Set.of("OrdersTable", "CustomersTable"), dynamoDb.created.keySet());
        assertEquals(List.of("OrderStream", "ShipmentStream"), kinesis.streamNames());
        assertEquals(2, kinesis.shardCount("OrderStream"));
        assertEquals(168, kinesis.retention.get("OrderStream"));
        assertTrue(s3.hasBucket("archivebucket") && s3.hasBucket("failurebucket"));
    }

    @Test
    void aSecondRunKeepsWhatExists() {
        provisioner.provision(template);
        kinesis.put("OrderStream", 0, "k", "kept");

        List<Provisioner.Provisioned> again = provisioner.provision(template);

        assertTrue(again.stream().allMatch(p -> p.outcome() == Provisioner.Outcome.EXISTED), again.toString());
        assertEquals(2, kinesis.shardCount("OrderStream"));
    }
}
