package dev.shoehorn.backup.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;

/**
 * An archive being written to object storage as it is produced: bytes fill part-sized buffers,
 * full buffers upload in the background while the producer goes on, and a SHA-256 is computed on
 * the way. At most {@code partsInFlight + 1} buffers exist, so memory stays bounded whatever the
 * archive's size; a producer faster than the upload waits for a buffer to come back.
 *
 * <p>Each S3 call (every part, the completion) is retried through an outage of the store by
 * {@link StorageRetry}; a part keeps its buffer until it is stored, so an outage makes the producer
 * wait, not memory grow. Cancelling the job's {@link Cancellation} ends those waits at once.
 * Storage failures reach the caller as {@link JobFailedException}s that say whether another
 * attempt of the job may help.
 *
 * <p>Nothing is visible under the key until {@link #complete}; {@link #abort()} discards the
 * parts so that a failed job leaves neither an object nor parts that keep costing storage.
 * {@link #close()} aborts unless {@link #complete} succeeded, so that try-with-resources cleans up
 * after every failure.
 */
public final class StreamingUpload extends OutputStream {

    private static final Logger LOG = Logger.getLogger(StreamingUpload.class);
    private static final int FIRST_BUFFER = 256 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final String uploadId;
    private final int partSize;
    private final int maxBuffers;
    private final ExecutorService uploader;
    private final StorageRetry retry;
    /** Ends the waits of this upload's calls: cancelled by {@link #abort()} and by the job's cancellation. */
    private final Cancellation stop = new Cancellation();
    private final Runnable forgetJob;
    private final BlockingQueue<byte[]> freeBuffers;
    private final List<CompletableFuture<CompletedPart>> parts = new ArrayList<>();
    private final MessageDigest sha256;
    private int allocated;
    private byte[] current;
    private int fill;
    private long bytes;
    private volatile JobFailedException failure;
    private volatile boolean finished;
    private boolean completed;

    StreamingUpload(S3Client s3, String bucket, String key, String uploadId, int partSize, int partsInFlight,
            ExecutorService uploader, StorageRetry retry, Cancellation job) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = key;
        this.uploadId = uploadId;
        this.partSize = partSize;
        this.maxBuffers = partsInFlight + 1;
        this.uploader = uploader;
        this.retry = retry;
        this.freeBuffers = new ArrayBlockingQueue<>(maxBuffers);
        this.sha256 = Sha256.digest();
        this.forgetJob = job.onCancel(() -> stop.cancel(job.reason()));
    }

    public String key() {
        return key;
    }

    /** Bytes accepted so far. */
    public long bytes() {
        return bytes;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] { (byte) b }, 0, 1);
    }

    /**
     * Takes bytes, waiting while every buffer is being uploaded.
     *
     * @throws JobFailedException when a part failed for good or the job was cancelled
     * @throws IOException when the upload was already completed or aborted
     */
    @Override
    public void write(byte[] data, int off, int len) throws IOException {
        failIfBroken();
        sha256.update(data, off, len);
        bytes += len;
        while (len > 0) {
            if (current == null) {
                startPart();
            }
            if (fill == current.length && current.length < partSize) {
                current = java.util.Arrays.copyOf(current, Math.min(partSize, current.length * 2));
            }
            int n = Math.min(len, current.length - fill);
            System.arraycopy(data, off, current, fill, n);
            fill += n;
            off += n;
            len -= n;
            if (fill == partSize) {
                shipCurrent();
            }
        }
    }

    /**
     * Uploads what is left, stitches the parts together and returns the finished archive.
     *
     * @throws JobFailedException when a call failed for good, or the job was cancelled
     */
    public ArchiveRef complete(String format) {
        try {
            failIfBroken();
            if (current != null || parts.isEmpty()) {
                if (current == null) {
                    startPart();
                }
                shipCurrent();
            }
            List<CompletedPart> done = new ArrayList<>(parts.size());
            for (CompletableFuture<CompletedPart> part : parts) {
                done.add(part.join());
            }
            try {
                retry.call("completing the upload of " + key, stop, () -> s3.completeMultipartUpload(b -> b.bucket(bucket)
                        .key(key).uploadId(uploadId).multipartUpload(m -> m.parts(done))));
            } catch (JobFailedException e) {
                if (!(e.getCause() instanceof NoSuchUploadException) || !storedWhole()) {
                    throw e;
                }
                LOG.debugf("stage=upload-completed-earlier key=%s", key);
            }
            completed = true;
            finished = true;
            forgetJob.run();
            return new ArchiveRef(key, bytes, Sha256.hex(sha256), format);
        } catch (CompletionException e) {
            throw StorageFailures.of("uploading a part of " + key, e);
        } catch (IOException e) {
            throw StorageFailures.of("completing the upload of " + key, e);
        }
    }

    /** Aborts the upload unless {@link #complete} succeeded. */
    @Override
    public void close() {
        abort();
    }

    /** Discards the upload; safe to call more than once, after a failure, and a no-op once completed. */
    public void abort() {
        if (finished) {
            return;
        }
        finished = true;
        stop.cancel(Failure.permanent(ErrorCode.STORAGE_ERROR, "the upload of " + key + " was aborted"));
        forgetJob.run();
        for (CompletableFuture<CompletedPart> part : parts) {
            try {
                part.join();
            } catch (RuntimeException ignored) {
                // a failed part needs no cleaning; the abort below discards the rest
            }
        }
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
            LOG.debugf("stage=upload-aborted key=%s", key);
        } catch (NoSuchUploadException e) {
            LOG.debugf("stage=upload-aborted key=%s already gone", key);
        } catch (RuntimeException e) {
            LOG.warnf("stage=upload-abort-failed key=%s upload=%s msg=\"%s\"", key, uploadId, e.getMessage());
        }
    }

    private void startPart() throws IOException {
        if (parts.size() == PartSizing.MAX_PARTS) {
            // S3 would refuse part 10,001 only after the upload had stored the rest
            failure = new JobFailedException(Failure.permanent(ErrorCode.STORAGE_ERROR, String.format(Locale.ROOT,
                    "%s is larger than one S3 upload holds: %,d parts of %s (%s); parts grow with the expected"
                            + " archive size up to backup.storage.memory-budget / (parts-in-flight + 1)",
                    key, PartSizing.MAX_PARTS, size(partSize), size((long) PartSizing.MAX_PARTS * partSize))));
            throw failure;
        }
        current = takeBuffer();
        fill = 0;
    }

    private void shipCurrent() {
        byte[] buffer = current;
        int length = fill;
        int partNumber = parts.size() + 1;
        current = null;
        fill = 0;
        CompletableFuture<CompletedPart> part = CompletableFuture.supplyAsync(() -> retry.call(
                "uploading part " + partNumber + " of " + key, stop, () -> {
                    String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                            .partNumber(partNumber).contentLength((long) length),
                            RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, length), length)).eTag();
                    return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
                }), uploader);
        part.whenComplete((ok, error) -> {
            if (error != null && failure == null) {
                failure = StorageFailures.of("uploading part " + partNumber + " of " + key,
                        error instanceof Exception e ? e : new CompletionException(error));
            }
            freeBuffers.offer(buffer);
        });
        parts.add(part);
    }

    private byte[] takeBuffer() throws IOException {
        byte[] buffer = freeBuffers.poll();
        if (buffer == null && allocated < maxBuffers) {
            allocated++;
            // the first grows as it fills: a small object (a directory dump's TOC, a small table's
            // file) never takes a whole part's memory
            buffer = new byte[parts.isEmpty() ? Math.min(partSize, FIRST_BUFFER) : partSize];
        }
        try {
            while (buffer == null) {
                failIfBroken();
                buffer = freeBuffers.poll(200, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for an upload buffer", e);
        }
        // a failed part gives its buffer back too: the stream stops at the next part, not at its end
        failIfBroken();
        return buffer;
    }

    /**
     * Whether the object is there with every byte: after a retried completion finds the upload
     * gone, because an earlier try completed it though its answer was lost.
     */
    private boolean storedWhole() {
        try {
            return s3.headObject(b -> b.bucket(bucket).key(key)).contentLength() == bytes;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String size(long bytes) {
        double gib = bytes / (double) (1024 * PartSizing.MIB);
        return gib >= 1 ? String.format(Locale.ROOT, "%.1f GiB", gib)
                : bytes % PartSizing.MIB == 0 ? bytes / PartSizing.MIB + " MiB" : bytes + " bytes";
    }

    private void failIfBroken() throws IOException {
        if (finished) {
            throw new IOException("upload of " + key + " was already " + (completed ? "completed" : "aborted"));
        }
        JobFailedException failed = failure;
        if (failed != null) {
            throw failed;
        }
        stop.check();
    }
}
