package dev.shoehorn.backup.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;

import org.junit.jupiter.api.Test;

import dev.shoehorn.backup.failure.Failure;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class StorageFailuresTest {

    @Test
    void aStalledRequestBodyIsRetryableThoughItComesAs400() {
        // Given S3's answer to a part upload whose body stopped arriving
        S3Exception stalled = s3Error(400, "RequestTimeout");

        // When it is classified
        Failure failure = StorageFailures.of("uploading part 3 of k", stalled).failure();

        // Then another try may help
        assertThat(failure.retryable()).isTrue();
        assertThat(failure.message()).contains("RequestTimeout", "HTTP 400");
    }

    @Test
    void aStoreThatDoesNotAnswerIsRetryable() {
        Failure failure = StorageFailures.of("uploading part 3 of k", SdkClientException.create(
                "Unable to execute HTTP request", new ConnectException("Connection refused"))).failure();

        assertThat(failure.retryable()).isTrue();
    }

    @Test
    void anErrorOfTheWorkersOwnIsNotWaitedOut() {
        // Given a failure that no outage explains
        IllegalStateException bug = new IllegalStateException("buffer already released");

        // When it is classified
        Failure failure = StorageFailures.of("uploading part 3 of k", bug).failure();

        // Then it is permanent, so an upload does not retry it for its whole window
        assertThat(failure.retryable()).isFalse();
    }

    private static S3Exception s3Error(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build();
    }
}
