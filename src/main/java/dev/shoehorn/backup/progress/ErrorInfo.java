package dev.shoehorn.backup.progress;

import dev.shoehorn.backup.job.Failure;

/** {@code data.error} of rejected and failed events. */
public record ErrorInfo(String code, String message, boolean retryable) {

    public static ErrorInfo of(Failure failure) {
        return new ErrorInfo(failure.code().name(), failure.message(), failure.retryable());
    }
}
