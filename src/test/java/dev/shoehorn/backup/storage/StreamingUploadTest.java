package dev.shoehorn.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.failure.Backoff;
import dev.shoehorn.backup.job.Cancellation;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;

/** The upload's own logic against {@link FakeMultipartS3}; the protocol itself is {@link StreamingUploadIT}'s. */
class StreamingUploadTest {

    private static final int PART = 1024;
    /** The production backoff in milliseconds instead of seconds. */
    private static final Backoff FAST = new Backoff(Duration.ofMillis(10), Duration.ofMillis(150));
    private static final FakeMultipartS3.Fault UNAVAILABLE = call -> FakeMultipartS3.error(503, "ServiceUnavailable");

    private final ExecutorService uploader = Executors.newFixedThreadPool(2);
    private final FakeMultipartS3 s3 = new FakeMultipartS3();

    @AfterEach
    void stop() {
        uploader.shutdownNow();
    }

    @Test
    void closingAnUploadThatWasNotCompletedAbortsIt() throws Exception {
        // Given an upload with a part sent, used in try-with-resources
        // When the block ends without complete()
        try (StreamingUpload upload = upload()) {
            upload.write(new byte[PART + 1]);
        }

        // Then the upload is aborted and nothing was made
        assertThat(s3.aborts()).isEqualTo(1);
        assertThat(s3.completed()).isNull();
    }

    @Test
    void closingACompletedUploadKeepsIt() throws Exception {
        // Given an upload that was completed
        byte[] data = new byte[3 * PART];
        try (StreamingUpload upload = upload()) {
            upload.write(data);
            upload.complete("custom");
        }

        // Then closing it did not abort it
        assertThat(s3.aborts()).isZero();
        assertThat(s3.completed()).isEqualTo(data);
    }

    @Test
    void closingAfterAFailedCompleteAbortsAndFurtherWritesFail() throws Exception {
        // Given an upload whose parts the store refuses for good
        s3.failPartCalls(call -> FakeMultipartS3.error(403, "AccessDenied"));
        StreamingUpload upload = upload();
        upload.write(new byte[PART]);
        assertThat(catchThrowable(() -> upload.complete("custom"))).hasMessageContaining("AccessDenied");

        // When it is closed
        upload.close();

        // Then it is aborted, once however often it is closed, and takes no more bytes
        upload.close();
        assertThat(s3.aborts()).isEqualTo(1);
        assertThat(catchThrowable(() -> upload.write(new byte[1]))).hasMessageContaining("aborted");
    }

    @Test
    void aPartRefusedDuringAnOutageIsSentAgainFromItsKeptBuffer() throws Exception {
        // Given a store that refuses the first three part uploads with 503
        s3.failPartCalls(call -> call <= 3 ? UNAVAILABLE.apply(call) : null);
        byte[] data = random(3 * PART + 17);

        // When a stream of four parts is uploaded
        try (StreamingUpload upload = upload()) {
            upload.write(data);
            upload.complete("custom");
        }

        // Then every refused part was sent again, and the object is the stream
        assertThat(s3.partCalls()).isEqualTo(4 + 3);
        assertThat(s3.completed()).isEqualTo(data);
    }

    @Test
    void aPartRefusedForGoodIsNotTriedAgain() throws Exception {
        // Given a store that refuses part uploads with 403, and a long retry window
        s3.failPartCalls(call -> FakeMultipartS3.error(403, "AccessDenied"));

        // When a part is uploaded
        JobFailedException failed;
        try (StreamingUpload upload = upload(Duration.ofMinutes(10), new Cancellation())) {
            upload.write(new byte[PART]);
            failed = catchThrowableOfType(JobFailedException.class, () -> upload.complete("custom"));
        }

        // Then the upload fails at once, permanently
        assertThat(s3.partCalls()).isEqualTo(1);
        assertThat(failed.failure().retryable()).isFalse();
        assertThat(failed.failure().code()).isEqualTo(ErrorCode.STORAGE_ERROR);
    }

    @Test
    void anOutageLongerThanTheWindowFailsTheUploadRetryably() throws Exception {
        // Given a store that refuses every part upload, and a retry window of half a second
        s3.failPartCalls(UNAVAILABLE);

        // When a part is uploaded
        JobFailedException failed;
        try (StreamingUpload upload = upload(Duration.ofMillis(500), new Cancellation())) {
            upload.write(new byte[PART]);
            failed = catchThrowableOfType(JobFailedException.class, () -> upload.complete("custom"));
        }

        // Then it was tried through the window, and the job may try again later
        assertThat(s3.partCalls()).isGreaterThan(1);
        assertThat(failed.failure().retryable()).isTrue();
        assertThat(failed.failure().message()).contains("part 1", "HTTP 503");
        assertThat(s3.aborts()).isEqualTo(1);
    }

    @Test
    void cancellingTheJobEndsTheWaitsOfABlockedProducerAtOnce() throws Exception {
        // Given an outage that the 10-minute window would wait out, and a producer blocked because
        // every buffer is held by a part being retried
        s3.failPartCalls(UNAVAILABLE);
        Cancellation job = new Cancellation();
        StreamingUpload upload = upload(Duration.ofMinutes(10), job);
        CompletableFuture<Throwable> producer = CompletableFuture.supplyAsync(
                () -> catchThrowable(() -> upload.write(new byte[10 * PART])));
        org.awaitility.Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> !producer.isDone());

        // When the job is cancelled
        Failure stopping = Failure.retryable(ErrorCode.WORKER_STOPPED, "the worker is stopping");
        long start = System.nanoTime();
        job.cancel(stopping);
        Throwable thrown = producer.get(5, TimeUnit.SECONDS);
        upload.close();

        // Then the producer fails with the job's reason, and the upload is aborted, within seconds
        // (not after the retry window)
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(thrown).isInstanceOfSatisfying(JobFailedException.class,
                e -> assertThat(e.failure()).isEqualTo(stopping));
        assertThat(s3.aborts()).isEqualTo(1);
    }

    @Test
    void aCompletionRetriedAfterItsAnswerWasLostFindsTheObjectWhole() throws Exception {
        // Given a store that completes the upload but loses the answer, then knows the upload no more
        s3.loseNextCompleteAnswer();
        byte[] data = random(2 * PART + 5);

        // When the stream is completed
        ArchiveRef archive;
        try (StreamingUpload upload = upload()) {
            upload.write(data);
            archive = upload.complete("custom");
        }

        // Then the retry's NoSuchUpload is recognised as the earlier try's success
        assertThat(archive.bytes()).isEqualTo(data.length);
        assertThat(s3.completed()).isEqualTo(data);
        assertThat(s3.aborts()).isZero();
    }

    @Test
    void anArchiveOutgrowingTenThousandPartsFailsBeforeS3RefusesPart10001() throws Exception {
        // Given an upload of 1-byte parts that has sent 10,000 of them
        StreamingUpload upload = new StreamingUpload(s3, "bucket", "huge.dump", "upload-1", 1, 2, uploader,
                new StorageRetry(FAST, Duration.ZERO), new Cancellation());
        upload.write(new byte[10_000]);
        // (the last parts go out in the background: wait for them, so that the count below is theirs)
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> s3.partCalls() == 10_000);

        // When one byte more comes
        JobFailedException failed = catchThrowableOfType(JobFailedException.class, () -> upload.write(new byte[1]));
        upload.close();

        // Then the upload fails for good, naming the limit, and part 10,001 was never sent
        assertThat(failed.failure().retryable()).isFalse();
        assertThat(failed.failure().message()).contains("huge.dump", "10,000 parts of 1 bytes",
                "backup.storage.memory-budget");
        assertThat(s3.partCalls()).isEqualTo(10_000);
        assertThat(s3.completed()).isNull();
    }

    @Test
    void aFirstBufferThatGrowsAsItFillsStoresEveryByteInPlace() throws Exception {
        // Given parts larger than the first buffer, which starts small so that small objects stay small
        int part = 1024 * 1024;
        byte[] data = random(2 * part + 12_345);

        // When the object arrives in uneven pieces
        try (StreamingUpload upload = new StreamingUpload(s3, "bucket", "key.dump", "upload-1", part, 2, uploader,
                new StorageRetry(FAST, Duration.ofSeconds(5)), new Cancellation())) {
            for (int off = 0, n = 1; off < data.length; off += n, n = Math.min(n * 3 + 1, 200_000)) {
                upload.write(data, off, Math.min(n, data.length - off));
            }
            upload.complete("custom");
        }

        // Then the stored object is the same bytes, in full-size parts but the last
        assertThat(s3.completed()).isEqualTo(data);
        assertThat(s3.partCalls()).isEqualTo(3);
    }

    private StreamingUpload upload() {
        return upload(Duration.ofSeconds(5), new Cancellation());
    }

    private StreamingUpload upload(Duration retryWindow, Cancellation job) {
        return new StreamingUpload(s3, "bucket", "key.dump", "upload-1", PART, 2, uploader,
                new StorageRetry(FAST, retryWindow), job);
    }

    private static byte[] random(int size) {
        byte[] data = new byte[size];
        new Random(7).nextBytes(data);
        return data;
    }
}
