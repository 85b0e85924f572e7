package dev.shoehorn.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The upload's own logic against {@link FakeMultipartS3}; the protocol itself is {@link StreamingUploadIT}'s. */
class StreamingUploadTest {

    private static final int PART = 1024;

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

    private StreamingUpload upload() {
        return new StreamingUpload(s3, "bucket", "key.dump", "upload-1", PART, 2, uploader);
    }
}
