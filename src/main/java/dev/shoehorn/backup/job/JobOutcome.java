package dev.shoehorn.backup.job;

/** How a job ended, and whether its command may be committed. */
public enum JobOutcome {
    COMPLETED(true),
    SKIPPED(true),
    FAILED(true),
    /** The worker stopped under the job: leave the command uncommitted so that it is redelivered. */
    ABANDONED(false);

    private final boolean commit;

    JobOutcome(boolean commit) {
        this.commit = commit;
    }

    public boolean commit() {
        return commit;
    }
}
