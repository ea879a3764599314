package dev.playback.tools.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onebox.template.EventSource;
import dev.onebox.template.FunctionResource;
import dev.onebox.template.StreamResource;
import dev.onebox.template.TableResource;
import dev.onebox.template.Template;
import dev.onebox.template.TemplateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Playback's own template.yaml as onebox reads it: its storage, functions, stream mappings, routes and parameters. */
class RepositoryTemplateTest {
    private static final Path REAL = RepositoryTemplate.file();

    @Test
    void readsTheRepositoryTemplatesStorage() {
        Template template = RepositoryTemplate.load();

        TableResource events = template.table("EventsTable");
        assertEquals("EventsTable", events.tableName());
        assertEquals("arn:aws:dynamodb:us-east-1:000000000000:table/EventsTable", events.arn());
        assertEquals(List.of(new TableResource.KeyElement("aggregateId", "HASH"),
                new TableResource.KeyElement("version", "RANGE")), events.keySchema());
        assertEquals(Map.of("aggregateId", "S", "version", "N"), events.attributeDefinitions());
        assertEquals(List.of(), events.globalSecondaryIndexes(), "no index keyed by type or day alone");
        assertEquals("PAY_PER_REQUEST", events.billingMode());
        assertTrue(events.pointInTimeRecovery(), "the events table can be exported to S3 (point-in-time recovery)");
        assertFalse(template.table("SubjectKeyTable").pointInTimeRecovery(), "no restorable copy of a forgotten subject's key");

        TableResource index = template.table("EventIndexTable");
        assertEquals(List.of(new TableResource.KeyElement("p", "HASH"), new TableResource.KeyElement("k", "RANGE")), index.keySchema());
        assertEquals(Map.of("p", "S", "k", "S"), index.attributeDefinitions());
        assertEquals(List.of(), index.globalSecondaryIndexes());

        StreamResource stream = template.stream("EventStream");
        assertEquals(2, stream.shardCount());
        assertEquals(168, stream.retentionPeriodHours());
        assertEquals("arn:aws:kinesis:us-east-1:000000000000:stream/EventStream", stream.arn());

        assertEquals("payloadbucket", template.bucket("PayloadBucket").bucketName());
        assertEquals("arn:aws:s3:::failurebucket", template.bucket("FailureBucket").arn());
    }

    @Test
    void mergesGlobalsIntoEveryFunction() {
        Template template = RepositoryTemplate.load();

        FunctionResource pump = template.function("PumpFunction");
        assertEquals("dev.playback.lambdas.pump.PumpHandler", pump.handlerClass());
        assertEquals("handleRequest", pump.handlerMethod());
        assertEquals(60, pump.timeoutSeconds());
        assertEquals(1024, pump.memorySize());
        assertEquals("EventsTable", pump.environment().get("EVENTS_TABLE"));
        assertEquals("EventIndexTable", pump.environment().get("EVENT_INDEX_TABLE"));
        assertEquals("32", pump.environment().get("EVENT_INDEX_BUCKETS"));
        assertEquals("EventStream", pump.environment().get("EVENT_STREAM"));
        assertEquals("payloadbucket", pump.environment().get("PAYLOAD_BUCKET"));
        assertEquals("v2", pump.environment().get("FEE_RULE"));
        assertEquals("arn:aws:lambda:us-east-1:000000000000:function:PumpFunction", pump.arn());
    }

    @Test
    void readsKinesisEventSourcesWithTheirErrorHandling() {
        Template template = RepositoryTemplate.load();

        EventSource.Kinesis pump = template.function("PumpFunction").events(EventSource.Kinesis.class).get(0);
        assertEquals("EventStream", pump.streamName());
        assertEquals("arn:aws:kinesis:us-east-1:000000000000:stream/EventStream", pump.streamArn());
        assertEquals(EventSource.StartingPosition.TRIM_HORIZON, pump.startingPosition());
        assertEquals(500, pump.batchSize());
        assertEquals(Duration.ZERO, pump.maximumBatchingWindow());
        assertTrue(pump.bisectBatchOnFunctionError());
        assertEquals(-1, pump.maximumRetryAttempts(), "no retry budget that discards: the pump retries until it succeeds");
        assertEquals(-1, pump.maximumRecordAgeInSeconds());
        assertEquals(1, pump.parallelizationFactor());
        assertTrue(pump.reportBatchItemFailures());
        assertEquals(Optional.empty(), pump.onFailure(), "the pump sets undecodable records aside itself");
        assertEquals("failurebucket", template.function("PumpFunction").environment().get("FAILURE_BUCKET"));
        assertTrue(template.kinesisMappings().size() >= 2, "pump and projection at least; later functions add theirs");
    }

    @Test
    void noMappingHasARetryBudgetThatDiscardsAndEveryFunctionReadingAStreamCanSetRecordsAside() {
        Template template = RepositoryTemplate.load();
        int playback = 0;
        for (Template.KinesisMapping m : template.kinesisMappings()) {
            String function = m.function().logicalId();
            if (m.event().streamName().equals("PlaybackStream")) playback++;
            assertEquals(-1, m.event().maximumRetryAttempts(), function + ": retries until the record passes or is given up by the function");
            assertEquals(-1, m.event().maximumRecordAgeInSeconds(), function + ": no record expires unprocessed");
            assertEquals(Optional.empty(), m.event().onFailure(), function + ": nothing reaches an on-failure destination");
            assertEquals("failurebucket", m.function().environment().get("FAILURE_BUCKET"), function + " sets undecodable records aside there");
        }
        assertEquals(3, playback, "projection, payouts and invoicing read the playback stream");
    }

    @Test
    void theInvoicingFunctionRunsTheSubscriptionsProcessorWithItsOwnSettingsAndSecrets() {
        Map<String, String> parameters = new java.util.HashMap<>(RepositoryTemplate.PARAMETERS);
        parameters.put("ProrationRule", "v1");
        parameters.put("InvoiceCredentialsSecret", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:invoices-AbCdEf");
        Template template = Template.load(REAL, parameters);

        Map<String, String> invoicing = template.function("InvoicingFunction").environment();
        assertEquals("dev.playback.lambdas.processor.ProcessorHandler", template.function("InvoicingFunction").handlerClass());
        assertEquals("invoicing", invoicing.get("PROCESSORS"));
        assertEquals("dev.playback.examples.ledger.Ledger,dev.playback.examples.subscriptions.Subscriptions", invoicing.get("PLAYBACK_DOMAINS"));
        assertEquals("v1", invoicing.get("PRORATION_RULE"));
        assertEquals("http://127.0.0.1:18083", invoicing.get("TAX_URL"));
        assertEquals("http://127.0.0.1:18084", invoicing.get("INVOICE_URL"));
        assertEquals("", invoicing.get("TAX_CREDENTIALS_SECRET"));
        assertEquals("arn:aws:secretsmanager:eu-west-1:123456789012:secret:invoices-AbCdEf", invoicing.get("INVOICE_CREDENTIALS_SECRET"));
        assertEquals("failurebucket", invoicing.get("FAILURE_BUCKET"));
        assertEquals(List.of("PlaybackStream"), template.function("InvoicingFunction").events(EventSource.Kinesis.class).stream()
                .map(EventSource.Kinesis::streamName).toList());
        Map<String, String> replay = template.function("ReplayFunction").environment();
        assertEquals("arn:aws:secretsmanager:eu-west-1:123456789012:secret:invoices-AbCdEf", replay.get("INVOICE_CREDENTIALS_SECRET"),
                "a partial replay runs invoicing in the replay function too");
        assertEquals("v2", RepositoryTemplate.load().function("InvoicingFunction").environment().get("PRORATION_RULE"), "the default");
        assertEquals(null, template.function("PayoutsFunction").environment().get("INVOICE_CREDENTIALS_SECRET"),
                "each processor's function holds only its own secrets");
    }

    @Test
    void samconfigOverridesOnlyParametersTheTemplateDeclares() throws IOException {
        Template template = RepositoryTemplate.load();
        List<String> lines = Files.readAllLines(REAL.resolveSibling("samconfig.toml"));
        int overrides = 0;
        for (String line : lines) {
            if (!line.startsWith("parameter_overrides")) continue;
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\w+)=\\\\\"").matcher(line);
            while (m.find()) {
                overrides++;
                assertTrue(template.parameters().containsKey(m.group(1)), "samconfig.toml overrides " + m.group(1) + ", which template.yaml does not declare");
            }
        }
        assertTrue(overrides >= 2, "parameter overrides found in samconfig.toml: " + overrides);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("capabilities = \"CAPABILITY_IAM\"")), "deploys acknowledge the IAM roles SAM creates");
    }

    @Test
    void readsApiRoutes() {
        Template template = RepositoryTemplate.load();

        List<String> routes = template.apiRoutes().stream()
                .map(r -> r.event().method() + " " + r.event().path() + " -> " + r.function().logicalId()).toList();
        assertEquals(List.of("POST /events -> IngestFunction", "GET /events/{eventId} -> IngestFunction",
                "GET /aggregates/{aggregateId} -> IngestFunction",
                "GET /aggregates/{aggregateId}/events -> IngestFunction"), routes);
        assertEquals(List.of("PostEventsRoute", "GetEventRoute", "GetAggregateRoute", "GetAggregateEventsRoute"),
                template.apiRoutes().stream().map(r -> r.event().name()).toList());
        Map<String, String> jwt = new java.util.HashMap<>(RepositoryTemplate.PARAMETERS);
        jwt.putAll(Map.of("ApiAuth", "JWT", "JwtIssuer", "https://idp.example.org", "JwtAudience", "playback"));
        assertEquals(routes, Template.load(REAL, jwt).apiRoutes().stream()
                .map(r -> r.event().method() + " " + r.event().path() + " -> " + r.function().logicalId()).toList());
    }

    @Test
    void aParameterOutsideItsAllowedPatternFailsWithItsConstraintDescription() {
        TemplateException plain = assertThrows(TemplateException.class,
                () -> Template.load(REAL, with("FxUrl", "http://fx.example.org")));

        assertTrue(plain.getMessage().contains("parameter FxUrl = 'http://fx.example.org' does not match"), plain.getMessage());
        assertTrue(plain.getMessage().contains("FxUrl must be set to the https:// base URL of the FX service"), plain.getMessage());
        assertEquals("https://fx.example.org/v1", Template.load(REAL, with("FxUrl", "https://fx.example.org/v1"))
                .function("PayoutsFunction").environment().get("FX_URL"));
        TemplateException tax = assertThrows(TemplateException.class, () -> Template.load(REAL, with("TaxUrl", "")));
        assertTrue(tax.getMessage().contains("TaxUrl must be set to the https:// base URL of the tax-rate service"), tax.getMessage());
    }

    private static Map<String, String> with(String name, String value) {
        Map<String, String> parameters = new java.util.HashMap<>(RepositoryTemplate.PARAMETERS);
        parameters.put(name, value);
        return parameters;
    }
}
