package dev.shoehorn.backup.failure;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Filter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * The {@link Redactor} on every log record, whoever wrote it (the worker, the Kafka client, the
 * AWS SDK, the JDBC driver): its formatted message and the messages of its exception and that
 * exception's causes and suppressed exceptions are masked before a handler formats them. The call
 * sites cannot be trusted with this: most of them are in libraries. Switched on per handler with
 * {@code quarkus.log.<handler>.filter=redact} (application.properties: console and file).
 */
@LoggingFilter(name = RedactingLogFilter.NAME)
public final class RedactingLogFilter implements Filter {

    public static final String NAME = "redact";
    private static final Formatter PLAIN = new SimpleFormatter();

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : PLAIN.formatMessage(record);
        String masked = Redactor.redact(message);
        if (!Objects.equals(message, masked)) {
            if (record instanceof ExtLogRecord ext) {
                ext.setMessage(masked, ExtLogRecord.FormatStyle.NO_FORMAT);
            } else {
                record.setMessage(masked);
            }
            record.setParameters(null);
            record.setResourceBundle(null);
        }
        record.setThrown(masked(record.getThrown(), Collections.newSetFromMap(new IdentityHashMap<>())));
        return true;
    }

    /** The exception itself when nothing in it needs masking, else a masked copy of it. */
    static Throwable masked(Throwable thrown, Set<Throwable> seen) {
        if (thrown == null || !seen.add(thrown)) {
            return null; // a cycle in the chain: cut it rather than print the unmasked original
        }
        Throwable cause = masked(thrown.getCause(), seen);
        Throwable[] suppressed = thrown.getSuppressed();
        boolean same = cause == thrown.getCause();
        for (int i = 0; i < suppressed.length; i++) {
            Throwable s = masked(suppressed[i], seen);
            same &= s == suppressed[i];
            suppressed[i] = s;
        }
        String message = thrown.getMessage();
        String maskedMessage = Redactor.redact(message);
        if (same && Objects.equals(message, maskedMessage)) {
            return thrown;
        }
        Throwable copy = new MaskedException(thrown, maskedMessage, cause);
        for (Throwable s : suppressed) {
            if (s != null) {
                copy.addSuppressed(s);
            }
        }
        return copy;
    }

    /**
     * Stands in for an exception whose chain carried a secret. It prints as the original would (type,
     * masked message, the original's stack); structured (JSON) logs, which name the exception's class,
     * name this one, so its message leads with the original's type.
     */
    static final class MaskedException extends Exception {

        MaskedException(Throwable original, String message, Throwable cause) {
            super(original.getClass().getName() + (message == null ? "" : ": " + message), cause, true, true);
            setStackTrace(original.getStackTrace());
        }

        @Override
        public String toString() {
            return getMessage();
        }

        /** The original's stack is set instead; recording this constructor's would be wasted work. */
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
