package dev.shoehorn.backup.storage;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.Predicate;

import org.jboss.logging.Logger;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * PUTs that never replace an object. S3 and most compatible stores honour {@code If-None-Match: *}
 * and answer 412 when the key exists (409 ConditionalRequestConflict while another such write to it
 * is under way); some refuse the header (501) and some ignore it and overwrite. A probe finds out
 * once: it writes an object under {@code <prefix>/.probe/} twice, and the second write must be
 * refused. Where the store cannot do it, a HEAD before the PUT stands in: not atomic, but enough
 * where one job owns each key, as the archive keys make it.
 */
final class ConditionalWrites {

    private static final Logger LOG = Logger.getLogger(ConditionalWrites.class);
    private static final byte[] PROBE_BODY = "conditional write probe".getBytes(StandardCharsets.UTF_8);

    private final S3Client s3;
    private final String bucket;
    private final String probePrefix;
    private final Predicate<String> exists;
    /** Null until a probe got an answer: a store that did not answer at start-up is asked at the first write. */
    private volatile Boolean supported;

    ConditionalWrites(S3Client s3, String bucket, String probePrefix, Predicate<String> exists) {
        this.s3 = s3;
        this.bucket = bucket;
        this.probePrefix = probePrefix;
        this.exists = exists;
    }

    /** Whether the store itself refuses to replace an object; the first call probes it. */
    boolean supported() {
        Boolean known = supported;
        if (known == null) {
            synchronized (this) {
                if (supported == null) {
                    supported = probe();
                }
                known = supported;
            }
        }
        return known;
    }

    /** Writes {@code body} under {@code key} unless an object is there; S3 errors are thrown as they come. */
    PutIfAbsent put(String key, byte[] body, String contentType) {
        return put(key, () -> RequestBody.fromBytes(body), contentType, Map.of());
    }

    /** As {@link #put(String, byte[], String)}, for a body made anew for each request, with user metadata. */
    PutIfAbsent put(String key, Supplier<RequestBody> body, String contentType, Map<String, String> metadata) {
        if (!supported()) {
            if (exists.test(key)) {
                return PutIfAbsent.ALREADY_EXISTS;
            }
            s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType).metadata(metadata), body.get());
            return PutIfAbsent.CREATED;
        }
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType).metadata(metadata).ifNoneMatch("*"),
                    body.get());
            return PutIfAbsent.CREATED;
        } catch (AwsServiceException e) {
            if (refusedAsExisting(e)) {
                return PutIfAbsent.ALREADY_EXISTS;
            }
            throw e;
        }
    }

    private boolean probe() {
        String key = probePrefix + UUID.randomUUID();
        try {
            putIfNoneMatch(key, PROBE_BODY, "text/plain");
            try {
                putIfNoneMatch(key, PROBE_BODY, "text/plain");
            } catch (AwsServiceException e) {
                if (refusedAsExisting(e)) {
                    LOG.debugf("stage=conditional-writes bucket=%s supported=true", bucket);
                    return true;
                }
                throw e;
            }
            return unsupported("the store ignored If-None-Match and replaced the probe object");
        } catch (AwsServiceException e) {
            if (e.statusCode() == 501) {
                return unsupported("the store refused If-None-Match (HTTP 501)");
            }
            throw e;
        } finally {
            try {
                s3.deleteObject(b -> b.bucket(bucket).key(key));
            } catch (RuntimeException e) {
                LOG.debugf("stage=conditional-writes-probe-left key=%s msg=\"%s\"", key, e.getMessage());
            }
        }
    }

    private boolean unsupported(String why) {
        LOG.warnf("stage=conditional-writes-unsupported bucket=%s fallback=head-then-put reason=\"%s\"", bucket, why);
        return false;
    }

    private void putIfNoneMatch(String key, byte[] body, String contentType) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType).ifNoneMatch("*"),
                RequestBody.fromBytes(body));
    }

    private static boolean refusedAsExisting(AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return e.statusCode() == 412 || (e.statusCode() == 409 && "ConditionalRequestConflict".equals(code));
    }
}
