package dev.shoehorn.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.it.StorageFaults;
import dev.shoehorn.backup.failure.Backoff;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.JobFailedException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** The streaming multipart upload against a real S3 API server. */
class StreamingUploadIT {

    private static final int PART = 5 * 1024 * 1024;
    private static TestS3 server;
    private static S3Client s3;
    private static String bucket;
    private static ExecutorService uploader;

    @BeforeAll
    static void start() {
        server = TestS3.start(StorageFaults::wrap);
        s3 = server.client();
        bucket = server.bucket();
        uploader = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stop() {
        uploader.shutdownNow();
        server.close();
    }

    @Test
    void aStreamLongerThanSeveralPartsArrivesWholeWithItsSha256() throws Exception {
        // Given 12 MiB and a bit, written in odd-sized chunks
        byte[] data = random(2 * PART + 2 * 1024 * 1024 + 123);
        StreamingUpload upload = start("multi.dump");
        int partsBefore = StorageFaults.storedParts();

        // When it is streamed and completed
        for (int off = 0; off < data.length; off += 300_001) {
            upload.write(data, off, Math.min(300_001, data.length - off));
        }
        ArchiveRef archive = upload.complete("custom");

        // Then the object is byte for byte the stream, in three parts, with the SHA-256 of the stream
        byte[] stored = s3.getObjectAsBytes(b -> b.bucket(bucket).key("multi.dump")).asByteArray();
        assertThat(stored).isEqualTo(data);
        assertThat(archive.bytes()).isEqualTo(data.length);
        assertThat(archive.sha256()).isEqualTo(sha256(data));
        assertThat(StorageFaults.storedParts() - partsBefore).isEqualTo(3);
        assertThat(server.server().blobStore().listMultipartUploads(bucket)).isEmpty();
    }

    @Test
    void anAbortedUploadLeavesNeitherObjectNorParts() throws Exception {
        // Given an upload with a part already sent
        StreamingUpload upload = start("aborted.dump");
        upload.write(new byte[PART + 10], 0, PART + 10);

        // When it is aborted
        upload.abort();

        // Then nothing is visible and nothing keeps costing storage; further writes fail
        assertThat(catchThrowable(() -> s3.headObject(b -> b.bucket(bucket).key("aborted.dump"))))
                .isInstanceOf(NoSuchKeyException.class);
        assertThat(server.server().blobStore().listMultipartUploads(bucket)).isEmpty();
        assertThat(catchThrowable(() -> upload.write(new byte[1], 0, 1))).hasMessageContaining("aborted");
    }

    @Test
    void anEmptyStreamStillMakesAnObject() {
        ArchiveRef archive = start("empty.dump").complete("custom");

        assertThat(archive.bytes()).isZero();
        assertThat(archive.sha256()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void anOutageOfTheWholeStoreMidUploadIsRiddenOut() throws Exception {
        // Given an upload with the default retry settings (2 minutes, 1 s doubling to 15 s) under way
        byte[] data = random(6 * PART + 4321);
        int refusedBefore = StorageFaults.refusedCalls();
        ArchiveRef archive;
        Duration took;
        try (StreamingUpload upload = start("outage.dump", new StorageRetry(StorageRetry.BACKOFF, Duration.ofMinutes(2)))) {
            upload.write(data, 0, 2 * PART);

            // When every S3 call fails for 8 s from now (the backoff's first three waits; bench/faults
            // makes the store unreachable for 30 s and 5 minutes) while the producer keeps writing,
            // then completes
            StorageFaults.outage(StorageFaults.Scope.ALL_CALLS, Duration.ofSeconds(8));
            long start = System.nanoTime();
            for (int off = 2 * PART; off < data.length; off += 300_001) {
                upload.write(data, off, Math.min(300_001, data.length - off));
            }
            archive = upload.complete("custom");
            took = Duration.ofNanos(System.nanoTime() - start);
        } finally {
            StorageFaults.endOutage();
        }

        // Then the upload waited the outage out, and the object is the stream with its SHA-256
        assertThat(StorageFaults.refusedCalls() - refusedBefore).isPositive();
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(7));
        byte[] stored = s3.getObjectAsBytes(b -> b.bucket(bucket).key("outage.dump")).asByteArray();
        assertThat(stored).isEqualTo(data);
        assertThat(archive.bytes()).isEqualTo(data.length);
        assertThat(archive.sha256()).isEqualTo(sha256(data));
        assertThat(server.server().blobStore().listMultipartUploads(bucket)).isEmpty();
    }

    @Test
    void anOutageOutlastingTheRetryWindowFailsRetryablyAndLeavesNothing() throws Exception {
        // Given a store that refuses part uploads from now on, and an upload retrying for 1 s
        StorageFaults.failPartUploads(true);
        JobFailedException failed;
        try {
            // When two parts and a bit are streamed and completed, in try-with-resources
            try (StreamingUpload upload = start("outlasted.dump",
                    new StorageRetry(new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1)), Duration.ofSeconds(1)))) {
                failed = catchThrowableOfType(JobFailedException.class, () -> {
                    upload.write(random(2 * PART + 1));
                    upload.complete("custom");
                });
            }
        } finally {
            StorageFaults.failPartUploads(false);
        }

        // Then the upload fails as a storage error worth another attempt, and closing it aborted it
        assertThat(failed.failure().code()).isEqualTo(ErrorCode.STORAGE_ERROR);
        assertThat(failed.failure().retryable()).isTrue();
        assertThat(failed.failure().message()).startsWith("uploading part");
        assertThat(catchThrowable(() -> s3.headObject(b -> b.bucket(bucket).key("outlasted.dump"))))
                .isInstanceOf(NoSuchKeyException.class);
        assertThat(server.server().blobStore().listMultipartUploads(bucket)).isEmpty();
    }

    private static StreamingUpload start(String key) {
        return start(key, new StorageRetry(StorageRetry.BACKOFF, Duration.ZERO));
    }

    private static StreamingUpload start(String key, StorageRetry retry) {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        return new StreamingUpload(s3, bucket, key, uploadId, PART, 2, uploader, retry, new Cancellation());
    }

    private static byte[] random(int size) {
        byte[] data = new byte[size];
        new Random(42).nextBytes(data);
        return data;
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
