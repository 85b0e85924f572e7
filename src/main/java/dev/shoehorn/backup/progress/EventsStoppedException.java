package dev.shoehorn.backup.progress;

/**
 * The worker stopped while an event waited for the broker. The job cannot report its end, so its
 * command must stay uncommitted and be redelivered.
 */
public final class EventsStoppedException extends RuntimeException {

    public EventsStoppedException(String message) {
        super(message, null, false, false);
    }
}
