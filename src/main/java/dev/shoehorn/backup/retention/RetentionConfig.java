package dev.shoehorn.backup.retention;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Retention runs (docs/operations.md, "Retention"). What each target keeps is
 * {@code backup.targets.<name>.retention.*}.
 */
@ConfigMapping(prefix = "backup.retention")
public interface RetentionConfig {

    /** Whether this worker prunes: after its backups and on the retention schedule. */
    @WithDefault("true")
    boolean enabled();

    /** Whether a target is pruned after each of its successful backups (by the worker that made it). */
    @WithDefault("true")
    boolean afterBackup();

    /**
     * When every target is pruned, as cron (five fields or a macro); one replica runs each slot (the
     * first to claim it in the store). {@code off} for no scheduled runs.
     */
    @WithDefault("30 3 * * *")
    String schedule();

    /** The IANA time zone of {@code schedule}. */
    @WithDefault("UTC")
    String scheduleZone();

    /**
     * An incomplete archive (no manifest that describes it) older than this is deleted; younger ones
     * may be a running job's. Must exceed {@code backup.jobs.timeout}.
     */
    @WithDefault("24h")
    Duration incompleteGrace();

    /**
     * Finished idempotency and reaction records older than this are deleted. Must exceed the commands'
     * maximum ages: a record is what makes a redelivered command {@code skipped}.
     */
    @WithDefault("30d")
    Duration recordMaxAge();
}
