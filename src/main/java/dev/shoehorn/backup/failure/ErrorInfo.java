package dev.shoehorn.backup.failure;

/** {@code data.error} of rejected and failed events. */
public record ErrorInfo(String code, String message, boolean retryable) {

    public static ErrorInfo of(Failure failure) {
        return new ErrorInfo(failure.code().name(), failure.message(), failure.retryable());
    }

    /** The error as {@code key=value} fields of a log line (the message is redacted already). */
    public String logFields() {
        return " code=" + code + " retryable=" + retryable + " msg=\"" + message.replace('"', '\'') + "\"";
    }
}
