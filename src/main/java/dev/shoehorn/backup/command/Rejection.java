package dev.shoehorn.backup.command;

import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;

/**
 * Why a command record was refused. {@code commandId} and {@code target} are kept only when the
 * record carried them in a valid form, so that a rejection never echoes arbitrary input.
 */
public record Rejection(ErrorCode code, String message, String commandId, String target) {

    public Failure failure() {
        return Failure.permanent(code, message);
    }
}
