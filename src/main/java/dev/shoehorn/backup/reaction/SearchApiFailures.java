package dev.shoehorn.backup.reaction;

import java.io.IOException;
import java.net.http.HttpTimeoutException;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;

/**
 * Sorts answers and errors of the search API into retryable and permanent failures: the server
 * being down, overloaded or slow is worth another attempt; being refused (401, 403) or asked
 * something it does not know (other 4xx) is not.
 */
final class SearchApiFailures {

    private SearchApiFailures() {
    }

    static boolean isSuccess(int status) {
        return status >= 200 && status < 300;
    }

    static Failure ofStatus(String action, int status) {
        if (status == 401 || status == 403) {
            return Failure.permanent(ErrorCode.BACKFILL_FAILED,
                    action + ": the search API refused the credentials (HTTP " + status + ")");
        }
        String message = action + ": the search API answered HTTP " + status;
        return status >= 500 || status == 408 || status == 429
                ? Failure.retryable(ErrorCode.BACKFILL_FAILED, message)
                : Failure.permanent(ErrorCode.BACKFILL_FAILED, message);
    }

    static Failure ofError(String action, IOException e) {
        String what = e instanceof HttpTimeoutException ? "timed out" : "unreachable";
        String detail = e.getMessage() == null ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return Failure.retryable(ErrorCode.BACKFILL_FAILED, action + ": the search API is " + what + " (" + detail + ")");
    }
}
