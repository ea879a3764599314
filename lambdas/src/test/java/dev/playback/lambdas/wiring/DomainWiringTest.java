package dev.playback.lambdas.wiring;

import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.dynamodb.DynamoReplayStore;
import dev.playback.lambdas.aws.dynamodb.DynamoSnapshotStore;
import dev.playback.lambdas.aws.dynamodb.DynamoStateStore;
import dev.playback.lambdas.config.Environment;
import dev.playback.model.domain.EffectfulProcessor;
import dev.playback.model.snapshot.SnapshotPolicy;
import dev.playback.model.store.StateSizeGuard;
import dev.playback.model.store.StateSizeLimits;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A function's wiring from its environment, without calling AWS (the SDK's clients connect at their first call). */
class DomainWiringTest {
    private static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(Map.of("EVENTS_TABLE", "events", "EVENT_IDS_TABLE", "ids", "DATA_TABLE", "data",
                "PAYLOAD_BUCKET", "payloads", "PLAYBACK_DOMAINS", "dev.playback.examples.ledger.Ledger", "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test"));
        env.putAll(Map.of("FEE_RULE", "v2", "FX_URL", "http://127.0.0.1:1/", "BANK_URL", "http://127.0.0.1:2/", "SUBJECT_KEY_TABLE", "keys"));
        return env;
    }

    private static DomainWiring wiring(Map<String, String> env) {
        return DomainWiring.from(new Environment(env), "LedgerFunction");
    }

    private static EffectfulProcessor payouts(DomainWiring w) {
        return w.domains().effectfulProcessors().get(0);
    }

    @Test
    void shouldNameAProcessorsOwnVariableInCapitals_whenItsNameHasOtherCharacters() {
        assertEquals("STATE_SIZE_LIMIT_BYTES_PAYOUTS_V2", DomainWiring.processorVariable("STATE_SIZE_LIMIT_BYTES", "payouts-v2"));
        assertEquals("SNAPSHOT_INTERVAL_BALANCES", DomainWiring.intervalVariable("balances"));
    }

    @Test
    void shouldGiveEachProcessorItsOwnStateSizeLimitsOrTheFunctions_whenVariablesSetThem() {
        Map<String, String> env = environment();
        env.putAll(Map.of("STATE_SIZE_WARNING_BYTES", "1000", "STATE_SIZE_LIMIT_BYTES", "5000", "STATE_SIZE_LIMIT_BYTES_BALANCES", "8000",
                "STATE_SIZE_WARNING_BYTES_BALANCES", "2000"));

        Function<String, StateSizeLimits> limits = wiring(env).stateSizeLimits(List.of("balances", "payouts"));

        assertEquals(new StateSizeLimits(2000, 8000), limits.apply("balances"));
        assertEquals(new StateSizeLimits(1000, 5000), limits.apply("payouts"));
        assertEquals(new StateSizeLimits(1000, 5000), limits.apply("unlisted"));
        assertEquals(StateSizeLimits.DEFAULT, wiring(environment()).stateSizeLimits(List.of("balances")).apply("balances"));
    }

    @Test
    void shouldNameTheVariablesAndTheFunction_whenALimitIsBelowItsWarning() {
        Map<String, String> env = environment();
        env.putAll(Map.of("STATE_SIZE_WARNING_BYTES", "9000", "STATE_SIZE_LIMIT_BYTES", "5000"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> wiring(env).stateSizeLimits(List.of()));
        assertEquals(true, e.getMessage().startsWith("LedgerFunction: STATE_SIZE_WARNING_BYTES/STATE_SIZE_LIMIT_BYTES: "), e.getMessage());
    }

    @Test
    void shouldTakeTheSnapshotIntervalsAndKeepFromTheVariables_whenSet() {
        Map<String, String> env = environment();
        env.putAll(Map.of("SNAPSHOT_INTERVAL", "50", "SNAPSHOT_INTERVAL_BALANCES", " 7 ", "SNAPSHOT_KEEP", "1"));

        assertEquals(new SnapshotPolicy(50, Map.of("balances", 7), 1), wiring(env).snapshotPolicy(List.of("balances", "payouts")));
        assertEquals(SnapshotPolicy.defaults(), wiring(environment()).snapshotPolicy(List.of("balances")));
    }

    @Test
    void shouldRefuseAnIntervalBelowOne_namingTheVariableAndValue() {
        Map<String, String> env = environment();
        env.put("SNAPSHOT_KEEP", "0");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> wiring(env).snapshotPolicy(List.of()));
        assertEquals("LedgerFunction: SNAPSHOT_KEEP must be a whole number >= 1, got '0'", e.getMessage());
    }

    @Test
    void shouldWireTheDynamoDbAndS3Adapters_whenTheVariablesNameThem() {
        Map<String, String> env = environment();
        env.put("SNAPSHOT_TABLE", "snapshots");
        env.put("RECORD_BUCKET", "records");
        DomainWiring w = wiring(env);

        assertInstanceOf(DynamoEventLog.class, w.events());
        assertInstanceOf(DynamoStateStore.class, w.states());
        assertInstanceOf(DynamoReplayStore.class, w.replays());
        assertInstanceOf(StateSizeGuard.class, w.guardedStates((m, p, n) -> { }, line -> { }));
        assertInstanceOf(DynamoSnapshotStore.class, w.snapshotStore().orElseThrow());
        assertEquals(true, w.snapshots(w.events(), (m, p, n) -> { }, line -> { }).enabled(), "SNAPSHOT_TABLE names a table: snapshots are taken");
        assertEquals(false, wiring(environment()).snapshots(w.events(), (m, p, n) -> { }, line -> { }).enabled());
        assertEquals(Optional.of("v2"), w.settings().optional("FEE_RULE"));
        assertEquals("payouts", w.processor(payouts(w)).name());
        assertNotNull(w.gateway(payouts(w)).log());
        assertInstanceOf(dev.playback.lambdas.aws.dynamodb.DynamoSubjectKeys.class, w.personalData().keys(), "no KMS key: the keys as stored");
        assertSame(w.personalData(), w.personalData(), "one per container");
        assertEquals(Optional.empty(), wiring(environment()).snapshotStore());
    }

    @Test
    void shouldNameTheMissingBucketAndTheProcessor_whenAProcessorWithExternalEffectsHasNoRecordBucket() {
        DomainWiring w = wiring(environment());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.gateway(payouts(w)));
        assertEquals("LedgerFunction: missing environment variable RECORD_BUCKET (processor payouts reaches external systems)", e.getMessage());
    }

    @Test
    void shouldRememberTheSubjectsKeysReadThroughKms_whenAKmsKeyIsNamed() {
        Map<String, String> env = environment();
        env.put("SUBJECT_KEYS_KMS_KEY", "alias/subject-keys");

        assertInstanceOf(dev.playback.model.privacy.CachedSubjectKeys.class, wiring(env).personalData().keys());
    }

    @Test
    void shouldNameTheMissingKeyTableAndTheFunction_whenPersonalDataIsWiredWithoutIt() {
        Map<String, String> env = environment();
        env.remove("SUBJECT_KEY_TABLE");
        DomainWiring w = wiring(env);

        IllegalStateException e = assertThrows(IllegalStateException.class, w::personalData);
        assertEquals("LedgerFunction: missing environment variable SUBJECT_KEY_TABLE (the table of the subjects' data keys)", e.getMessage());
    }
}
