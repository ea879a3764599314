package dev.onebox.http;

import dev.onebox.template.LocalNames;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.signer.Aws4Signer;
import software.amazon.awssdk.auth.signer.params.Aws4SignerParams;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * API Gateway's {@code AWS_IAM} authorization, on the local API: a request must carry an AWS Signature Version 4
 * {@code Authorization} header for service {@code execute-api} in the local region, made with the local stack's
 * credentials. The signature is recomputed with the SDK's own signer over the method, path,
 * query, the headers the client signed and the body received, at the client's {@code X-Amz-Date}, and compared with the
 * one given. Refusals answer what API Gateway answers: 403 {@code Missing Authentication Token} (no signature),
 * {@code The security token included in the request is invalid.} (unknown access key), {@code The request signature
 * we calculated does not match ...} (anything signed differs, e.g. a tampered body), {@code Signature expired}
 * (more than 5 minutes from the server's clock). IAM policies are not evaluated: the local credentials may call
 * every route.
 */
public final class IamAuthorizer {
    public static final String SERVICE = "execute-api";
    /** The dummy credentials every client of the local stack uses. */
    public static final AwsCredentialsIdentity LOCAL_CREDENTIALS = AwsCredentialsIdentity.create("local", "local");
    static final String SIGNATURE_MISMATCH = "The request signature we calculated does not match the signature you provided. "
            + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final Duration SKEW = Duration.ofMinutes(5);
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** Why a request was refused: API Gateway's error type and message. */
    public record Refusal(String errorType, String message) {
    }

    private final AwsCredentialsIdentity credentials;
    private final String region;
    private final Clock clock;

    public IamAuthorizer(AwsCredentialsIdentity credentials, String region, Clock clock) {
        this.credentials = credentials;
        this.region = region;
        this.clock = clock;
    }

    /** The local stack's credentials and region. */
    public static IamAuthorizer local() {
        return new IamAuthorizer(LOCAL_CREDENTIALS, LocalNames.REGION, Clock.systemUTC());
    }

    /**
     * @param uri     the request's path and query as received (raw, percent-encoded), with its host
     * @param headers the request's headers (any case of names)
     * @return empty when the request is signed by the known credentials; else why not
     */
    public Optional<Refusal> check(String method, URI uri, Map<String, List<String>> headers, byte[] body) {
        Map<String, List<String>> lower = new LinkedHashMap<>();
        headers.forEach((name, values) -> lower.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new java.util.ArrayList<>()).addAll(values));
        String authorization = first(lower, "authorization");
        if (authorization == null || !authorization.startsWith(ALGORITHM + " ")) {
            return refuse("MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        Map<String, String> parts = parts(authorization.substring(ALGORITHM.length() + 1));
        String credential = parts.get("Credential");
        String signedHeaders = parts.get("SignedHeaders");
        String signature = parts.get("Signature");
        if (credential == null || signedHeaders == null || signature == null) {
            return refuse("IncompleteSignatureException", "Authorization header requires 'Credential', 'Signature' and "
                    + "'SignedHeaders' parameters. Authorization=" + authorization);
        }
        String[] scope = credential.split("/");
        if (scope.length != 5 || !scope[4].equals("aws4_request")) {
            return refuse("IncompleteSignatureException", "Credential should be of the form "
                    + "ACCESSKEY/DATE/REGION/SERVICE/aws4_request: " + credential);
        }
        if (!scope[0].equals(credentials.accessKeyId())) {
            return refuse("UnrecognizedClientException", "The security token included in the request is invalid.");
        }
        if (!scope[2].equals(region)) {
            return refuse("InvalidSignatureException", "Credential should be scoped to a valid region, not '" + scope[2] + "'.");
        }
        if (!scope[3].equals(SERVICE)) {
            return refuse("InvalidSignatureException", "Credential should be scoped to correct service: '" + SERVICE + "'.");
        }
        String date = first(lower, "x-amz-date");
        Instant signedAt;
        try {
            signedAt = date == null ? null : AMZ_DATE.parse(date, Instant::from);
        } catch (DateTimeParseException e) {
            signedAt = null;
        }
        if (signedAt == null || !scope[1].equals(date.substring(0, 8))) {
            return refuse("IncompleteSignatureException", "Authorization header requires existence of either a "
                    + "'X-Amz-Date' or a 'Date' header, matching the date of its Credential.");
        }
        Instant now = clock.instant();
        if (Duration.between(signedAt, now).abs().compareTo(SKEW) > 0) {
            return refuse("InvalidSignatureException", "Signature expired: " + date + " is now earlier than "
                    + AMZ_DATE.format(now.minus(SKEW)) + " (" + AMZ_DATE.format(now) + " - 5 min.)");
        }
        List<String> signedNames = List.of(signedHeaders.split(";"));
        if (!signedNames.contains("host")) {
            return refuse("IncompleteSignatureException", "'Host' must be a 'SignedHeader' in the AWS Authorization.");
        }
        String expected = recompute(method, uri, lower, signedNames, body, signedAt);
        String given = "SignedHeaders=" + signedHeaders + ", Signature=" + signature;
        if (expected == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII))) {
            return refuse("InvalidSignatureException", SIGNATURE_MISMATCH);
        }
        return Optional.empty();
    }

    /**
     * {@code SignedHeaders=..., Signature=...} as the SDK signs the same request at the same time; null if a signed
     * header is missing. The SDK's {@code Aws4Signer} signs exactly the headers it is given and hashes the body into
     * the canonical request, as API Gateway does; {@code AwsV4HttpSigner} always adds {@code x-amz-content-sha256} to
     * what it signs, so it cannot recompute a signature of a client that did not sign that header (curl, botocore).
     */
    @SuppressWarnings("deprecation")
    private String recompute(String method, URI uri, Map<String, List<String>> headers, List<String> signedNames,
                             byte[] body, Instant signedAt) {
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder().method(SdkHttpMethod.fromValue(method))
                .uri(URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath()))
                .contentStreamProvider(ContentStreamProvider.fromByteArray(body));
        String rawQuery = uri.getRawQuery();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                request.appendRawQueryParameter(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        for (String name : signedNames) {
            List<String> values = headers.get(name);
            if (values == null) return null;
            // the signer sets these two itself, from the URI and the signing time
            if (!name.equals("x-amz-date") && !name.equals("host")) request.putHeader(name, values);
        }
        Aws4SignerParams params = Aws4SignerParams.builder()
                .awsCredentials(AwsBasicCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey()))
                .signingName(SERVICE).signingRegion(Region.of(region))
                .signingClockOverride(Clock.fixed(signedAt, ZoneOffset.UTC)).build();
        SdkHttpFullRequest signed = Aws4Signer.create().sign(request.build(), params);
        String authorization = signed.firstMatchingHeader("Authorization").orElse("");
        int at = authorization.indexOf("SignedHeaders=");
        return at < 0 ? null : authorization.substring(at);
    }

    private static Map<String, String> parts(String text) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq > 0) parts.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return parts;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static Optional<Refusal> refuse(String errorType, String message) {
        return Optional.of(new Refusal(errorType, message));
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
