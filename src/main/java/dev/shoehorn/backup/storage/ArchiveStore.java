package dev.shoehorn.backup.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.StartupEvent;

import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.failure.Redactor;

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

    private final S3Client s3;
    private final StorageConfig config;
    private final ObjectMapper json;
    private final ArchiveKeys keys;
    private final ExecutorService uploader;
    private final ConditionalWrites conditional;

    public ArchiveStore(S3Client s3, StorageConfig config, ObjectMapper json) {
        this.s3 = s3;
        this.config = config;
        this.json = json;
        this.keys = new ArchiveKeys(config.prefix());
        this.conditional = new ConditionalWrites(s3, config.bucket(), keys.root() + ".probe/", this::exists);
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

    /**
     * A key for a new archive of {@code target} taken at {@code at}, its name ending in {@code suffix}
     * after {@code .dump}; one second later per key already taken.
     */
    public String newArchiveKey(String target, Instant at, String suffix) {
        return newKey(t -> keys.archive(target, t, suffix), at);
    }

    /** A key for a new directory archive ({@code <target>_<stamp>.dir}), as {@link #newArchiveKey}. */
    public String newDirectoryKey(String target, Instant at) {
        return newKey(t -> keys.directory(target, t), at);
    }

    private String newKey(java.util.function.Function<Instant, String> keyAt, Instant at) {
        Instant t = at;
        String key = keyAt.apply(t);
        while (archiveExists(key) || exists(ArchiveKeys.manifestOf(key))) {
            t = t.plusSeconds(1);
            key = keyAt.apply(t);
        }
        return key;
    }

    /** Deletes an archive's objects: the object at {@code key}, or a directory archive's files. */
    public void deleteArchive(String key) {
        if (ArchiveKeys.isDirectory(key)) {
            keysUnder(key + "/").forEach(this::delete);
        } else {
            delete(key);
        }
    }

    /** Whether any object of the archive at {@code key} (one of a directory archive's files) is stored. */
    public boolean archiveExists(String key) {
        return ArchiveKeys.isDirectory(key) ? !keysUnder(key + "/").isEmpty() : exists(key);
    }

    /**
     * Starts a multipart upload sized for about {@code expectedBytes}. Its S3 calls are retried
     * through outages of up to {@code backup.storage.retry-window}; cancelling {@code cancellation}
     * ends their waits at once. Use it in try-with-resources: closing aborts it unless completed.
     */
    public StreamingUpload startUpload(String key, long expectedBytes, Cancellation cancellation) {
        StorageRetry retry = new StorageRetry(StorageRetry.BACKOFF, config.retryWindow());
        String uploadId = retry.call("starting the upload of " + key, cancellation,
                () -> s3.createMultipartUpload(b -> b.bucket(config.bucket()).key(key)
                        .contentType("application/octet-stream")).uploadId());
        return new StreamingUpload(s3, config.bucket(), key, uploadId, partSize(expectedBytes),
                config.partsInFlight(), uploader, retry, cancellation);
    }

    int partSize(long expectedBytes) {
        return PartSizing.of(config).partSize(expectedBytes);
    }

    /**
     * A memory budget too small for S3's parts stops the worker at start-up, not its first backup.
     * Conditional writes are probed in the background, as the store may not answer yet.
     */
    void onStart(@Observes StartupEvent event) {
        PartSizing sizing = PartSizing.of(config);
        LOG.infof("stage=storage-settings largestPartMiB=%d largestArchiveGiB=%s", sizing.largestPart() / PartSizing.MIB,
                String.format(Locale.ROOT, "%.1f", sizing.largestArchive() / (double) (1024 * PartSizing.MIB)));
        Thread probe = new Thread(() -> {
            try {
                conditional.supported();
            } catch (RuntimeException e) {
                LOG.warnf("stage=conditional-writes-probe-failed next=first-write msg=\"%s\"",
                        Redactor.redact(String.valueOf(e.getMessage())));
            }
        }, "conditional-writes-probe");
        probe.setDaemon(true);
        probe.start();
    }

    /**
     * Whether the store itself refuses to replace an object ({@code If-None-Match: *}); where it
     * does not, {@link #putJsonIfAbsent} looks before it writes. Probes the store the first time.
     */
    public boolean conditionalWrites() {
        try {
            return conditional.supported();
        } catch (RuntimeException e) {
            throw StorageFailures.of("probing conditional writes", e);
        }
    }

    /** Writes {@code value} as JSON under {@code key} unless an object is there already. */
    public PutIfAbsent putJsonIfAbsent(String key, Object value) {
        byte[] body = toJson(value);
        try {
            return conditional.put(key, body, "application/json");
        } catch (RuntimeException e) {
            throw StorageFailures.of("writing " + key, e);
        }
    }

    /**
     * Writes the file under {@code key}, with user metadata, unless an object is there already (the
     * event archive's segments: whichever replica writes one first, its copy stands).
     */
    public PutIfAbsent putFileIfAbsent(String key, Path file, String contentType, Map<String, String> metadata) {
        try {
            return conditional.put(key, () -> RequestBody.fromFile(file), contentType, metadata);
        } catch (RuntimeException e) {
            throw StorageFailures.of("writing " + key, e);
        }
    }

    /** The keys under {@code prefix}, in the store's (lexical) order. */
    public List<String> keysUnder(String prefix) {
        try {
            List<String> keys = new ArrayList<>();
            s3.listObjectsV2Paginator(b -> b.bucket(config.bucket()).prefix(prefix)).contents()
                    .forEach(o -> keys.add(o.key()));
            return keys;
        } catch (RuntimeException e) {
            throw StorageFailures.of("listing " + prefix, e);
        }
    }

    /** The objects under {@code prefix}, in the store's (lexical) order. */
    public List<StoredObject> objectsUnder(String prefix) {
        try {
            List<StoredObject> objects = new ArrayList<>();
            s3.listObjectsV2Paginator(b -> b.bucket(config.bucket()).prefix(prefix)).contents()
                    .forEach(o -> objects.add(new StoredObject(o.key(), o.size(), o.lastModified())));
            return objects;
        } catch (RuntimeException e) {
            throw StorageFailures.of("listing " + prefix, e);
        }
    }

    /** The multipart uploads open under {@code prefix}. */
    public List<OpenUpload> uploadsUnder(String prefix) {
        try {
            List<OpenUpload> uploads = new ArrayList<>();
            s3.listMultipartUploadsPaginator(b -> b.bucket(config.bucket()).prefix(prefix)).uploads()
                    .forEach(u -> uploads.add(new OpenUpload(u.key(), u.uploadId(), u.initiated())));
            return uploads;
        } catch (RuntimeException e) {
            throw StorageFailures.of("listing the uploads under " + prefix, e);
        }
    }

    public void abortUpload(OpenUpload upload) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(config.bucket()).key(upload.key()).uploadId(upload.uploadId()));
        } catch (RuntimeException e) {
            throw StorageFailures.of("aborting the upload of " + upload.key(), e);
        }
    }

    /** The user metadata of the object at {@code key}. */
    public Map<String, String> metadata(String key) {
        try {
            return s3.headObject(b -> b.bucket(config.bucket()).key(key)).metadata();
        } catch (RuntimeException e) {
            throw StorageFailures.of("reading the metadata of " + key, e);
        }
    }

    /**
     * Writes the manifest, the commit point, which is never replaced. One already there is fine
     * only when it is this very manifest: a PUT whose first try landed though its answer was lost.
     */
    public void putManifest(Manifest manifest) {
        String key = ArchiveKeys.manifestOf(manifest.archiveKey());
        if (putJsonIfAbsent(key, manifest) == PutIfAbsent.ALREADY_EXISTS
                && getJson(key, Manifest.class).filter(manifest::equals).isEmpty()) {
            // another job took the same archive key; a new attempt takes a new one
            throw new JobFailedException(Failure.retryable(ErrorCode.STORAGE_ERROR,
                    key + " already exists and describes another archive; it was left as it is"));
        }
    }

    /**
     * The contract's {@code latest}: the newest manifest of {@code target} that describes the
     * archive beside it, for that target, and whose archive exists with the manifest's size.
     * Anything else under the folder (a manifest whose archive is gone or was cut short by an
     * ambiguous write, one copied from another target's folder, an unreadable one) is skipped
     * with a warning, never taken.
     */
    public Optional<Manifest> latestManifest(String target) {
        Map<String, Long> sizes = sizes(folder(target));
        // the keys' UTC stamps make the lexical order the order in time
        return sizes.keySet().stream()
                .filter(k -> k.endsWith(ArchiveKeys.MANIFEST_SUFFIX))
                .sorted(Comparator.reverseOrder())
                .map(k -> verifiedManifest(target, k, sizes))
                .flatMap(Optional::stream)
                .findFirst();
    }

    /**
     * The {@code newest} archives of {@code target}, newest first, each complete or not; manifests are
     * read for those only.
     */
    public List<ArchiveSummary> archives(String target, int newest) {
        Map<String, S3Object> objects = folder(target);
        Map<String, Long> sizes = sizes(objects);
        return ArchiveChecks.archivesNewestFirst(objects.keySet()).stream()
                .limit(newest)
                .map(key -> summary(target, key, objects.get(key), sizes))
                .toList();
    }

    /** The objects of a target's folder, by key. */
    private Map<String, S3Object> folder(String target) {
        Map<String, S3Object> objects = new HashMap<>();
        try {
            s3.listObjectsV2Paginator(b -> b.bucket(config.bucket()).prefix(keys.targetPrefix(target)))
                    .contents().forEach(o -> objects.put(o.key(), o));
        } catch (RuntimeException e) {
            throw StorageFailures.of("listing archives of " + target, e);
        }
        return objects;
    }

    private static Map<String, Long> sizes(Map<String, S3Object> objects) {
        Map<String, Long> sizes = new HashMap<>();
        objects.forEach((k, o) -> sizes.put(k, o.size()));
        return sizes;
    }

    private ArchiveSummary summary(String target, String key, S3Object object, Map<String, Long> sizes) {
        Optional<Manifest> manifest = Optional.empty();
        if (sizes.containsKey(ArchiveKeys.manifestOf(key))) {
            try {
                manifest = getJson(ArchiveKeys.manifestOf(key), Manifest.class);
            } catch (JobFailedException e) {
                manifest = Optional.empty(); // unreadable: the summary says so
            }
        }
        String problem = ArchiveChecks.archiveProblem(target, key, sizes, manifest.map(Manifest::facts))
                .orElse(null);
        long bytes = object != null ? object.size() : manifest.map(Manifest::bytes).orElse(-1L);
        return new ArchiveSummary(key, bytes, object == null ? null : object.lastModified(),
                manifest.map(Manifest::sha256).orElse(null), manifest.map(Manifest::completedAt).orElse(null), problem);
    }

    /** The manifest at {@code key} if it holds; the sizes of the folder's objects spare a HEAD per archive. */
    private Optional<Manifest> verifiedManifest(String target, String key, Map<String, Long> sizes) {
        Manifest manifest;
        try {
            Optional<Manifest> read = getJson(key, Manifest.class);
            if (read.isEmpty()) {
                return skipped(target, key, "manifest-gone", "");
            }
            manifest = read.get();
        } catch (JobFailedException e) {
            if (e.getCause() instanceof JsonProcessingException) {
                return skipped(target, key, "unreadable", "");
            }
            throw e;
        }
        Optional<String> problem = ArchiveChecks.problem(target, key, manifest.facts(), sizes);
        if (problem.isPresent()) {
            String detail = switch (problem.get()) {
                case "target-mismatch" -> " manifestTarget=" + manifest.target();
                case "archive-key-mismatch" -> " manifestArchiveKey=" + manifest.archiveKey();
                case "size-mismatch" -> " manifestBytes=" + manifest.bytes() + " archiveBytes="
                        + sizes.get(ArchiveChecks.archiveKeyOf(key));
                default -> "";
            };
            return skipped(target, key, problem.get(), detail);
        }
        return Optional.of(manifest);
    }

    private static Optional<Manifest> skipped(String target, String key, String reason, String detail) {
        LOG.warnf("target=%s stage=manifest-skipped key=%s reason=%s%s", target, key, reason, detail);
        return Optional.empty();
    }

    /** Whether a drill of {@code target} started at or after {@code at}, by the reports named by their start. */
    public boolean drilledSince(String target, Instant at) {
        String from = keys.drillReportsFrom(target, at);
        return keysUnder(keys.drillReports(target)).stream().anyMatch(key -> key.compareTo(from) >= 0);
    }

    /** The {@code newest} drills of {@code target}, newest first, from their reports. */
    public List<DrillReports.DrillSummary> drills(String target, int newest) {
        return DrillReports.newest(keysUnder(keys.drillReports(target)), newest, key -> {
            try {
                return getJson(key, JsonNode.class);
            } catch (JobFailedException e) {
                if (e.failure().retryable()) {
                    throw e;
                }
                return Optional.empty(); // unreadable JSON: not shown, as DrillReports says
            }
        });
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
        return putJsonIfAbsent(keys.command(record.kind(), record.target(), record.commandId()), record)
                == PutIfAbsent.CREATED;
    }

    /** The record of a reaction to a restore job, if one was written. */
    public Optional<ReactionRecord> findReaction(String reaction, String restoreJobId) {
        return getJson(keys.reaction(reaction, restoreJobId), ReactionRecord.class);
    }

    public void recordReaction(ReactionRecord record) {
        putJson(keys.reaction(record.reaction(), record.restoreJobId()), record);
    }

    public Optional<ScheduleState> scheduleState(String target) {
        return getJson(keys.schedule(target), ScheduleState.class);
    }

    /** A record of the worker's own (idempotency, reaction) as its type, if it is there. */
    public <T> Optional<T> record(String key, Class<T> type) {
        return getJson(key, type);
    }

    public void saveScheduleState(ScheduleState state) {
        putJson(keys.schedule(state.target()), state);
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
        byte[] body = toJson(value);
        try {
            s3.putObject(b -> b.bucket(config.bucket()).key(key).contentType("application/json"),
                    RequestBody.fromBytes(body));
        } catch (RuntimeException e) {
            throw StorageFailures.of("writing " + key, e);
        }
    }

    private byte[] toJson(Object value) {
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
