package dev.shoehorn.backup.command;

/** Thrown while reading a command record; carries the rejection to the parser's caller. */
public final class RejectedException extends RuntimeException {

    private final transient Rejection rejection;

    public RejectedException(Rejection rejection) {
        super(rejection.code() + ": " + rejection.message(), null, false, false);
        this.rejection = rejection;
    }

    public Rejection rejection() {
        return rejection;
    }
}
