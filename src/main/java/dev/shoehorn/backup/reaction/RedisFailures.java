package dev.shoehorn.backup.reaction;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;

/**
 * Sorts Redis errors: an error reply of the server (unknown or renamed command, NOAUTH, a database
 * index out of range) would come back the same next time; anything else (connection refused or
 * lost, a timeout) may not.
 */
final class RedisFailures {

    private RedisFailures() {
    }

    static Failure of(String action, Throwable error) {
        Throwable reply = null;
        Throwable innermost = error;
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof io.vertx.redis.client.Response) { // an error reply (ErrorType)
                reply = t;
            }
            innermost = t;
            if (t.getCause() == t) {
                break;
            }
        }
        if (reply != null) {
            return Failure.permanent(ErrorCode.CACHE_FLUSH_FAILED, action + ": Redis answered " + reply.getMessage());
        }
        String detail = innermost.getMessage() == null ? innermost.getClass().getSimpleName()
                : innermost.getClass().getSimpleName() + ": " + innermost.getMessage();
        return Failure.retryable(ErrorCode.CACHE_FLUSH_FAILED, action + ": Redis unavailable (" + detail + ")");
    }
}
