package dev.shoehorn.backup.restore;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a restore writes: over the live target in one transaction, or into a fresh database beside it
 * that is checked and then swapped in by rename. docs/restore.md weighs the two.
 */
public enum RestoreMode {
    SINGLE_TRANSACTION("single-transaction"),
    SWAP("swap");

    private final String value;

    RestoreMode(String value) {
        this.value = value;
    }

    /** As in the command's {@code mode}, the configuration and the events. */
    public String value() {
        return value;
    }

    public static Optional<RestoreMode> of(String value) {
        return Arrays.stream(values()).filter(m -> m.value.equals(value)).findFirst();
    }

    @Override
    public String toString() {
        return value;
    }
}
