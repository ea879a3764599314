package dev.playback.tools.cli;

import dev.playback.lambdas.aws.dynamodb.DynamoSubjectKeys;
import dev.playback.lambdas.aws.dynamodb.KeyWrapping;
import dev.playback.lambdas.wiring.DomainWiring;
import dev.playback.model.privacy.PersonalData;
import dev.playback.model.privacy.PersonalToken;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code playback forget SUBJECT [--aws [--stack NAME]] [--subject-key-table T] [--local-file FILE]}: deletes the subject's
 * data key from the stack's {@code SubjectKeyTable}. Every personal field sealed with it (events, claim-check payloads,
 * states, command logs, reports) reads as {@value PersonalData#REDACTED} from then on; nothing else is rewritten.
 * Forgetting a subject again changes nothing.
 */
@Command(name = "forget", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Forgets a subject of personal data (right to be forgotten): deletes its data key, so that its personal "
                + "fields read as " + PersonalData.REDACTED + " everywhere from now on, while events, amounts and versions stay as "
                + "they are and replays keep working. Idempotent.",
                "Locally the table comes from the running 'playback local'; with --aws from --subject-key-table, else "
                        + "$PLAYBACK_SUBJECT_KEY_TABLE, else the outputs of --stack NAME."})
public final class ForgetCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SUBJECT", description = "the subject, e.g. an account id (the ledger's personal fields belong to the account)")
    String subject;
    @Option(names = "--aws", description = "on AWS (the SDK's default credentials and region)")
    boolean aws;
    @Option(names = "--stack", paramLabel = "NAME", description = "with --aws: the deployed stack whose outputs name the table")
    String stackName;
    @Option(names = "--subject-key-table", paramLabel = "NAME", description = "the table of the subjects' data keys")
    String table;
    @Option(names = "--local-file", paramLabel = "FILE", description = "the running local stack's endpoints file (default: .playback/local.json)")
    Path file;
    @Spec
    CommandSpec spec;

    private final PrintStream out;

    public ForgetCommand(Streams streams) {
        this.out = streams.out();
    }

    /** Exit code: 0 done (also when there was nothing to forget), 2 usage error. */
    @Override
    public Integer call() throws Exception {
        if (!PersonalToken.SUBJECT.matcher(subject).matches()) {
            throw Usage.error(spec, "SUBJECT must be 1-128 characters of A-Z a-z 0-9 . _ : -, not '" + subject + "'");
        }
        try (DynamoTables tables = DynamoTables.open(spec, aws, stackName, file)) {
            String keys = tables.table(spec, table, "--subject-key-table", "PLAYBACK_SUBJECT_KEY_TABLE", StackOutputs.SUBJECT_KEY_TABLE,
                    "SubjectKeyTable");
            out.println(forget(tables.dynamo(), keys, subject));
        }
        return 0;
    }

    /** Deletes {@code subject}'s key from {@code table}; what was done, in one line. */
    public static String forget(DynamoDbClient dynamo, String table, String subject) {
        // Deleting needs no unwrapping: the wrapping named here is never used.
        boolean deleted = new DynamoSubjectKeys(dynamo, table, KeyWrapping.NONE).forget(subject);
        return deleted
                ? "forgot subject " + subject + ": deleted its data key from " + table + "; its personal fields read as "
                        + PersonalData.REDACTED + " from now on (a function that read the key through KMS may still use it for up to "
                        + DomainWiring.KEY_CACHE_TTL.toSeconds() + " s)"
                : "subject " + subject + " has no data key in " + table + " (it never had personal data, or was forgotten already): "
                        + "nothing to delete";
    }
}
