package dev.shoehorn.backup.cli;

/** Ends a command with a message for the operator and one of the {@link ExitCode}s. */
public final class CliException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static CliException unreachable(String what, Throwable cause) {
        String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new CliException(ExitCode.UNREACHABLE, what + " did not answer: " + why, cause);
    }
}
