package dev.shoehorn.backup.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Sorts object-store errors into retryable and permanent ones: 5xx, 408, 429 and the store not
 * answering are worth another try; other 4xx and errors of the worker's own are not, so that an
 * upload does not wait out its retry window on a failure that cannot go away.
 */
final class StorageFailures {

    /**
     * S3 answers 400 RequestTimeout when a request body stalls (a slow or broken network during a
     * part upload); AWS lists it among the errors to retry.
     */
    private static final String REQUEST_TIMEOUT = "RequestTimeout";

    private StorageFailures() {
    }

    static JobFailedException of(String action, Exception e) {
        Throwable cause = e;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof JobFailedException jfe) {
            return jfe;
        }
        String message = action + ": " + cause.getMessage();
        boolean unreachable = false;
        while (cause.getCause() != null && !(cause instanceof AwsServiceException)) {
            unreachable |= isConnectionError(cause);
            cause = cause.getCause();
        }
        if (cause instanceof AwsServiceException ase) {
            int status = ase.statusCode();
            String code = ase.awsErrorDetails() == null ? null : ase.awsErrorDetails().errorCode();
            boolean transientStatus = status >= 500 || status == 408 || status == 429 || status == 0
                    || REQUEST_TIMEOUT.equals(code);
            message = action + ": " + (code == null ? "" : code + " ") + "(HTTP " + status + ")";
            return new JobFailedException(transientStatus
                    ? Failure.retryable(ErrorCode.STORAGE_ERROR, message)
                    : Failure.permanent(ErrorCode.STORAGE_ERROR, message), e);
        }
        return new JobFailedException(unreachable || isConnectionError(cause)
                ? Failure.retryable(ErrorCode.STORAGE_ERROR, message)
                : Failure.permanent(ErrorCode.STORAGE_ERROR, message), e);
    }

    /** The store did not answer: refused or reset connections, timeouts, unreadable responses. */
    private static boolean isConnectionError(Throwable t) {
        return t instanceof SdkClientException || t instanceof IOException || t instanceof UncheckedIOException;
    }
}
