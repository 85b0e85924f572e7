package dev.shoehorn.backup.restore;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How restores run: their mode, the post-restore steps of commands that do not say, and what a swap keeps. */
@ConfigMapping(prefix = "backup.restore")
public interface RestoreConfig {

    /** Run the target's migration command after the restore (when upgrading). */
    @WithDefault("false")
    boolean migrate();

    /** Ask the search API to re-index after the restore. */
    @WithDefault("true")
    boolean backfill();

    /** Clear the cache after the restore. */
    @WithDefault("true")
    boolean flushCache();

    /** The mode of commands that do not name one: {@code single-transaction} or {@code swap}. */
    @WithDefault("single-transaction")
    RestoreMode mode();

    /** How long a swap keeps the displaced database ({@code <db>_before_<job>}) for a rollback; 0 drops it at once. */
    @WithDefault("24h")
    Duration keepBefore();

    /** Time between two rounds of the sweeper that drops expired kept databases and leftovers of dead jobs. */
    @WithDefault("15m")
    Duration sweepInterval();
}
