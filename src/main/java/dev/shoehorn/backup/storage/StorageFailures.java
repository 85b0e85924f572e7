package dev.shoehorn.backup.storage;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** Sorts object-store errors into retryable and permanent ones. */
final class StorageFailures {

    private StorageFailures() {
    }

    static JobFailedException of(String action, Exception e) {
        if (e instanceof JobFailedException jfe) {
            return jfe;
        }
        Throwable cause = e;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = action + ": " + cause.getMessage();
        while (cause.getCause() != null && !(cause instanceof AwsServiceException)) {
            cause = cause.getCause();
        }
        if (cause instanceof AwsServiceException ase) {
            int status = ase.statusCode();
            boolean transientStatus = status >= 500 || status == 408 || status == 429 || status == 0;
            String code = ase.awsErrorDetails() == null ? null : ase.awsErrorDetails().errorCode();
            message = action + ": " + (code == null ? "" : code + " ") + "(HTTP " + status + ")";
            return new JobFailedException(transientStatus
                    ? Failure.retryable(ErrorCode.STORAGE_ERROR, message)
                    : Failure.permanent(ErrorCode.STORAGE_ERROR, message), e);
        }
        return new JobFailedException(Failure.retryable(ErrorCode.STORAGE_ERROR, message), e);
    }
}
