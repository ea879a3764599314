package dev.playback.lambdas.wiring;

import dev.playback.lambdas.config.AwsClients;
import dev.playback.lambdas.config.Environment;
import dev.playback.lambdas.config.FunctionSettings;
import dev.playback.lambdas.config.Tables;

import dev.playback.lambdas.aws.dynamodb.DynamoEventLog;
import dev.playback.lambdas.aws.dynamodb.DynamoReplayStore;
import dev.playback.lambdas.aws.dynamodb.DynamoSnapshotStore;
import dev.playback.lambdas.aws.dynamodb.DynamoStateStore;
import dev.playback.lambdas.aws.dynamodb.DynamoSubjectKeys;
import dev.playback.lambdas.aws.dynamodb.KeyWrapping;
import dev.playback.lambdas.aws.kms.KmsKeyWrapping;
import dev.playback.lambdas.aws.gateway.DynamoCommandLog;
import dev.playback.lambdas.aws.gateway.S3QueryRecords;
import dev.playback.lambdas.aws.s3.S3PayloadStore;
import dev.playback.model.domain.Domains;
import dev.playback.model.domain.EffectfulProcessor;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayProcessor;
import dev.playback.model.metrics.Metrics;
import dev.playback.model.processor.Processor;
import dev.playback.model.processor.Snapshots;
import dev.playback.model.privacy.CachedSubjectKeys;
import dev.playback.model.privacy.PersonalData;
import dev.playback.model.privacy.RevealingExternalSystems;
import dev.playback.model.privacy.SubjectKeys;
import dev.playback.model.replay.ReplayStore;
import dev.playback.model.snapshot.SnapshotPolicy;
import dev.playback.model.snapshot.SnapshotStore;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.StateSizeGuard;
import dev.playback.model.store.StateSizeLimits;
import dev.playback.model.store.StateStore;

/**
 * A function's domains and the AWS adapters its processors use, wired from its environment: the domains named in
 * {@value Domains#VARIABLE}, the tables, and for processors with external effects {@code RECORD_BUCKET} (recorded
 * query answers) and what their domain reads from the {@link FunctionSettings}. Missing variables of Playback's own
 * are named together ({@link Environment#check}); a domain names what it misses itself.
 */
public final class DomainWiring {
    /** The table of the subjects' data keys ({@code SubjectKeyTable}). */
    public static final String SUBJECT_KEY_TABLE = "SUBJECT_KEY_TABLE";
    /** The KMS key that encrypts the data keys in that table (AWS); unset on the local stack, which has no KMS. */
    public static final String SUBJECT_KEYS_KMS_KEY = "SUBJECT_KEYS_KMS_KEY";
    /** How long a container remembers a subject's key read through KMS: a forget reaches a warm container within it. */
    public static final java.time.Duration KEY_CACHE_TTL = java.time.Duration.ofSeconds(60);
    private final Domains domains;
    private final Tables tables;
    private final AwsClients aws;
    private final FunctionSettings settings;
    private final String function;
    private PersonalData personal;

    private DomainWiring(Domains domains, Tables tables, AwsClients aws, FunctionSettings settings, String function) {
        this.domains = domains;
        this.tables = tables;
        this.aws = aws;
        this.settings = settings;
        this.function = function;
    }

    /** Throws naming every missing variable of Playback's own (with those {@code env} found missing before). */
    public static DomainWiring from(Environment env, String function) {
        Tables t = Tables.from(env);
        String domains = env.require(Domains.VARIABLE);
        env.check(function);
        AwsClients aws = new AwsClients(env);
        Domains loaded;
        try {
            loaded = Domains.load(domains);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(function + ": " + e.getMessage(), e);
        }
        return new DomainWiring(loaded, t, aws, FunctionSettings.withSecretsManager(env, function, aws::secretsManager), function);
    }

    public Domains domains() {
        return domains;
    }

    public AwsClients aws() {
        return aws;
    }

    public Tables tables() {
        return tables;
    }

    public FunctionSettings settings() {
        return settings;
    }

    public EventStore events() {
        return new DynamoEventLog(aws.dynamoDb(), tables.eventsTable(), tables.eventIdsTable(), new S3PayloadStore(aws.s3(), tables.payloadBucket()));
    }

    public StateStore states() {
        return new DynamoStateStore(aws.dynamoDb(), tables.dataTable());
    }

    /**
     * {@link #states()} behind the state-size guard of this function's settings ({@link #stateSizeLimits}): a save over
     * a processor's warning size is counted in {@code metrics} and told to {@code warn}, one over its limit refused.
     */
    public StateStore guardedStates(Metrics metrics, java.util.function.Consumer<String> warn) {
        return guarded(states(), metrics, warn);
    }

    /** {@code store} behind the state-size guard of this function's settings. */
    public StateStore guarded(StateStore store, Metrics metrics, java.util.function.Consumer<String> warn) {
        return new StateSizeGuard(store, stateSizeLimits(domains.processorNames()), metrics, warn);
    }

    /** Above this size of a state item a save is logged and counted (bytes; default {@value StateSizeLimits#DEFAULT_WARNING_BYTES}). */
    public static final String STATE_SIZE_WARNING_BYTES = "STATE_SIZE_WARNING_BYTES";
    /** Above this size of a state item a save is refused (bytes; default {@value StateSizeLimits#DEFAULT_LIMIT_BYTES}). */
    public static final String STATE_SIZE_LIMIT_BYTES = "STATE_SIZE_LIMIT_BYTES";

    /** {@code variable} for one processor: {@code _} and its name in capitals, e.g. {@code STATE_SIZE_LIMIT_BYTES_BALANCES}. */
    public static String processorVariable(String variable, String processor) {
        return variable + "_" + processor.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /**
     * The state-size limits of each of {@code processors}: {@value #STATE_SIZE_WARNING_BYTES} and
     * {@value #STATE_SIZE_LIMIT_BYTES}, each overridden for one processor by its own variable
     * ({@link #processorVariable}); other processors get the function's.
     */
    public java.util.function.Function<String, StateSizeLimits> stateSizeLimits(java.util.Collection<String> processors) {
        StateSizeLimits function = limits(STATE_SIZE_WARNING_BYTES, STATE_SIZE_LIMIT_BYTES, StateSizeLimits.DEFAULT);
        java.util.Map<String, StateSizeLimits> own = new java.util.HashMap<>();
        for (String p : processors) {
            own.put(p, limits(processorVariable(STATE_SIZE_WARNING_BYTES, p), processorVariable(STATE_SIZE_LIMIT_BYTES, p), function));
        }
        return p -> own.getOrDefault(p, function);
    }

    private StateSizeLimits limits(String warningVariable, String limitVariable, StateSizeLimits otherwise) {
        long warning = settings.optional(warningVariable).map(v -> (long) positive(warningVariable, v)).orElse(otherwise.warningBytes());
        long limit = settings.optional(limitVariable).map(v -> (long) positive(limitVariable, v)).orElse(otherwise.limitBytes());
        try {
            return new StateSizeLimits(warning, limit);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(function + ": " + warningVariable + "/" + limitVariable + ": " + e.getMessage(), e);
        }
    }

    public ReplayStore replays() {
        return new DynamoReplayStore(aws.dynamoDb(), tables.dataTable());
    }

    /** The processor, built from this function's settings. */
    public GatewayProcessor<?> processor(EffectfulProcessor p) {
        return p.build(settings);
    }

    /**
     * The gateway's ports for {@code p}: its external systems, the recorded answers ({@code RECORD_BUCKET}, required
     * here: only a function that runs a processor with external effects needs it) and the command log.
     */
    public GatewayPorts gateway(EffectfulProcessor p) {
        return new GatewayPorts(new RevealingExternalSystems(p.externalSystems().apply(settings), this::personalData),
                records(p), new DynamoCommandLog(aws.dynamoDb(), tables.dataTable()));
    }

    /**
     * Read-only ports for {@code p} ({@link GatewayPorts#recorded}): its recorded answers ({@code RECORD_BUCKET}) and the
     * command log, no external system; for folding it without effects (time travel).
     */
    public GatewayPorts recordedAnswers(EffectfulProcessor p) {
        return GatewayPorts.recorded(records(p), new DynamoCommandLog(aws.dynamoDb(), tables.dataTable()));
    }

    private S3QueryRecords records(EffectfulProcessor p) {
        String recordBucket = settings.optional("RECORD_BUCKET").orElseThrow(() -> new IllegalStateException(function
                + ": missing environment variable RECORD_BUCKET (processor " + p.name() + " reaches external systems)"));
        return new S3QueryRecords(aws.s3(), recordBucket);
    }

    /**
     * The personal data of this function's events ({@link PersonalData}), with the subjects' keys in
     * {@value #SUBJECT_KEY_TABLE}: encrypted by the KMS key {@value #SUBJECT_KEYS_KMS_KEY} and remembered for
     * {@link #KEY_CACHE_TTL} when that is set (AWS), raw and read each time when not (the local stack).
     */
    public synchronized PersonalData personalData() {
        if (personal == null) personal = new PersonalData(subjectKeys());
        return personal;
    }

    private SubjectKeys subjectKeys() {
        String table = settings.optional(SUBJECT_KEY_TABLE).orElseThrow(() -> new IllegalStateException(function
                + ": missing environment variable " + SUBJECT_KEY_TABLE + " (the table of the subjects' data keys)"));
        var kmsKey = settings.optional(SUBJECT_KEYS_KMS_KEY);
        if (kmsKey.isEmpty()) return new DynamoSubjectKeys(aws.dynamoDb(), table, KeyWrapping.NONE);
        return new CachedSubjectKeys(new DynamoSubjectKeys(aws.dynamoDb(), table, new KmsKeyWrapping(aws.kms(), kmsKey.get())),
                KEY_CACHE_TTL, 10_000, java.time.Clock.systemUTC());
    }

    /** The variable naming the snapshot table; without it a function writes no snapshot and time travel folds from the first event. */
    public static final String SNAPSHOT_TABLE = "SNAPSHOT_TABLE";
    /** Every how many events a snapshot is written (default {@value SnapshotPolicy#DEFAULT_INTERVAL}). */
    public static final String SNAPSHOT_INTERVAL = "SNAPSHOT_INTERVAL";
    /** How many snapshots are kept per processor, logic version and aggregate (default {@value SnapshotPolicy#DEFAULT_KEEP}). */
    public static final String SNAPSHOT_KEEP = "SNAPSHOT_KEEP";

    /** The snapshot store {@value #SNAPSHOT_TABLE} names, if it names one. */
    public java.util.Optional<SnapshotStore> snapshotStore() {
        return settings.optional(SNAPSHOT_TABLE).map(t -> new DynamoSnapshotStore(aws.dynamoDb(), t));
    }

    /** The variable that sets one processor's interval: {@code SNAPSHOT_INTERVAL_} and its name in capitals, e.g. {@code SNAPSHOT_INTERVAL_BALANCES}. */
    public static String intervalVariable(String processor) {
        return processorVariable(SNAPSHOT_INTERVAL, processor);
    }

    /** The snapshot policy of {@code processors} from {@value #SNAPSHOT_INTERVAL}, their own intervals and {@value #SNAPSHOT_KEEP}. */
    public SnapshotPolicy snapshotPolicy(java.util.Collection<String> processors) {
        int interval = settings.optional(SNAPSHOT_INTERVAL).map(v -> positive(SNAPSHOT_INTERVAL, v)).orElse(SnapshotPolicy.DEFAULT_INTERVAL);
        java.util.Map<String, Integer> own = new java.util.HashMap<>();
        for (String p : processors) settings.optional(intervalVariable(p)).ifPresent(v -> own.put(p, positive(intervalVariable(p), v)));
        int keep = settings.optional(SNAPSHOT_KEEP).map(v -> positive(SNAPSHOT_KEEP, v)).orElse(SnapshotPolicy.DEFAULT_KEEP);
        return new SnapshotPolicy(interval, own, keep);
    }

    private int positive(String variable, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 1) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalStateException(function + ": " + variable + " must be a whole number >= 1, got '" + value + "'");
        }
    }

    /**
     * The snapshots of this function's processors, with and without external effects: none without
     * {@value #SNAPSHOT_TABLE}. A snapshot that cannot be written is counted in {@code metrics} and told to {@code warn}.
     */
    public Snapshots snapshots(EventStore events, Metrics metrics, java.util.function.Consumer<String> warn) {
        java.util.List<String> names = domains.processorNames();
        return snapshotStore().map(store -> new Snapshots(store, events, domains.catalog(), snapshotPolicy(names), metrics, warn))
                .orElse(Snapshots.none());
    }
}
