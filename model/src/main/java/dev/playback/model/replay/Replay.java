package dev.playback.model.replay;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One replay as recorded: what it rebuilds into and with which settings, and how it went.
 *
 * @param generation the generation it builds ({@code g<N>} for a rebuild, {@code shadow-<id>} for a
 *                   verification; null for a partial replay, which writes the active generation)
 * @param scope      a partial replay's scope as requested, a verification's {@code knownAt} ({@code {"knownAt"}}); null otherwise
 * @param result     what {@code finish} returned, kept so that a repeated finish answers the same
 * @param gatewayMode    how processors with external effects treat the gateway in this replay
 *                       ({@code suppress}, {@code diff}, {@code allow:<gateway>[,<gateway>]}); {@code suppress} when null
 * @param missingRecords what a query without a record does in this replay ({@code fail} or {@code live}); {@code fail} when null
 * @param requestedBy    who asked for the replay, as far as it is known: how the request came ({@code via}: {@code eventbridge}
 *                       or {@code execution}) and what that channel tells (the event's source, account, id and time; the
 *                       execution's ARN and name), and what the request itself claimed ({@code claimed}); null when not recorded
 */
public record Replay(String replayId, ReplayKind kind, String generation, List<String> processors, int segments,
                     int batchSize, boolean reportOnly, ReplayStatus status, Instant startedAt, String detail,
                     JsonNode scope, long aggregatesRead, long rebuilt, long events, JsonNode result,
                     String gatewayMode, String missingRecords, JsonNode requestedBy) {
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,80}");
    public static final String DEFAULT_GATEWAY_MODE = "suppress";
    public static final String DEFAULT_MISSING_RECORDS = "fail";

    public Replay {
        Objects.requireNonNull(replayId, "replayId");
        Objects.requireNonNull(kind, "kind");
        processors = List.copyOf(processors);
        Objects.requireNonNull(status, "status");
        gatewayMode = gatewayMode == null ? DEFAULT_GATEWAY_MODE : gatewayMode;
        missingRecords = missingRecords == null ? DEFAULT_MISSING_RECORDS : missingRecords;
    }

    /** A replay with no requester recorded. */
    public Replay(String replayId, ReplayKind kind, String generation, List<String> processors, int segments,
                  int batchSize, boolean reportOnly, ReplayStatus status, Instant startedAt, String detail,
                  JsonNode scope, long aggregatesRead, long rebuilt, long events, JsonNode result,
                  String gatewayMode, String missingRecords) {
        this(replayId, kind, generation, processors, segments, batchSize, reportOnly, status, startedAt, detail, scope,
                aggregatesRead, rebuilt, events, result, gatewayMode, missingRecords, null);
    }

    public static String requireValidId(String replayId) {
        if (replayId == null || !ID.matcher(replayId).matches()) {
            throw new IllegalArgumentException("replayId '" + replayId + "' is not valid: 1 to 80 of A-Z a-z 0-9 . _ : -");
        }
        return replayId;
    }

    public Replay withStatus(ReplayStatus newStatus, String newDetail) {
        return new Replay(replayId, kind, generation, processors, segments, batchSize, reportOnly, newStatus, startedAt,
                newDetail, scope, aggregatesRead, rebuilt, events, result, gatewayMode, missingRecords, requestedBy);
    }

    public Replay withResult(JsonNode newResult) {
        return new Replay(replayId, kind, generation, processors, segments, batchSize, reportOnly, status, startedAt,
                detail, scope, aggregatesRead, rebuilt, events, newResult, gatewayMode, missingRecords, requestedBy);
    }
}
