package dev.shoehorn.backup.command;

import dev.shoehorn.backup.failure.CarriesFailure;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;

/** Thrown while reading a command record; carries the rejection to the parser's caller. */
public final class RejectedException extends RuntimeException implements CarriesFailure {

    private final transient Rejection rejection;

    public RejectedException(Rejection rejection) {
        super(rejection.code() + ": " + rejection.message(), null, false, false);
        this.rejection = rejection;
    }

    /** The refusal of a command read whole: its commandId and target are known to be valid. */
    public static RejectedException of(Command command, ErrorCode code, String message) {
        return new RejectedException(new Rejection(code, message, command.commandId().toString(),
                command.target()));
    }

    public Rejection rejection() {
        return rejection;
    }

    @Override
    public Failure failure() {
        return rejection.failure();
    }
}
