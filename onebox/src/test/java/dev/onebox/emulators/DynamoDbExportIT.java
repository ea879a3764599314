package dev.onebox.emulators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.ExportFormat;
import software.amazon.awssdk.services.dynamodb.model.ExportNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ExportStatus;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryUnavailableException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The DynamoDB endpoint's point-in-time recovery settings and export to S3 (emulators/dynamodb-exports.js), through
 * the SDK: the export's files in the local S3 hold exactly the items put.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DynamoDbExportIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "exports";

  private Emulators emulators;
  private DynamoDbClient dynamo;
  private S3Client s3;

  @BeforeAll
  void start() {
    Emulators.disableCbor();
    emulators = Emulators.start(EmulatorOptions.inMemory());
    dynamo = emulators.dynamoDbClient();
    s3 = emulators.s3Client();
    s3.createBucket(b -> b.bucket(BUCKET));
  }

  @AfterAll
  void stop() {
    if (dynamo != null) dynamo.close();
    if (s3 != null) s3.close();
    if (emulators != null) emulators.close();
  }

  private String createTable(String name) {
    return dynamo.createTable(b -> b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S),
            a -> a.attributeName("n").attributeType(ScalarAttributeType.N))
        .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH), k -> k.attributeName("n").keyType(KeyType.RANGE)))
        .tableDescription().tableArn();
  }

  private ExportDescription awaitEnd(String exportArn) {
    return Awaitility.await("export " + exportArn + " ends").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
        .until(() -> dynamo.describeExport(b -> b.exportArn(exportArn)).exportDescription(), d -> d.exportStatus() != ExportStatus.IN_PROGRESS);
  }

  @Test
  void shouldWriteEveryItemInAwsLayout_whenATableWithPitrIsExported() throws Exception {
    String arn = createTable("orders");
    Map<String, Map<String, AttributeValue>> put = new HashMap<>();
    for (int i = 0; i < 1_234; i++) {
      Map<String, AttributeValue> item = Map.of("id", AttributeValue.fromS("order-" + (i % 97)), "n", AttributeValue.fromN(Integer.toString(i)),
          "body", AttributeValue.fromS("é payload " + i), "tags", AttributeValue.fromSs(List.of("a" + i, "b")),
          "nested", AttributeValue.fromM(Map.of("amount", AttributeValue.fromN(i + ".25"), "ok", AttributeValue.fromBool(i % 2 == 0))));
      put.put("order-" + (i % 97) + "/" + i, item);
    }
    for (List<Map<String, AttributeValue>> batch : batches(List.copyOf(put.values()))) {
      dynamo.batchWriteItem(b -> b.requestItems(Map.of("orders", batch.stream()
          .map(item -> software.amazon.awssdk.services.dynamodb.model.WriteRequest.builder().putRequest(p -> p.item(item)).build()).toList())));
    }
    assertEquals(PointInTimeRecoveryStatus.DISABLED, dynamo.describeContinuousBackups(b -> b.tableName("orders"))
        .continuousBackupsDescription().pointInTimeRecoveryDescription().pointInTimeRecoveryStatus());
    dynamo.updateContinuousBackups(b -> b.tableName("orders").pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
    assertEquals(PointInTimeRecoveryStatus.ENABLED, dynamo.describeContinuousBackups(b -> b.tableName("orders"))
        .continuousBackupsDescription().pointInTimeRecoveryDescription().pointInTimeRecoveryStatus());

    ExportDescription started = dynamo.exportTableToPointInTime(b -> b.tableArn(arn).s3Bucket(BUCKET).s3Prefix("runs/1")
        .exportFormat(ExportFormat.DYNAMODB_JSON)).exportDescription();
    assertEquals(ExportStatus.IN_PROGRESS, started.exportStatus());
    assertTrue(started.exportArn().matches("arn:aws:dynamodb:us-east-1:000000000000:table/orders/export/\\d{14}-[0-9a-f]{8}"),
        started.exportArn());
    ExportDescription done = awaitEnd(started.exportArn());
    assertEquals(ExportStatus.COMPLETED, done.exportStatus(), done.failureMessage());
    assertEquals(1_234L, done.itemCount());
    String exportId = started.exportArn().substring(started.exportArn().lastIndexOf('/') + 1);
    assertEquals("runs/1/AWSDynamoDB/" + exportId + "/manifest-summary.json", done.exportManifest());
    assertTrue(dynamo.listExports(b -> b.tableArn(arn)).exportSummaries().stream().anyMatch(s -> s.exportArn().equals(started.exportArn())));

    JsonNode summary = JSON.readTree(object(done.exportManifest()));
    assertEquals(started.exportArn(), summary.path("exportArn").asText());
    assertEquals(arn, summary.path("tableArn").asText());
    assertEquals("DYNAMODB_JSON", summary.path("outputFormat").asText());
    assertEquals(1_234, summary.path("itemCount").asLong());
    Map<String, Map<String, AttributeValue>> read = new HashMap<>();
    long filesItems = 0;
    for (String line : new String(object(summary.path("manifestFilesS3Key").asText()), StandardCharsets.UTF_8).split("\n")) {
      JsonNode file = JSON.readTree(line);
      String key = file.path("dataFileS3Key").asText();
      assertTrue(key.matches("runs/1/AWSDynamoDB/" + exportId + "/data/[a-z2-7]{26}\\.json\\.gz"), key);
      byte[] gz = object(key);
      assertEquals(Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(gz)), file.path("md5Checksum").asText());
      long items = 0;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(new ByteArrayInputStream(gz)), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          Map<String, AttributeValue> item = item(JSON.readTree(l).get("Item"));
          read.put(item.get("id").s() + "/" + item.get("n").n(), item);
          items++;
        }
      }
      assertEquals(file.path("itemCount").asLong(), items, key);
      filesItems += items;
    }
    assertEquals(1_234, filesItems);
    assertEquals(put.keySet(), read.keySet());
    for (String key : put.keySet()) assertEquals(put.get(key), read.get(key), key);
  }

  @Test
  void shouldRefuseTheExport_whenPitrIsOff() {
    String arn = createTable("no-pitr");
    PointInTimeRecoveryUnavailableException e = assertThrows(PointInTimeRecoveryUnavailableException.class,
        () -> dynamo.exportTableToPointInTime(b -> b.tableArn(arn).s3Bucket(BUCKET)));
    assertTrue(e.getMessage().contains("no-pitr"), e.getMessage());
  }

  @Test
  void shouldFailTheExport_whenTheBucketDoesNotExist() {
    String arn = createTable("to-nowhere");
    dynamo.updateContinuousBackups(b -> b.tableName("to-nowhere").pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
    String exportArn = dynamo.exportTableToPointInTime(b -> b.tableArn(arn).s3Bucket("no-such-bucket")).exportDescription().exportArn();
    ExportDescription d = awaitEnd(exportArn);
    assertEquals(ExportStatus.FAILED, d.exportStatus());
    assertEquals("S3NoSuchBucket", d.failureCode());
    assertThrows(ExportNotFoundException.class, () -> dynamo.describeExport(b -> b.exportArn(exportArn + "0")));
  }

  @Test
  void shouldGiveTheSameExport_whenTheClientTokenIsRepeated() {
    String arn = createTable("tokens");
    dynamo.updateContinuousBackups(b -> b.tableName("tokens").pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
    String first = dynamo.exportTableToPointInTime(b -> b.tableArn(arn).s3Bucket(BUCKET).clientToken("t-1")).exportDescription().exportArn();
    String again = dynamo.exportTableToPointInTime(b -> b.tableArn(arn).s3Bucket(BUCKET).clientToken("t-1")).exportDescription().exportArn();
    assertEquals(first, again);
    assertEquals(ExportStatus.COMPLETED, awaitEnd(first).exportStatus());
  }

  private byte[] object(String key) {
    return s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
  }

  private static List<List<Map<String, AttributeValue>>> batches(List<Map<String, AttributeValue>> items) {
    List<List<Map<String, AttributeValue>>> out = new java.util.ArrayList<>();
    for (int i = 0; i < items.size(); i += 25) out.add(items.subList(i, Math.min(items.size(), i + 25)));
    return out;
  }

  /** An item in DynamoDB JSON, decoded here by hand (independent of the production reader). */
  private static Map<String, AttributeValue> item(JsonNode n) {
    Map<String, AttributeValue> out = new HashMap<>();
    n.fields().forEachRemaining(e -> out.put(e.getKey(), value(e.getValue())));
    return out;
  }

  private static AttributeValue value(JsonNode v) {
    if (v.has("S")) return AttributeValue.fromS(v.get("S").asText());
    if (v.has("N")) return AttributeValue.fromN(v.get("N").asText());
    if (v.has("BOOL")) return AttributeValue.fromBool(v.get("BOOL").asBoolean());
    if (v.has("SS")) {
      List<String> ss = new java.util.ArrayList<>();
      v.get("SS").forEach(s -> ss.add(s.asText()));
      return AttributeValue.fromSs(ss);
    }
    if (v.has("M")) return AttributeValue.fromM(item(v.get("M")));
    throw new IllegalArgumentException("unexpected attribute value " + v);
  }
}
