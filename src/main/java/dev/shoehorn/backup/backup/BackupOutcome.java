package dev.shoehorn.backup.backup;

/** How a backup job ended, and whether its command may be committed. */
public enum BackupOutcome {
    COMPLETED(true),
    SKIPPED(true),
    FAILED(true),
    /** The worker stopped under the job: leave the command uncommitted so that it is redelivered. */
    ABANDONED(false);

    private final boolean commit;

    BackupOutcome(boolean commit) {
        this.commit = commit;
    }

    public boolean commit() {
        return commit;
    }
}
