package dev.shoehorn.backup.backup;

import java.util.List;
import java.util.Locale;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;

/** Sorts pg_dump's failures: lost connections are worth another attempt, the rest are not. */
final class PgDumpFailures {

    private static final List<String> TRANSIENT = List.of("could not connect", "connection to server",
            "connection refused", "timeout expired", "server closed the connection", "terminating connection",
            "the database system is starting up", "the database system is shutting down", "could not receive data",
            "too many clients", "deadlock detected", "lock timeout", "canceling statement due to");

    private PgDumpFailures() {
    }

    static Failure of(int exitCode, String stderr) {
        String message = "pg_dump exited with " + exitCode + (stderr.isEmpty() ? "" : ": " + stderr);
        String lower = stderr.toLowerCase(Locale.ROOT);
        if (lower.contains("server version mismatch")) {
            return Failure.permanent(ErrorCode.PG_DUMP_UNAVAILABLE, message);
        }
        if (TRANSIENT.stream().anyMatch(lower::contains)) {
            return Failure.retryable(ErrorCode.PG_DUMP_FAILED, message);
        }
        return Failure.permanent(ErrorCode.PG_DUMP_FAILED, message);
    }
}
