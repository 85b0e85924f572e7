package dev.shoehorn.backup.failure;

/**
 * Why a job did not succeed, as a value. Whether a failure is worth another attempt is decided
 * once, where the failure is understood, instead of by whoever catches it later.
 */
public sealed interface Failure permits Failure.Retryable, Failure.Permanent {

    ErrorCode code();

    /** Human-readable reason; never contains a password, token or connection string. */
    String message();

    default boolean retryable() {
        return this instanceof Retryable;
    }

    /** A transient condition (network, storage, a database restarting): another attempt may succeed. */
    record Retryable(ErrorCode code, String message) implements Failure {
    }

    /** Another attempt would fail the same way (bad input, missing permission, tool too old). */
    record Permanent(ErrorCode code, String message) implements Failure {
    }

    static Failure retryable(ErrorCode code, String message) {
        return new Retryable(code, Redactor.redact(message));
    }

    static Failure permanent(ErrorCode code, String message) {
        return new Permanent(code, Redactor.redact(message));
    }
}
