package dev.shoehorn.backup.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;

import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Archives, manifests and idempotency records in the configured bucket. */
@ApplicationScoped
public class ArchiveStore {

    private static final Logger LOG = Logger.getLogger(ArchiveStore.class);

    /** S3 allows at most 10,000 parts per upload; stay well below in case the estimate is low. */
    private static final long PART_BUDGET = 2_500;
    private static final long MAX_PART = 5L * 1024 * 1024 * 1024;

    private final S3Client s3;
    private final StorageConfig config;
    private final ObjectMapper json;
    private final ArchiveKeys keys;
    private final ExecutorService uploader;
    /** Whether the store honours If-None-Match on PUT; learnt from its first answer. */
    private volatile boolean conditionalWrites = true;

    public ArchiveStore(S3Client s3, StorageConfig config, ObjectMapper json) {
        this.s3 = s3;
        this.config = config;
        this.json = json;
        this.keys = new ArchiveKeys(config.prefix());
        AtomicInteger n = new AtomicInteger();
        this.uploader = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "s3-upload-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public ArchiveKeys keys() {
        return keys;
    }

    public String bucket() {
        return config.bucket();
    }

    /** A key for a new archive of {@code target} taken at {@code at}, one second later per key already taken. */
    public String newArchiveKey(String target, Instant at) {
        Instant t = at;
        String key = keys.archive(target, t);
        while (exists(key) || exists(ArchiveKeys.manifestOf(key))) {
            t = t.plusSeconds(1);
            key = keys.archive(target, t);
        }
        return key;
    }

    /** Starts a multipart upload sized for about {@code expectedBytes}. */
    public StreamingUpload startUpload(String key, long expectedBytes) {
        try {
            String uploadId = s3.createMultipartUpload(b -> b.bucket(config.bucket()).key(key)
                    .contentType("application/octet-stream")).uploadId();
            return new StreamingUpload(s3, config.bucket(), key, uploadId, partSize(expectedBytes),
                    config.partsInFlight(), uploader);
        } catch (RuntimeException e) {
            throw StorageFailures.of("starting the upload of " + key, e);
        }
    }

    int partSize(long expectedBytes) {
        long configured = config.partSize().asLongValue();
        long needed = (expectedBytes * 4) / PART_BUDGET;
        long size = Math.max(configured, Math.min(MAX_PART, roundUpToMiB(needed)));
        return (int) Math.min(size, Integer.MAX_VALUE - 8);
    }

    private static long roundUpToMiB(long bytes) {
        long mib = 1024 * 1024;
        return ((bytes + mib - 1) / mib) * mib;
    }

    public void putManifest(Manifest manifest) {
        putJson(ArchiveKeys.manifestOf(manifest.archiveKey()), manifest);
    }

    /** The newest archive of {@code target} that has a manifest. */
    public Optional<Manifest> latestManifest(String target) {
        try {
            return s3.listObjectsV2Paginator(b -> b.bucket(config.bucket()).prefix(keys.targetPrefix(target)))
                    .contents().stream()
                    .map(S3Object::key)
                    .filter(k -> k.endsWith(ArchiveKeys.MANIFEST_SUFFIX))
                    .max(Comparator.naturalOrder())
                    .flatMap(k -> getJson(k, Manifest.class));
        } catch (RuntimeException e) {
            throw StorageFailures.of("listing archives of " + target, e);
        }
    }

    /** The manifest of an archive, if the archive is complete. */
    public Optional<Manifest> manifest(String archiveKey) {
        return getJson(ArchiveKeys.manifestOf(archiveKey), Manifest.class);
    }

    public Optional<CommandRecord> findCommand(String kind, String target, String commandId) {
        return getJson(keys.command(kind, target, commandId), CommandRecord.class);
    }

    public void saveCommand(CommandRecord record) {
        putJson(keys.command(record.kind(), record.target(), record.commandId()), record);
    }

    /**
     * Writes the first record of a command, unless one exists (a conditional write): returns false
     * when another job's record was there first.
     */
    public boolean claimCommand(CommandRecord record) {
        return putJsonIfAbsent(keys.command(record.kind(), record.target(), record.commandId()), record);
    }

    /** The record of a reaction to a restore job, if one was written. */
    public Optional<ReactionRecord> findReaction(String reaction, String restoreJobId) {
        return getJson(keys.reaction(reaction, restoreJobId), ReactionRecord.class);
    }

    public void recordReaction(ReactionRecord record) {
        putJson(keys.reaction(record.reaction(), record.restoreJobId()), record);
    }

    /** Removes an object; used to undo an archive whose manifest could not be written. */
    public void delete(String key) {
        try {
            s3.deleteObject(b -> b.bucket(config.bucket()).key(key));
        } catch (RuntimeException e) {
            throw StorageFailures.of("deleting " + key, e);
        }
    }

    public boolean exists(String key) {
        try {
            s3.headObject(b -> b.bucket(config.bucket()).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw StorageFailures.of("looking up " + key, e);
        } catch (RuntimeException e) {
            throw StorageFailures.of("looking up " + key, e);
        }
    }

    /** Size of a stored object, or empty when it does not exist. */
    public Optional<Long> size(String key) {
        try {
            return Optional.of(s3.headObject(b -> b.bucket(config.bucket()).key(key)).contentLength());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw StorageFailures.of("looking up " + key, e);
        } catch (RuntimeException e) {
            throw StorageFailures.of("looking up " + key, e);
        }
    }

    /** Streams an archive; the caller closes the stream. */
    public InputStream open(String key) {
        try {
            return s3.getObject(b -> b.bucket(config.bucket()).key(key));
        } catch (RuntimeException e) {
            throw StorageFailures.of("reading " + key, e);
        }
    }

    /** Cheap reachability check for readiness: the bucket answers. */
    public void ping() {
        s3.headBucket(b -> b.bucket(config.bucket()));
    }

    private void putJson(String key, Object value) {
        try {
            byte[] body = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
            s3.putObject(b -> b.bucket(config.bucket()).key(key).contentType("application/json"),
                    RequestBody.fromBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw StorageFailures.of("writing " + key, e);
        }
    }

    /**
     * {@code If-None-Match: *}: the write happens only if nothing is stored under the key. A store
     * that answers 412 (or 409 for a concurrent conditional write) had the key already.
     */
    private boolean putJsonIfAbsent(String key, Object value) {
        if (!conditionalWrites) {
            return putJsonUnlessExists(key, value);
        }
        try {
            byte[] body = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
            s3.putObject(b -> b.bucket(config.bucket()).key(key).contentType("application/json").ifNoneMatch("*"),
                    RequestBody.fromBytes(body));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return false;
            }
            if (e.statusCode() == 501) {
                // Stores without conditional writes (S3Proxy, older MinIO and Ceph) answer 501; the
                // records are written under the target's lock, which keeps writers apart anyway.
                conditionalWrites = false;
                LOG.warnf("stage=conditional-writes-unsupported bucket=%s msg=\"the store does not support "
                        + "If-None-Match; falling back to look-then-write under the target's lock\"", config.bucket());
                return putJsonUnlessExists(key, value);
            }
            throw StorageFailures.of("writing " + key, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw StorageFailures.of("writing " + key, e);
        }
    }

    private boolean putJsonUnlessExists(String key, Object value) {
        if (exists(key)) {
            return false;
        }
        putJson(key, value);
        return true;
    }

    private <T> Optional<T> getJson(String key, Class<T> type) {
        try {
            ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(b -> b.bucket(config.bucket()).key(key));
            return Optional.of(json.readValue(bytes.asByteArray(), type));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new JobFailedException(Failure.permanent(
                    ErrorCode.STORAGE_ERROR, "unreadable JSON in " + key), e);
        } catch (RuntimeException e) {
            throw StorageFailures.of("reading " + key, e);
        }
    }

    @PreDestroy
    void stop() {
        uploader.shutdownNow();
    }
}
