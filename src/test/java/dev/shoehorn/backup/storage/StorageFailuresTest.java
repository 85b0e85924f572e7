package dev.shoehorn.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class StorageFailuresTest {

    @ParameterizedTest(name = "HTTP {0} -> retryable {1}")
    @CsvSource({ "500, true", "503, true", "408, true", "429, true", "400, false", "403, false", "404, false" })
    void anObjectStoreAnswerIsRetriedOnlyWhenItIsTransient(int status, boolean retryable) {
        // Given an error answer of the object store, wrapped as an upload's part future wraps it
        S3Exception answer = (S3Exception) S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("Code" + status).build()).build();

        // When it is classified
        Failure f = StorageFailures.of("uploading part 3 of k", new CompletionException(answer)).failure();

        // Then transient statuses are worth another attempt, and the message names the action and status
        assertThat(f.code()).isEqualTo(ErrorCode.STORAGE_ERROR);
        assertThat(f.retryable()).isEqualTo(retryable);
        assertThat(f.message()).startsWith("uploading part 3 of k: Code" + status).contains("(HTTP " + status + ")");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "Connection refused", "Read timed out" })
    void aStoreThatCannotBeReachedIsWorthAnotherAttempt(String why) {
        Failure f = StorageFailures.of("reading k", SdkClientException.create(why)).failure();

        assertThat(f.retryable()).isTrue();
        assertThat(f.message()).isEqualTo("reading k: " + why);
    }
}
