package dev.shoehorn.backup.cli;

/** The CLI's exit codes (docs/operations.md, "Exit codes"); stable, for scripts. */
public final class ExitCode {

    /** The command did what was asked: the job completed, the archive checks out. */
    public static final int OK = 0;
    /** The job failed, or what was checked is bad (verify). */
    public static final int FAILED = 1;
    /** The command line is wrong (picocli's own code for usage errors). */
    public static final int USAGE = 2;
    /** A worker refused the command (rejected, with its error code). */
    public static final int REJECTED = 3;
    /** Kafka or the object store did not answer, or no worker took the command in time. */
    public static final int UNREACHABLE = 4;

    private ExitCode() {
    }
}
